/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpg_client: one CPG handle driven by commands on stdin, one output line
 * per result or event, for integration tests.  Built twice from this file:
 * cpg_client (our libcpg and cpg.h) and cpg_client_debian (Debian's), so the
 * same script can run against both libraries and the outputs be compared.
 * Uses only the public API.
 *
 *   cpg_client [-m] [-i]   -m: cpg_model_initialize with a totem callback,
 *                          -i: ... and CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF
 * Commands: join G | leave G | send TEXT | flood N SIZE | big SIZE |
 *   members G | local | iter all|names|one G | maxmsg | zcb TEXT |
 *   finalize | stop-reading | echo TEXT | quit
 * Events: CONFCHG, DELIVER, TOTEM lines; a dispatch error prints
 * `dispatch-error <err>` and exits 3.  Numbers are cs_error_t values.
 * Group names accept and print `\xNN` escapes (bytes outside 0x21..0x7e and
 * the backslash).
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <corosync/cpg.h>

#define SEND_RETRY_MS 10000   /* TRY_AGAIN is retried every 1 ms for this long */

struct client {
	cpg_handle_t handle;
	bool handle_valid;            /* false after finalize */
	bool reading;                 /* false after stop-reading */
};

static struct client cl;

/* ---------------------------------------------------------------- helpers */

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void name_print(FILE *f, const struct cpg_name *g)
{
	uint32_t len = g->length <= CPG_MAX_NAME_LENGTH ? g->length : CPG_MAX_NAME_LENGTH;

	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)g->value[i];

		if (c < 0x21 || c > 0x7e || c == '\\')
			fprintf(f, "\\x%02X", c);
		else
			fputc(c, f);
	}
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse a group token with \xNN escapes; 0 on success, -1 if malformed or too long. */
static int name_parse(const char *tok, struct cpg_name *g)
{
	size_t n = 0;

	memset(g, 0, sizeof(*g));
	while (*tok) {
		unsigned char c;

		if (tok[0] == '\\' && tok[1] == 'x' && hexval(tok[2]) >= 0 && hexval(tok[3]) >= 0) {
			c = (unsigned char)(hexval(tok[2]) * 16 + hexval(tok[3]));
			tok += 4;
		} else {
			c = (unsigned char)*tok++;
		}
		if (n >= CPG_MAX_NAME_LENGTH) {
			/* one byte more: let the library judge a 129-byte name */
			g->length = CPG_MAX_NAME_LENGTH + 1;
			return 0;
		}
		g->value[n++] = (char)c;
	}
	g->length = (uint32_t)n;
	return 0;
}

static uint32_t crc32_of(const unsigned char *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
	}
	return crc ^ 0xffffffffu;
}

/* If msg starts with a flood header `F:n:p:seq;`, its seq. */
static bool flood_seq(const unsigned char *p, size_t len, unsigned long long *seq)
{
	size_t i = 2;
	int field = 0;
	unsigned long long v = 0;
	bool digits = false;

	if (len < 2 || p[0] != 'F' || p[1] != ':')
		return false;
	for (; i < len; i++) {
		if (p[i] >= '0' && p[i] <= '9') {
			v = v * 10 + (p[i] - '0');
			digits = true;
		} else if (p[i] == ':' && field < 2 && digits) {
			field++;
			v = 0;
			digits = false;
		} else if (p[i] == ';' && field == 2 && digits) {
			*seq = v;
			return true;
		} else {
			return false;
		}
	}
	return false;
}

/* ----------------------------------------------------------------- events */

static void print_addrs(const struct cpg_address *a, size_t n, bool reason)
{
	for (size_t i = 0; i < n; i++) {
		printf("%s%u:%u", i ? "," : "", a[i].nodeid, a[i].pid);
		if (reason)
			printf(":%u", a[i].reason);
	}
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *g,
		       const struct cpg_address *m, size_t mn, const struct cpg_address *l, size_t ln,
		       const struct cpg_address *j, size_t jn)
{
	(void)h;
	printf("CONFCHG ");
	name_print(stdout, g);
	printf(" m=");
	print_addrs(m, mn, false);
	printf(" l=");
	print_addrs(l, ln, true);
	printf(" j=");
	print_addrs(j, jn, true);
	printf("\n");
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *g, uint32_t nodeid, uint32_t pid,
		       void *msg, size_t len)
{
	const unsigned char *p = msg;
	unsigned long long seq;
	bool printable = len <= 200;

	(void)h;
	for (size_t i = 0; printable && i < len; i++)
		printable = p[i] >= 0x20 && p[i] <= 0x7e;
	printf("DELIVER ");
	name_print(stdout, g);
	printf(" %u:%u len=%zu ", nodeid, pid, len);
	if (printable)
		printf("data=%.*s\n", (int)len, (const char *)p);
	else if (flood_seq(p, len, &seq))
		printf("seq=%llu\n", seq);
	else
		printf("crc=%08x\n", crc32_of(p, len));
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n, const uint32_t *m)
{
	(void)h;
	/* the ring id as corosync prints it (CS_PRI_RING_ID: hex nodeid.seq) */
	printf("TOTEM ring=%x.%llx m=", ring.nodeid, (unsigned long long)ring.seq);
	for (uint32_t i = 0; i < n; i++)
		printf("%s%u", i ? "," : "", m[i]);
	printf("\n");
}

/* Run waiting events unless reading stopped; a hard error ends the client. */
static void pump(void)
{
	cs_error_t err;

	if (!cl.handle_valid || !cl.reading)
		return;
	err = cpg_dispatch(cl.handle, CS_DISPATCH_ALL);
	if (err != CS_OK && err != CS_ERR_TRY_AGAIN) {
		printf("dispatch-error %d\n", err);
		exit(3);
	}
}

/* ---------------------------------------------------------------- sending */

/* One message; TRY_AGAIN retried every 1 ms (dispatching) for SEND_RETRY_MS. */
static cs_error_t send_retry(const void *data, size_t len, unsigned long *tries)
{
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	cs_error_t err;
	long waited = 0;

	for (;;) {
		err = cpg_mcast_joined(cl.handle, CPG_TYPE_AGREED, &iov, 1);
		if (err != CS_ERR_TRY_AGAIN || waited >= SEND_RETRY_MS)
			return err;
		if (tries)
			(*tries)++;
		pump();
		sleep_ms(1);
		waited++;
	}
}

static void cmd_flood(const char *args)
{
	unsigned long long n = 0, size = 0;
	unsigned long tries = 0;
	unsigned int nodeid = 0;
	unsigned char *buf;
	cs_error_t err = CS_OK;

	if (sscanf(args, "%llu %llu", &n, &size) != 2 || size < 32) {
		printf("flood usage\n");
		return;
	}
	buf = malloc(size);
	if (!buf) {
		printf("flood %llu nomem\n", n);
		return;
	}
	(void)cpg_local_get(cl.handle, &nodeid);
	for (unsigned long long seq = 0; seq < n && err == CS_OK; seq++) {
		int h = snprintf((char *)buf, size, "F:%u:%ld:%llu;", nodeid, (long)getpid(), seq);
		size_t hl = h < 0 ? 0 : (size_t)h >= size ? size - 1 : (size_t)h;

		/* filler bytes are never printable, so a flood message prints as seq= */
		for (size_t i = hl; i < size; i++)
			buf[i] = (unsigned char)(0x80 | (i & 0x7f));
		err = send_retry(buf, size, &tries);
		pump();
	}
	free(buf);
	printf("flood %llu %d tries=%lu\n", n, err, tries);
}

static void cmd_big(const char *args)
{
	unsigned long long size = 0;
	unsigned char *buf;
	cs_error_t err;

	if (sscanf(args, "%llu", &size) != 1) {
		printf("big usage\n");
		return;
	}
	buf = malloc(size ? size : 1);
	if (!buf) {
		printf("big %llu nomem\n", size);
		return;
	}
	for (unsigned long long i = 0; i < size; i++)
		buf[i] = (unsigned char)((i * 7 + 3) & 0xff);
	err = send_retry(buf, size, NULL);
	free(buf);
	printf("big %llu %d\n", size, err);
}

static void cmd_zcb(const char *text)
{
	size_t len = strlen(text);
	void *buf = NULL;
	cs_error_t err, ferr;

	err = cpg_zcb_alloc(cl.handle, len, &buf);
	if (err != CS_OK) {
		printf("zcb %d\n", err);
		return;
	}
	memcpy(buf, text, len);
	err = cpg_zcb_mcast_joined(cl.handle, CPG_TYPE_AGREED, buf, len);
	ferr = cpg_zcb_free(cl.handle, buf);
	printf("zcb %d\n", err != CS_OK ? err : ferr);
}

/* --------------------------------------------------------------- queries */

static void cmd_members(const char *tok)
{
	struct cpg_address list[CPG_MEMBERS_MAX];
	struct cpg_name g;
	int n = 0;
	cs_error_t err;

	name_parse(tok, &g);
	err = cpg_membership_get(cl.handle, &g, list, &n);
	printf("members ");
	name_print(stdout, &g);
	printf(" %d", err);
	if (err == CS_OK) {
		for (int i = 0; i < n && i < CPG_MEMBERS_MAX; i++)
			printf(" %u:%u", list[i].nodeid, list[i].pid);
	}
	printf("\n");
}

static void cmd_iter(const char *args)
{
	struct cpg_iteration_description_t d;
	cpg_iteration_handle_t ih;
	struct cpg_name g;
	cs_error_t err;

	if (strcmp(args, "all") == 0) {
		err = cpg_iteration_initialize(cl.handle, CPG_ITERATION_ALL, NULL, &ih);
	} else if (strcmp(args, "names") == 0) {
		err = cpg_iteration_initialize(cl.handle, CPG_ITERATION_NAME_ONLY, NULL, &ih);
	} else if (strncmp(args, "one ", 4) == 0) {
		name_parse(args + 4, &g);
		err = cpg_iteration_initialize(cl.handle, CPG_ITERATION_ONE_GROUP, &g, &ih);
	} else {
		printf("iter usage\n");
		return;
	}
	if (err != CS_OK) {
		printf("iterend %d\n", err);
		return;
	}
	while ((err = cpg_iteration_next(ih, &d)) == CS_OK) {
		printf("iter ");
		name_print(stdout, &d.group);
		printf(" %u %u\n", d.nodeid, d.pid);
	}
	printf("iterend %d\n", err);
	(void)cpg_iteration_finalize(ih);
}

/* ------------------------------------------------------------- commands */

static void command(char *line)
{
	char *args = strchr(line, ' ');
	const char *cmd = line;
	struct cpg_name g;
	cs_error_t err;

	if (args)
		*args++ = '\0';
	else
		args = line + strlen(line);
	/* events that are already waiting print before this command's result */
	pump();

	if (strcmp(cmd, "join") == 0 || strcmp(cmd, "leave") == 0) {
		name_parse(args, &g);
		err = cmd[0] == 'j' ? cpg_join(cl.handle, &g) : cpg_leave(cl.handle, &g);
		printf("%s ", cmd);
		name_print(stdout, &g);
		printf(" %d\n", err);
	} else if (strcmp(cmd, "send") == 0) {
		printf("send %d\n", send_retry(args, strlen(args), NULL));
	} else if (strcmp(cmd, "flood") == 0) {
		cmd_flood(args);
	} else if (strcmp(cmd, "big") == 0) {
		cmd_big(args);
	} else if (strcmp(cmd, "members") == 0) {
		cmd_members(args);
	} else if (strcmp(cmd, "local") == 0) {
		unsigned int nodeid = 0;

		err = cpg_local_get(cl.handle, &nodeid);
		printf("local %d %u\n", err, nodeid);
	} else if (strcmp(cmd, "iter") == 0) {
		cmd_iter(args);
	} else if (strcmp(cmd, "maxmsg") == 0) {
		uint32_t n = 0;

		err = cpg_max_atomic_msgsize_get(cl.handle, &n);
		printf("maxmsg %d %u\n", err, n);
	} else if (strcmp(cmd, "zcb") == 0) {
		cmd_zcb(args);
	} else if (strcmp(cmd, "finalize") == 0) {
		err = cpg_finalize(cl.handle);
		cl.handle_valid = false;
		printf("finalize %d\n", err);
	} else if (strcmp(cmd, "stop-reading") == 0) {
		cl.reading = false;
		printf("stop-reading\n");
	} else if (strcmp(cmd, "echo") == 0) {
		printf("echo %s\n", args);
	} else if (strcmp(cmd, "quit") == 0) {
		exit(0);
	} else if (cmd[0] != '\0') {
		printf("unknown %s\n", cmd);
	}
}

int main(int argc, char **argv)
{
	cpg_model_v1_data_t model;
	char *buf = NULL;
	size_t cap = 0, len = 0;
	bool use_model = false, initial = false;
	cs_error_t err;
	int opt;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((opt = getopt(argc, argv, "mi")) != -1) {
		if (opt == 'm')
			use_model = true;
		else if (opt == 'i')
			initial = true;
		else
			return 2;
	}

	if (use_model) {
		memset(&model, 0, sizeof(model));
		model.model = CPG_MODEL_V1;
		model.cpg_deliver_fn = on_deliver;
		model.cpg_confchg_fn = on_confchg;
		model.cpg_totem_confchg_fn = on_totem;
		model.flags = initial ? CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF : 0;
		err = cpg_model_initialize(&cl.handle, CPG_MODEL_V1, (cpg_model_data_t *)&model, NULL);
	} else {
		cpg_callbacks_t cb = { .cpg_deliver_fn = on_deliver, .cpg_confchg_fn = on_confchg };

		err = cpg_initialize(&cl.handle, &cb);
	}
	printf("init %d\n", err);
	if (err != CS_OK)
		return 1;
	cl.handle_valid = true;
	cl.reading = true;

	for (;;) {
		struct pollfd pfd[2];
		nfds_t nfds = 1;
		int fd = -1;

		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		if (cl.handle_valid && cl.reading && cpg_fd_get(cl.handle, &fd) == CS_OK) {
			pfd[1].fd = fd;
			pfd[1].events = POLLIN;
			nfds = 2;
		}
		if (poll(pfd, nfds, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 4;
		}
		if (nfds == 2 && pfd[1].revents)
			pump();
		if (pfd[0].revents) {
			ssize_t r;
			char *nl;

			if (cap - len < 4096) {
				cap = cap ? cap * 2 : 65536;
				buf = realloc(buf, cap);
				if (!buf)
					return 4;
			}
			r = read(STDIN_FILENO, buf + len, cap - len - 1);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				exit(0);    /* EOF: like quit, without finalize */
			len += (size_t)r;
			while ((nl = memchr(buf, '\n', len)) != NULL) {
				size_t l = (size_t)(nl - buf);

				*nl = '\0';
				if (l && buf[l - 1] == '\r')
					buf[l - 1] = '\0';
				command(buf);
				memmove(buf, nl + 1, len - l - 1);
				len -= l + 1;
			}
		}
	}
}
