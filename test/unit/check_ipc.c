/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of ipc/ipc.c's resource bounds with real libqb IPC: the
 * connection limits (per service and in all, -EMFILE to the client) and the
 * cap on event bytes queued over all clients (the client with the longest
 * queue is disconnected), and flow control on connections made while it is
 * on.  The server runs in this process's qb loop; a
 * forked child is the client and reports what it saw through a pipe.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <qb/qbipcc.h>
#include <qb/qbloop.h>
#include <qb/qbutil.h>

#include <corosync/corotypes.h>
#include <chorus/icmap.h>

#include "ipc/ipc.h"
#include "services/host.h"
#include "services/sync.h"
#include "test/check_common.h"

#define EV_SIZE 4096
#define EV_COUNT 512            /* 2 MiB of events per flood */

struct req_flood {
	struct qb_ipc_request_header header;
	uint32_t count;
	uint32_t pad;
};

/* A connection closed from inside svc_event() would pull the service's
 * state from under a loop over its connections (the CPG service walks them
 * to deliver): the IPC layer must disconnect later, from the loop. */
static bool flooding, closed_while_flooding;

/* Answer first, then send count events the client never reads. */
static void handle_flood(struct svc_conn *conn, const void *msg, size_t len)
{
	const struct req_flood *req = msg;
	static unsigned char ev[EV_SIZE];
	struct iovec iov = { .iov_base = ev, .iov_len = sizeof(ev) };
	struct qb_ipc_response_header *h = (void *)ev;
	uint32_t i;

	(void)len;
	(void)svc_reply_error(conn, 0, CS_OK);
	h->id = 1;
	h->size = sizeof(ev);
	flooding = true;
	for (i = 0; i < req->count; i++)
		if (svc_event(conn, &iov, 1) < 0)
			break;
	flooding = false;
}

static int t_conn_open(struct svc_conn *conn) { (void)conn; return 0; }
static void t_conn_close(struct svc_conn *conn)
{
	(void)conn;
	closed_while_flooding |= flooding;
}

static const struct svc_ipc_op t_ops[] = {
	{ .id = 0, .size_min = sizeof(struct req_flood), .handle = handle_flood },
};

/* sync messages looped back after host_confchg() returns */
static unsigned char sync_q[4][1024] __attribute__((aligned(8)));
static size_t sync_len[4];
static int sync_n;

static int t_mcast(void *ctx, enum host_group group, const struct iovec *iov, size_t n,
		   enum svc_guarantee g)
{
	size_t i, off = 0;

	(void)ctx;
	(void)g;
	ck_assert_int_eq(group, HOST_GROUP_SYNC);
	ck_assert_int_lt(sync_n, 4);
	for (i = 0; i < n; i++) {
		memcpy(sync_q[sync_n] + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	sync_len[sync_n++] = off;
	return 0;
}

static const struct host_totem_ops t_totem = { .mcast = t_mcast };

static char name_a[64], name_b[64];

struct result {
	int a1, a2, a3, b1, b2;          /* connect: 0 or -errno */
	int flood_a, flood_b;            /* reply of the flood requests */
	int a_after, b_after;            /* a request after both floods */
};

static int request(qb_ipcc_connection_t *c, uint32_t count)
{
	struct req_flood req;
	struct qb_ipc_response_header res;
	ssize_t r;

	memset(&req, 0, sizeof(req));
	req.header.id = 0;
	req.header.size = sizeof(req);
	req.count = count;
	r = qb_ipcc_send(c, &req, sizeof(req));
	if (r < 0)
		return (int)r;
	r = qb_ipcc_recv(c, &res, sizeof(res), 5000);
	if (r < 0)
		return (int)r;
	return res.error == CS_OK ? 0 : -EPROTO;
}

static qb_ipcc_connection_t *connect_to(const char *name, int *ret)
{
	qb_ipcc_connection_t *c = qb_ipcc_connect(name, 65536);

	*ret = c ? 0 : -errno;
	return c;
}

/* The client: runs in the child, reports through fd. */
static void client(int fd)
{
	struct result res;
	qb_ipcc_connection_t *a1, *a2, *a3, *b1, *b2;
	ssize_t n;

	memset(&res, 0, sizeof(res));
	a1 = connect_to(name_a, &res.a1);
	a2 = connect_to(name_a, &res.a2);
	a3 = connect_to(name_a, &res.a3);      /* third to a: over the per-service limit */
	b1 = connect_to(name_b, &res.b1);
	b2 = connect_to(name_b, &res.b2);      /* fourth in all: over the total */
	res.flood_a = a1 ? request(a1, EV_COUNT) : -1;
	res.flood_b = b1 ? request(b1, EV_COUNT) : -1;
	res.a_after = a1 ? request(a1, 0) : -1;
	res.b_after = b1 ? request(b1, 0) : -1;
	n = write(fd, &res, sizeof(res));
	(void)a2;
	(void)a3;
	(void)b2;
	_exit(n == (ssize_t)sizeof(res) ? 0 : 1);
}

struct parent {
	qb_loop_t *loop;
	int fd;
	struct result res;
	size_t got;
	bool timed_out;
};

static int32_t on_result(int32_t fd, int32_t revents, void *data)
{
	struct parent *p = data;
	ssize_t n = read(fd, (char *)&p->res + p->got, sizeof(p->res) - p->got);

	(void)revents;
	if (n > 0)
		p->got += (size_t)n;
	if (n <= 0 || p->got == sizeof(p->res)) {
		qb_loop_poll_del(p->loop, fd);
		qb_loop_stop(p->loop);
	}
	return 0;
}

static void on_timeout(void *data)
{
	struct parent *p = data;

	p->timed_out = true;
	qb_loop_stop(p->loop);
}

START_TEST(test_limits)
{
	struct svc_def da = {
		.abi = SVC_ABI, .id = 30, .name = "chorus_ipca", .ipc_name = name_a,
		.state_size = 8, .conn_state_size = 8, .conn_open = t_conn_open,
		.conn_close = t_conn_close, .ipc_ops = t_ops, .ipc_ops_count = 1,
	};
	struct svc_def db = da;
	struct host_config hc = { .nodeid = 7, .ipc = &ipc_host_ops, .totem = &t_totem };
	struct ipc_config ic;
	struct icmap *cmap = icmap_new(), *stats = icmap_new();
	struct host *host;
	struct ipc *ipc;
	struct parent p;
	qb_loop_timer_handle th;
	uint32_t me = 7;
	struct svc_view v = { .rep_nodeid = 7, .ring_seq = 4, .members = &me, .members_count = 1 };
	int fds[2], status;
	pid_t pid;

	snprintf(name_a, sizeof(name_a), "chipctesta%d", (int)getpid());
	snprintf(name_b, sizeof(name_b), "chipctestb%d", (int)getpid());
	db.id = 31;
	db.name = "chorus_ipcb";
	db.ipc_name = name_b;
	hc.cmap = cmap;
	hc.stats = stats;
	ck_assert_int_eq(host_create(&hc, &host), 0);
	ck_assert_int_eq(host_add_service(host, &da, NULL, NULL, 0), 0);
	ck_assert_int_eq(host_add_service(host, &db, NULL, NULL, 0), 0);
	host_confchg(host, &v);
	while (sync_n > 0) {
		unsigned char m[1024] __attribute__((aligned(8)));
		size_t len = sync_len[0];

		memcpy(m, sync_q[0], len);
		memmove(sync_q[0], sync_q[1], sizeof(sync_q[0]) * 3);
		memmove(&sync_len[0], &sync_len[1], sizeof(sync_len[0]) * 3);
		sync_n--;
		host_sync_deliver(host, 7, m, len, false);
	}
	ck_assert(host_ready(host));

	memset(&p, 0, sizeof(p));
	p.loop = qb_loop_create();
	ck_assert_ptr_nonnull(p.loop);
	memset(&ic, 0, sizeof(ic));
	ic.host = host;
	ic.cmap = cmap;
	ic.stats = stats;
	ic.loop = p.loop;
	ic.type = QB_IPC_SOCKET;
	ic.conns_per_service_max = 2;
	ic.conns_max = 3;
	ic.event_queue_total_max_bytes = 3u << 20;
	ck_assert_int_eq(ipc_create(&ic, &ipc), 0);

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		client(fds[1]);
	}
	close(fds[1]);
	p.fd = fds[0];
	ck_assert_int_eq(qb_loop_poll_add(p.loop, QB_LOOP_LOW, fds[0], POLLIN, &p, on_result), 0);
	ck_assert_int_eq(qb_loop_timer_add(p.loop, QB_LOOP_LOW, 20000ull * QB_TIME_NS_IN_MSEC, &p,
					   on_timeout, &th), 0);
	qb_loop_run(p.loop);
	ck_assert(!p.timed_out);
	ck_assert_uint_eq(p.got, sizeof(p.res));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	ck_assert_int_eq(p.res.a1, 0);
	ck_assert_int_eq(p.res.a2, 0);
	ck_assert_int_eq(p.res.a3, -EMFILE);
	ck_assert_int_eq(p.res.b1, 0);
	ck_assert_int_eq(p.res.b2, -EMFILE);
	ck_assert_int_eq(p.res.flood_a, 0);
	ck_assert_int_eq(p.res.flood_b, 0);
	/* 2 + 2 MiB over a 3 MiB cap: a's queue was the longer one */
	ck_assert_int_lt(p.res.a_after, 0);
	ck_assert_int_eq(p.res.b_after, 0);
	ck_assert(!closed_while_flooding);

	qb_loop_timer_del(p.loop, th);
	ipc_destroy(ipc);
	host_destroy(host);
	qb_loop_destroy(p.loop);
	icmap_free(cmap);
	icmap_free(stats);
	close(fds[0]);
}
END_TEST

/* ---- flow control reaches connections made while it is on ----------------- */

static void handle_ok(struct svc_conn *conn, const void *msg, size_t len)
{
	(void)msg;
	(void)len;
	(void)svc_reply_error(conn, 0, CS_OK);
}

/* The server side created the connection (after ipc.c applied the rate
 * limit): tell the child, whose connect may return before that. */
static int created_fd = -1;

static int fc_conn_open(struct svc_conn *conn)
{
	(void)conn;
	if (created_fd >= 0)
		ck_assert_int_eq(write(created_fd, "c", 1), 1);
	return 0;
}

static const struct svc_ipc_op fc_ops[] = {
	{ .id = 0, .flags = SVC_IPC_FLOW_CONTROL, .size_min = sizeof(struct req_flood),
	  .handle = handle_ok },
};

static void deliver_sync(struct host *host)
{
	while (sync_n > 0) {
		unsigned char m[1024] __attribute__((aligned(8)));
		size_t len = sync_len[0];

		memcpy(m, sync_q[0], len);
		memmove(sync_q[0], sync_q[1], sizeof(sync_q[0]) * 3);
		memmove(&sync_len[0], &sync_len[1], sizeof(sync_len[0]) * 3);
		sync_n--;
		host_sync_deliver(host, 7, m, len, false);
	}
}

/*
 * What both flow-control tests start from: a host with one flow-controlled
 * service, its first sync done, and the IPC server on a fresh loop.
 */
struct fc_fixture {
	struct icmap *cmap, *stats;
	struct host *host;
	qb_loop_t *loop;
	struct ipc *ipc;
	uint32_t me;
	struct svc_view view;
};

static const struct svc_def fc_def = {
	.abi = SVC_ABI, .id = 30, .name = "chorus_ipca", .ipc_name = name_a,
	.state_size = 8, .conn_state_size = 8, .conn_open = fc_conn_open,
	.conn_close = t_conn_close, .ipc_ops = fc_ops, .ipc_ops_count = 1,
};

static void fc_setup(struct fc_fixture *f, const char *tag, enum qb_ipc_type type)
{
	struct host_config hc = { .nodeid = 7, .ipc = &ipc_host_ops, .totem = &t_totem };
	struct ipc_config ic;

	memset(f, 0, sizeof(*f));
	snprintf(name_a, sizeof(name_a), "chipctest%s%d", tag, (int)getpid());
	f->cmap = icmap_new();
	f->stats = icmap_new();
	f->me = 7;
	f->view.rep_nodeid = 7;
	f->view.ring_seq = 4;
	f->view.members = &f->me;
	f->view.members_count = 1;
	hc.cmap = f->cmap;
	hc.stats = f->stats;
	ck_assert_int_eq(host_create(&hc, &f->host), 0);
	ck_assert_int_eq(host_add_service(f->host, &fc_def, NULL, NULL, 0), 0);
	sync_n = 0;
	host_confchg(f->host, &f->view);
	deliver_sync(f->host);
	ck_assert(host_ready(f->host));
	ck_assert(!host_flow_control(f->host));
	f->loop = qb_loop_create();
	ck_assert_ptr_nonnull(f->loop);
	memset(&ic, 0, sizeof(ic));
	ic.host = f->host;
	ic.cmap = f->cmap;
	ic.stats = f->stats;
	ic.loop = f->loop;
	ic.type = type;
	ic.conns_per_service_max = 4;
	ic.conns_max = 4;
	ic.event_queue_total_max_bytes = 3u << 20;
	ck_assert_int_eq(ipc_create(&ic, &f->ipc), 0);
}

static void fc_teardown(struct fc_fixture *f)
{
	ipc_destroy(f->ipc);
	host_destroy(f->host);
	qb_loop_destroy(f->loop);
	icmap_free(f->cmap);
	icmap_free(f->stats);
}

struct fc_parent {
	qb_loop_t *loop;
	struct host *host;
	int go_fd;          /* tells the child that flow control is off */
	int res[2];         /* the child's sends: during sync, after it */
	size_t got;
	bool timed_out;
};

/*
 * Sockets this process's epoll sets watch without POLLIN (from
 * /proc/self/fdinfo of every eventpoll fd): while the rate limit is on, a
 * connection's sockets are left out, or the loop would spin on a request
 * the client sent before it saw the limit (ipc.c, fc_polls_apply).
 */
static int sockets_without_pollin(void)
{
	char path[64], link[64], line[256];
	int fd, count = 0;

	for (fd = 0; fd < 1024; fd++) {
		ssize_t n;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (strcmp(link, "anon_inode:[eventpoll]") != 0)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		while (fgets(line, sizeof(line), f)) {
			int tfd;
			unsigned events;
			struct stat st;

			if (sscanf(line, "tfd: %d events: %x", &tfd, &events) == 2 &&
			    fstat(tfd, &st) == 0 && S_ISSOCK(st.st_mode) && !(events & POLLIN))
				count++;
		}
		fclose(f);
	}
	return count;
}

static int32_t on_fc_result(int32_t fd, int32_t revents, void *data)
{
	struct fc_parent *p = data;
	ssize_t n = read(fd, (char *)p->res + p->got, sizeof(p->res) - p->got);

	(void)revents;
	if (n > 0)
		p->got += (size_t)n;
	if (p->got == sizeof(p->res[0]) && n > 0) {
		/* the first answer is in: finish the sync, flow control goes off */
		ck_assert_int_gt(sockets_without_pollin(), 0);
		deliver_sync(p->host);
		ck_assert(!host_flow_control(p->host));
		ck_assert_int_eq(sockets_without_pollin(), 0);
		ck_assert_int_eq(write(p->go_fd, "g", 1), 1);
	}
	if (n <= 0 || p->got == sizeof(p->res)) {
		qb_loop_poll_del(p->loop, fd);
		qb_loop_stop(p->loop);
	}
	return 0;
}

static void on_fc_timeout(void *data)
{
	struct fc_parent *p = data;

	p->timed_out = true;
	qb_loop_stop(p->loop);
}

/* The child connects while a sync runs (flow control on) and sends with
 * libcpg's threshold for multicasts (2): libqb must refuse at once.  Once
 * the parent finished the sync, the same send goes through and is answered. */
static void fc_client(int fd, int go_fd, int created)
{
	struct req_flood req;
	struct qb_ipc_response_header res;
	qb_ipcc_connection_t *c = qb_ipcc_connect(name_a, 65536);
	int r[2] = { -1, -1 };
	char g;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.header.id = 0;
	req.header.size = sizeof(req);
	if (c && read(created, &g, 1) == 1) {
		qb_ipcc_fc_enable_max_set(c, 2);
		r[0] = (int)qb_ipcc_send(c, &req, sizeof(req));
	}
	n = write(fd, &r[0], sizeof(r[0]));
	if (c && read(go_fd, &g, 1) == 1) {
		r[1] = (int)qb_ipcc_send(c, &req, sizeof(req));
		if (r[1] >= 0)
			r[1] = qb_ipcc_recv(c, &res, sizeof(res), 5000) < 0 ? -EPROTO : res.error;
	}
	n += write(fd, &r[1], sizeof(r[1]));
	_exit(n == (ssize_t)sizeof(r) ? 0 : 1);
}

START_TEST(test_flow_control_new_conn)
{
	struct fc_fixture f;
	struct fc_parent p;
	qb_loop_timer_handle th;
	int fds[2], go[2], cr[2], status;
	pid_t pid;

	fc_setup(&f, "f", QB_IPC_SOCKET);
	memset(&p, 0, sizeof(p));
	p.host = f.host;
	p.loop = f.loop;
	/* a new membership: sync runs (its messages wait in sync_q), flow control on */
	f.view.ring_seq = 8;
	host_confchg(p.host, &f.view);
	ck_assert(host_flow_control(p.host));

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(cr), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		close(go[1]);
		close(cr[1]);
		fc_client(fds[1], go[0], cr[0]);
	}
	close(fds[1]);
	close(go[0]);
	close(cr[0]);
	created_fd = cr[1];
	p.go_fd = go[1];
	ck_assert_int_eq(qb_loop_poll_add(p.loop, QB_LOOP_LOW, fds[0], POLLIN, &p, on_fc_result), 0);
	ck_assert_int_eq(qb_loop_timer_add(p.loop, QB_LOOP_LOW, 20000ull * QB_TIME_NS_IN_MSEC, &p,
					   on_fc_timeout, &th), 0);
	qb_loop_run(p.loop);
	ck_assert(!p.timed_out);
	ck_assert_uint_eq(p.got, sizeof(p.res));
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(p.res[0], -EAGAIN);
	ck_assert_int_eq(p.res[1], CS_OK);

	qb_loop_timer_del(p.loop, th);
	fc_teardown(&f);
	close(fds[0]);
	close(go[1]);
	close(cr[1]);
	created_fd = -1;
}
END_TEST

/* ---- flow control on an existing connection: its sockets lose POLLIN ------- */

struct fc_exist {
	qb_loop_t *loop;
	struct host *host;
	struct svc_view *view;
	int go_fd;
	int masked, restored;    /* sockets without POLLIN under the limit, after it */
	bool done;
};

static int32_t on_fc_connected(int32_t fd, int32_t revents, void *data)
{
	struct fc_exist *e = data;
	char b;

	(void)revents;
	if (read(fd, &b, 1) == 1 && !e->done) {
		/* the client is connected: a new membership sets the limit, its end clears it */
		ck_assert_int_eq(sockets_without_pollin(), 0);
		e->view->ring_seq += 4;
		host_confchg(e->host, e->view);
		ck_assert(host_flow_control(e->host));
		e->masked = sockets_without_pollin();
		deliver_sync(e->host);
		ck_assert(!host_flow_control(e->host));
		e->restored = sockets_without_pollin();
		e->done = true;
		ck_assert_int_eq(write(e->go_fd, "g", 1), 1);
	}
	qb_loop_poll_del(e->loop, fd);
	qb_loop_stop(e->loop);
	return 0;
}

START_TEST(test_flow_control_existing_conn)
{
	struct fc_fixture f;
	struct fc_exist e;
	struct fc_parent timeout;
	qb_loop_timer_handle th;
	int fds[2], go[2], status;
	pid_t pid;

	fc_setup(&f, "e", QB_IPC_SHM);
	memset(&e, 0, sizeof(e));
	memset(&timeout, 0, sizeof(timeout));
	e.host = f.host;
	e.loop = f.loop;
	e.view = &f.view;
	timeout.loop = f.loop;

	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(pipe(go), 0);
	created_fd = -1;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		qb_ipcc_connection_t *c;
		char g;

		close(fds[0]);
		close(go[1]);
		c = qb_ipcc_connect(name_a, 65536);
		if (!c || write(fds[1], "c", 1) != 1 || read(go[0], &g, 1) != 1)
			_exit(1);
		qb_ipcc_disconnect(c);
		_exit(0);
	}
	close(fds[1]);
	close(go[0]);
	e.go_fd = go[1];
	ck_assert_int_eq(qb_loop_poll_add(e.loop, QB_LOOP_LOW, fds[0], POLLIN, &e, on_fc_connected),
			 0);
	ck_assert_int_eq(qb_loop_timer_add(e.loop, QB_LOOP_LOW, 20000ull * QB_TIME_NS_IN_MSEC,
					   &timeout, on_fc_timeout, &th), 0);
	qb_loop_run(e.loop);
	ck_assert(!timeout.timed_out);
	ck_assert(e.done);
	ck_assert_int_gt(e.masked, 0);
	ck_assert_int_eq(e.restored, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	qb_loop_timer_del(e.loop, th);
	fc_teardown(&f);
	close(fds[0]);
	close(go[1]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ipc");
	TCase *tc;

	add_tcase(s, tc, test_limits);
	add_tcase(s, tc, test_flow_control_new_conn);
	add_tcase(s, tc, test_flow_control_existing_conn);
	return check_run_suite(s);
}
