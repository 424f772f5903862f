/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cfg_tracker LIBCFG yes|no|silent: a shutdown tracker as Pacemaker is one.  Loads
 * the libcfg.so.7 at path LIBCFG (ours or Debian's), connects with a
 * shutdown callback, calls trackstart and prints "tracking"; every
 * TESTSHUTDOWN prints "testshutdown flags=<n>" and is answered with the
 * given reply (silent: never answered).  Ends when dispatching fails (the daemon went away), printing
 * "dispatch <error>".
 *
 * cfg_tracker LIBCFG ring: print what corosync_cfg_ring_status_get answers
 * ("ring <error> <count>", then "<name>|<status>" per interface) and exit.
 * int_cfgtool.sh drives both modes.
 */
#include <dlfcn.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cfg.h>

static cs_error_t (*reply_fn)(corosync_cfg_handle_t, corosync_cfg_shutdown_reply_flags_t);
static corosync_cfg_shutdown_reply_flags_t answer;
static int silent;           /* never answer: the daemon's timer decides */

static void *load(void *dl, const char *name)
{
	void *p = dlsym(dl, name);

	if (!p) {
		fprintf(stderr, "%s: %s\n", name, dlerror());
		exit(2);
	}
	return p;
}

static void on_shutdown(corosync_cfg_handle_t h, corosync_cfg_shutdown_flags_t flags)
{
	cs_error_t err;

	printf("testshutdown flags=%d\n", (int)flags);
	if (silent) {
		fflush(stdout);
		return;
	}
	err = reply_fn(h, answer);
	printf("replyto_shutdown %d\n", (int)err);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	cs_error_t (*init)(corosync_cfg_handle_t *, const corosync_cfg_callbacks_t *);
	cs_error_t (*fd_get)(corosync_cfg_handle_t, int32_t *);
	cs_error_t (*trackstart)(corosync_cfg_handle_t, uint8_t);
	cs_error_t (*dispatch)(corosync_cfg_handle_t, cs_dispatch_flags_t);
	corosync_cfg_callbacks_t cb = { .corosync_cfg_shutdown_callback = on_shutdown };
	corosync_cfg_handle_t h;
	struct pollfd pfd;
	int32_t fd = -1;
	void *dl, *sym;
	cs_error_t err;

	if (argc != 3) {
		fprintf(stderr, "usage: cfg_tracker LIBCFG yes|no|silent|ring\n");
		return 2;
	}
	answer = strcmp(argv[2], "yes") == 0 ? COROSYNC_CFG_SHUTDOWN_FLAG_YES
					      : COROSYNC_CFG_SHUTDOWN_FLAG_NO;
	silent = strcmp(argv[2], "silent") == 0;
	dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (!dl) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 2;
	}
	/* function pointers from void *: through memcpy, as ISO C wants */
	sym = load(dl, "corosync_cfg_initialize"); memcpy(&init, &sym, sizeof(sym));
	sym = load(dl, "corosync_cfg_fd_get"); memcpy(&fd_get, &sym, sizeof(sym));
	sym = load(dl, "corosync_cfg_trackstart"); memcpy(&trackstart, &sym, sizeof(sym));
	sym = load(dl, "corosync_cfg_dispatch"); memcpy(&dispatch, &sym, sizeof(sym));
	sym = load(dl, "corosync_cfg_replyto_shutdown"); memcpy(&reply_fn, &sym, sizeof(sym));

	err = init(&h, &cb);
	if (err != CS_OK) {
		printf("initialize %d\n", (int)err);
		return 1;
	}
	if (strcmp(argv[2], "ring") == 0) {
		cs_error_t (*ring)(corosync_cfg_handle_t, char ***, char ***, unsigned int *);
		char **names = NULL, **status = NULL;
		unsigned int count = 0;

		sym = load(dl, "corosync_cfg_ring_status_get"); memcpy(&ring, &sym, sizeof(sym));
		err = ring(h, &names, &status, &count);
		printf("ring %d %u\n", (int)err, err == CS_OK ? count : 0);
		for (unsigned int i = 0; err == CS_OK && i < count; i++) {
			printf("%s|%s\n", names[i], status[i]);
			free(names[i]);
			free(status[i]);
		}
		if (err == CS_OK) {
			free(names);
			free(status);
		}
		return 0;
	}
	if (fd_get(h, &fd) != CS_OK || trackstart(h, 0) != CS_OK) {
		printf("trackstart failed\n");
		return 1;
	}
	printf("tracking\n");
	fflush(stdout);
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, -1) < 0)
			continue;
		err = dispatch(h, CS_DISPATCH_ALL);
		if (err != CS_OK) {
			printf("dispatch %d\n", (int)err);
			fflush(stdout);
			return 0;
		}
	}
}
