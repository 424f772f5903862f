/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cfg_client LIBCFG NODEID...: load the libcfg.so.7 at path LIBCFG (ours or
 * Debian's) and print, one line per call, what it answers: initialize,
 * fd_get, local_get, get_node_addrs for each NODEID (with up to 8
 * addresses: family and text), a non-blocking dispatch, finalize, and a call
 * on the finalized handle.  int_cfg_basic.sh compares these lines between
 * the two libraries and the two daemons.  The library is loaded with dlopen
 * so that the same program text runs against both builds.
 */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <corosync/cfg.h>

#define LOAD(dl, name) load((dl), #name)

static void *load(void *dl, const char *name)
{
	void *p = dlsym(dl, name);

	if (!p) {
		fprintf(stderr, "%s: %s\n", name, dlerror());
		exit(2);
	}
	return p;
}

int main(int argc, char **argv)
{
	cs_error_t (*init)(corosync_cfg_handle_t *, const corosync_cfg_callbacks_t *);
	cs_error_t (*fd_get)(corosync_cfg_handle_t, int32_t *);
	cs_error_t (*local_get)(corosync_cfg_handle_t, unsigned int *);
	cs_error_t (*get_addrs)(corosync_cfg_handle_t, unsigned int, size_t, int *,
				corosync_cfg_node_address_t *);
	cs_error_t (*dispatch)(corosync_cfg_handle_t, cs_dispatch_flags_t);
	cs_error_t (*finalize)(corosync_cfg_handle_t);
	corosync_cfg_callbacks_t cb = { NULL };
	corosync_cfg_handle_t h;
	unsigned int id = 0;
	int32_t fd = -1;
	void *dl, *sym;
	cs_error_t err;

	if (argc < 2) {
		fprintf(stderr, "usage: cfg_client LIBCFG NODEID...\n");
		return 2;
	}
	dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 2;
	}
	/* function pointers from void *: through memcpy, as ISO C wants */
	sym = LOAD(dl, corosync_cfg_initialize); memcpy(&init, &sym, sizeof(sym));
	sym = LOAD(dl, corosync_cfg_fd_get); memcpy(&fd_get, &sym, sizeof(sym));
	sym = LOAD(dl, corosync_cfg_local_get); memcpy(&local_get, &sym, sizeof(sym));
	sym = LOAD(dl, corosync_cfg_get_node_addrs); memcpy(&get_addrs, &sym, sizeof(sym));
	sym = LOAD(dl, corosync_cfg_dispatch); memcpy(&dispatch, &sym, sizeof(sym));
	sym = LOAD(dl, corosync_cfg_finalize); memcpy(&finalize, &sym, sizeof(sym));

	err = init(&h, &cb);
	printf("initialize %d\n", err);
	if (err != CS_OK)
		return 1;
	err = fd_get(h, &fd);
	printf("fd_get %d %s\n", err, fd >= 0 ? "fd" : "nofd");
	err = local_get(h, &id);
	printf("local_get %d %u\n", err, err == CS_OK ? id : 0);

	for (int i = 2; i < argc; i++) {
		corosync_cfg_node_address_t addrs[8];
		unsigned int nodeid = (unsigned int)strtoul(argv[i], NULL, 10);
		int n = -1;

		memset(addrs, 0, sizeof(addrs));
		err = get_addrs(h, nodeid, 8, &n, addrs);
		printf("get_node_addrs %u %d", nodeid, err);
		if (err == CS_OK) {
			printf(" n=%d", n);
			for (int j = 0; j < n && j < 8; j++) {
				struct sockaddr_storage ss;
				char text[INET6_ADDRSTRLEN] = "?";

				memset(&ss, 0, sizeof(ss));
				memcpy(&ss, addrs[j].address, sizeof(addrs[j].address));
				if (ss.ss_family == AF_INET)
					inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
						  text, sizeof(text));
				else if (ss.ss_family == AF_INET6)
					inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
						  text, sizeof(text));
				printf(" %d/%d/%s", ss.ss_family, addrs[j].address_length, text);
			}
		}
		printf("\n");
	}

	printf("dispatch_all %d\n", dispatch(h, CS_DISPATCH_ALL));
	printf("finalize %d\n", finalize(h));
	printf("finalize_again %d\n", finalize(h));
	printf("local_get_after %d\n", local_get(h, &id));
	dlclose(dl);
	return 0;
}
