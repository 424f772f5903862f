/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cpgperf: the CPG client of bench/bench.sh.  It is built against the
 * system's libcpg (Debian's libcpg-dev), never ours, so that corosync and
 * chorusd are measured through the same client library.
 *
 *   cpgperf tput  --size B --duration S [--group G] [--start-at NS] [--members N] [--ends K]
 *   cpgperf sink  --group G --ends K [--start-at NS]
 *   cpgperf lat   --size B --rate R --count C [--group G]
 *   cpgperf join  --count C
 *   cpgperf ring  --members N
 *   cpgperf watch --group G --node ID [--members N]
 *   every mode: [--timeout S] (default 60): no wait lasts longer, exit 1
 *
 * tput: multicast flat out for S seconds, count own messages delivered back
 * inside the window and the latency of every own message (send -> own
 * delivery under full load).  At TRY_AGAIN it waits up to 200 us in ppoll
 * for events and dispatches them; after every accepted send it dispatches
 * what is there without waiting (a sender that does not read its own
 * deliveries is held back by the daemon and measures late).  The timestamp
 * is CLOCK_MONOTONIC just before the cpg_mcast_joined() that succeeded, and
 * just after the delivery callback is entered.  This is the loop of the
 * client that gave corosync's reference figures (its "tput": same waits, same
 * timestamps, every own message sampled, those that arrive after the window
 * included): both measure what issue 10 means by "send -> own delivery under
 * full load".  With --members, start only once the group has N members;
 * --start-at starts every sender of a run at one CLOCK_REALTIME instant; at
 * the end each sender multicasts an end marker and, with --ends K, waits for
 * K markers of the others (so nobody leaves the group while others still
 * measure).  sink: a passive member that only reads (the other nodes' members
 * of a one-sender run, as in the reference harness), until K end markers.
 * lat: C messages at R per second, self-delivery latency.  join: C join ->
 * own confchg round trips.  ring: connect (retrying until the daemon serves)
 * and wait until the totem membership has N nodes; prints when
 * (CLOCK_REALTIME ns).  watch: join G, print the CLOCK_REALTIME ns of the
 * confchg in which node ID left.
 *
 * Output: one line "RESULT key=value ..." on stdout; errors on stderr, exit 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <corosync/cpg.h>

#define MAGIC 0x63706766u   /* "cpgf" */
#define LAT_MAX (1u << 20)

struct hdr {
	uint32_t magic;
	uint32_t kind;          /* 0 data, 1 end marker */
	uint64_t send_ns;       /* CLOCK_MONOTONIC: one host, one clock */
	uint64_t seq;
};

struct run {
	cpg_handle_t h;
	struct cpg_name group;
	uint32_t nodeid, pid;
	uint64_t win_start, win_end;    /* monotonic ns; 0: not started */
	uint64_t own, own_win, other_win, ends, members, sent;
	uint64_t *lat;                  /* latency samples (ns) */
	uint64_t give_up;               /* monotonic ns: a wait past it fails; 0: none */
	double timeout;                 /* --timeout, seconds */
	size_t lat_n;
	/* join / watch / ring */
	bool joined_seen;
	uint32_t watch_node;
	uint64_t watch_ns;
	size_t ring_members;
	const char *phase;              /* what is awaited, for the timeout message */
};

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t mono(void) { return now_ns(CLOCK_MONOTONIC); }

static void die(const char *what, cs_error_t e)
{
	fprintf(stderr, "cpgperf: %s: error %d\n", what, (int)e);
	exit(1);
}

static void on_deliver(cpg_handle_t h, const struct cpg_name *g, uint32_t nodeid, uint32_t pid,
		       void *msg, size_t len)
{
	struct run *r;
	struct hdr hd;
	uint64_t t = mono();

	(void)g;
	if (cpg_context_get(h, (void **)&r) != CS_OK || len < sizeof(hd))
		return;
	memcpy(&hd, msg, sizeof(hd));
	if (hd.magic != MAGIC)
		return;
	if (hd.kind == 1) {
		if (nodeid != r->nodeid || pid != r->pid)
			r->ends++;
		return;
	}
	if (nodeid == r->nodeid && pid == r->pid) {
		r->own++;
		if (r->win_start && t >= r->win_start && t < r->win_end)
			r->own_win++;
		/* every own message sent in the window, also those that come back
		 * after it: they waited in the daemon's queue under full load */
		if (r->lat && r->win_start && hd.send_ns >= r->win_start && r->lat_n < LAT_MAX)
			r->lat[r->lat_n++] = t - hd.send_ns;
	} else if (r->win_start && t >= r->win_start && t < r->win_end) {
		r->other_win++;
	}
}

static void on_confchg(cpg_handle_t h, const struct cpg_name *g, const struct cpg_address *m,
		       size_t mn, const struct cpg_address *l, size_t ln, const struct cpg_address *j,
		       size_t jn)
{
	struct run *r;
	size_t i;

	(void)g;
	if (cpg_context_get(h, (void **)&r) != CS_OK)
		return;
	r->members = mn;
	for (i = 0; i < jn; i++)
		if (j[i].nodeid == r->nodeid && j[i].pid == r->pid)
			r->joined_seen = true;
	for (i = 0; i < ln; i++) {
		if (r->watch_node && l[i].nodeid == r->watch_node && !r->watch_ns)
			r->watch_ns = now_ns(CLOCK_REALTIME);
	}
	(void)m;
}

static void on_totem(cpg_handle_t h, struct cpg_ring_id ring, uint32_t n, const uint32_t *members)
{
	struct run *r;

	(void)ring;
	(void)members;
	if (cpg_context_get(h, (void **)&r) == CS_OK)
		r->ring_members = n;
}

static void connect_run(struct run *r, bool retry, double timeout_s)
{
	cpg_model_v1_data_t model = {
		.model = CPG_MODEL_V1,
		.cpg_deliver_fn = on_deliver,
		.cpg_confchg_fn = on_confchg,
		.cpg_totem_confchg_fn = on_totem,
		.flags = CPG_MODEL_V1_DELIVER_INITIAL_TOTEM_CONF,
	};
	uint64_t end = mono() + (uint64_t)(timeout_s * 1e9);
	cs_error_t e;

	for (;;) {
		e = cpg_model_initialize(&r->h, CPG_MODEL_V1, (cpg_model_data_t *)&model, r);
		if (e == CS_OK || !retry || mono() > end)
			break;
		usleep(5000);
	}
	if (e != CS_OK)
		die("cpg_model_initialize", e);
	if ((e = cpg_local_get(r->h, &r->nodeid)) != CS_OK)
		die("cpg_local_get", e);
	r->pid = (uint32_t)getpid();
}

/* From now on, waits fail after --timeout seconds (0 disables). */
static void wait_phase(struct run *r, const char *what)
{
	r->give_up = r->timeout > 0 ? mono() + (uint64_t)(r->timeout * 1e9) : 0;
	r->phase = what;
}

/* Dispatch what is there; with wait_us > 0, first wait that long for an event. */
static void pump(struct run *r, long wait_us)
{
	struct pollfd p = { .events = POLLIN };
	struct timespec ts = { .tv_sec = wait_us / 1000000, .tv_nsec = wait_us % 1000000 * 1000 };

	if (r->give_up && mono() > r->give_up) {
		fprintf(stderr, "cpgperf: timed out (%.0f s) waiting: %s\n", r->timeout, r->phase);
		exit(1);
	}
	if (cpg_fd_get(r->h, &p.fd) != CS_OK)
		die("cpg_fd_get", CS_ERR_LIBRARY);
	if (wait_us > 0 && ppoll(&p, 1, &ts, NULL) <= 0)
		return;
	if (cpg_dispatch(r->h, CS_DISPATCH_ALL) != CS_OK)
		die("cpg_dispatch", CS_ERR_LIBRARY);
}

static void join_group(struct run *r, const char *name)
{
	cs_error_t e;

	r->group.length = (uint32_t)strlen(name);
	memcpy(r->group.value, name, r->group.length);
	r->joined_seen = false;
	wait_phase(r, "own join");
	while ((e = cpg_join(r->h, &r->group)) == CS_ERR_TRY_AGAIN)
		pump(r, 1000);
	if (e != CS_OK)
		die("cpg_join", e);
	while (!r->joined_seen)
		pump(r, 100000);
}

/* Send one message; false at TRY_AGAIN. */
static bool send_one(struct run *r, void *buf, size_t size, uint32_t kind)
{
	struct hdr hd = { .magic = MAGIC, .kind = kind, .send_ns = mono(), .seq = r->sent };
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	cs_error_t e;

	memcpy(buf, &hd, sizeof(hd));
	e = cpg_mcast_joined(r->h, CPG_TYPE_AGREED, &iov, 1);
	if (e == CS_ERR_TRY_AGAIN)
		return false;
	if (e != CS_OK)
		die("cpg_mcast_joined", e);
	if (kind == 0)
		r->sent++;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double pct_us(uint64_t *v, size_t n, double p)
{
	if (!n)
		return 0;
	return (double)v[(size_t)(p * (double)(n - 1) + 0.5)] / 1e3;
}

struct opts {
	size_t size;
	double duration, rate, timeout;
	unsigned count, members, ends, node;
	uint64_t start_at;
	const char *group;
};

/* Until the group has --members members, then until --start-at. */
static void wait_members(struct run *r, const struct opts *o)
{
	wait_phase(r, "group members");
	while (o->members && r->members < o->members)
		pump(r, 100000);
	if (o->start_at) {
		uint64_t now;

		wait_phase(r, "the start time");
		while ((now = now_ns(CLOCK_REALTIME)) < o->start_at)
			pump(r, (long)((o->start_at - now) / 1000u) + 1);
	}
}

/* Until every own message is back and `ends` end markers of others came, or
 * --timeout passed (then the result is printed all the same, exit 1). */
static void drain(struct run *r, uint64_t ends)
{
	uint64_t end = mono() + (uint64_t)(r->timeout * 1e9);

	r->give_up = 0;
	while ((r->own < r->sent || r->ends < ends) && mono() < end)
		pump(r, 10000);
	if (r->own < r->sent || r->ends < ends)
		fprintf(stderr, "cpgperf: timed out: %" PRIu64 " of %" PRIu64
			" own messages back, %" PRIu64 " of %" PRIu64 " end markers\n",
			r->own, r->sent, r->ends, ends);
}

/* A passive member: read until `ends` end markers came (sink of a one-sender run). */
static int do_sink(struct run *r, const struct opts *o)
{
	join_group(r, o->group);
	printf("RESULT mode=sink ready=1\n");
	fflush(stdout);
	if (o->start_at) {
		/* the sender starts then; the timeout counts from there */
		r->give_up = 0;
		while (now_ns(CLOCK_REALTIME) < o->start_at)
			pump(r, 100000);
	}
	wait_phase(r, "end markers");
	r->give_up += (uint64_t)(o->duration * 1e9);
	while (r->ends < o->ends)
		pump(r, 100000);
	printf("RESULT mode=sink ends=%" PRIu64 "\n", r->ends);
	return 0;
}

static int do_tput(struct run *r, const struct opts *o)
{
	uint8_t *buf = calloc(1, o->size);
	uint64_t try_again = 0, t;

	r->lat = calloc(LAT_MAX, sizeof(*r->lat));
	if (!buf || !r->lat)
		die("out of memory", CS_ERR_NO_MEMORY);
	join_group(r, o->group);
	wait_members(r, o);
	r->win_start = mono();
	r->win_end = r->win_start + (uint64_t)(o->duration * 1e9);
	r->give_up = 0;                 /* the window bounds the sending loop */
	while ((t = mono()) < r->win_end) {
		/* read what came back after every send: a sender that does not read
		 * its own deliveries is held back by the daemon (and measures late) */
		if (!send_one(r, buf, o->size, 0)) {
			try_again++;
			pump(r, 200);
		} else {
			pump(r, 0);
		}
	}
	wait_phase(r, "room for the end marker");
	while (!send_one(r, buf, sizeof(struct hdr), 1))
		pump(r, 1000);
	/* everything sent comes back; the others' end markers come too */
	drain(r, o->ends);
	qsort(r->lat, r->lat_n, sizeof(*r->lat), cmp_u64);
	printf("RESULT mode=tput size=%zu duration_s=%.3f sent=%" PRIu64 " delivered_own=%" PRIu64
	       " msgs_per_s=%.1f mbytes_per_s=%.3f all_msgs_per_s=%.1f try_again=%" PRIu64
	       " loadlat_p50_us=%.1f loadlat_p99_us=%.1f lost=%" PRIu64 "\n",
	       o->size, o->duration, r->sent, r->own, (double)r->own_win / o->duration,
	       (double)r->own_win * (double)o->size / o->duration / 1e6,
	       (double)(r->own_win + r->other_win) / o->duration, try_again,
	       pct_us(r->lat, r->lat_n, 0.5), pct_us(r->lat, r->lat_n, 0.99), r->sent - r->own);
	free(buf);
	return r->own == r->sent && r->ends >= o->ends ? 0 : 1;
}

static int do_lat(struct run *r, const struct opts *o)
{
	uint8_t *buf = calloc(1, o->size < sizeof(struct hdr) ? sizeof(struct hdr) : o->size);
	size_t size = o->size < sizeof(struct hdr) ? sizeof(struct hdr) : o->size;
	uint64_t period = (uint64_t)(1e9 / o->rate), next;
	unsigned i;

	r->lat = calloc(LAT_MAX, sizeof(*r->lat));
	if (!buf || !r->lat)
		die("out of memory", CS_ERR_NO_MEMORY);
	join_group(r, o->group);
	r->win_start = mono();
	r->win_end = UINT64_MAX;
	next = r->win_start;
	for (i = 0; i < o->count; i++) {
		uint64_t t;

		r->give_up = 0;
		while ((t = mono()) < next)
			pump(r, (long)((next - t) / 1000u) + 1);
		wait_phase(r, "room to send");
		while (!send_one(r, buf, size, 0))
			pump(r, 200);
		next += period;
	}
	drain(r, 0);
	qsort(r->lat, r->lat_n, sizeof(*r->lat), cmp_u64);
	printf("RESULT mode=lat size=%zu rate=%.0f count=%u lat_p50_us=%.1f lat_p99_us=%.1f lost=%" PRIu64
	       "\n", size, o->rate, o->count, pct_us(r->lat, r->lat_n, 0.5),
	       pct_us(r->lat, r->lat_n, 0.99), r->sent - r->own);
	free(buf);
	return r->own == r->sent ? 0 : 1;
}

static int do_join(struct run *r, const struct opts *o)
{
	uint64_t *v = calloc(o->count ? o->count : 1, sizeof(*v));
	unsigned i;
	char name[64];
	cs_error_t e;

	if (!v)
		die("out of memory", CS_ERR_NO_MEMORY);
	/* One connection per join: corosync 3.1.7 leaves a connection that
	 * left a group unable to join another (exec/cpg.c notify_lib_joinlist
	 * never resets its state), so a loop of join/leave on one handle hangs. */
	cpg_finalize(r->h);
	for (i = 0; i < o->count; i++) {
		uint64_t t0;

		connect_run(r, false, 0);
		snprintf(name, sizeof(name), "cpgperf-join-%u-%u", r->pid, i);
		t0 = mono();
		join_group(r, name);
		v[i] = mono() - t0;
		if ((e = cpg_finalize(r->h)) != CS_OK)
			die("cpg_finalize", e);
	}
	connect_run(r, false, 0);
	qsort(v, o->count, sizeof(*v), cmp_u64);
	printf("RESULT mode=join count=%u join_p50_us=%.1f join_p99_us=%.1f\n", o->count,
	       pct_us(v, o->count, 0.5), pct_us(v, o->count, 0.99));
	free(v);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .size = 1024, .duration = 5, .rate = 100, .timeout = 60, .count = 1000,
			  .group = "cpgperf" };
	struct run r;
	const char *mode;
	int i, rc = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: cpgperf tput|sink|lat|join|ring|watch [options]\n");
		return 2;
	}
	mode = argv[1];
	for (i = 2; i + 1 < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		char *end;
		double d = strtod(v, &end);

		if (!strcmp(k, "--group")) {
			o.group = v;
			continue;
		}
		if (!strcmp(k, "--size") && (*end == 'k' || *end == 'm'))
			d *= *end == 'k' ? 1024 : 1048576;
		else if (*end)
			break;
		if (!strcmp(k, "--size")) o.size = (size_t)d;
		else if (!strcmp(k, "--duration")) o.duration = d;
		else if (!strcmp(k, "--rate")) o.rate = d;
		else if (!strcmp(k, "--timeout")) o.timeout = d;
		else if (!strcmp(k, "--count")) o.count = (unsigned)d;
		else if (!strcmp(k, "--members")) o.members = (unsigned)d;
		else if (!strcmp(k, "--ends")) o.ends = (unsigned)d;
		else if (!strcmp(k, "--node")) o.node = (unsigned)d;
		else if (!strcmp(k, "--start-at")) o.start_at = strtoull(v, NULL, 10);
		else break;
	}
	if (i < argc) {
		fprintf(stderr, "cpgperf: bad option %s\n", argv[i]);
		return 2;
	}
	if (o.size < sizeof(struct hdr))
		o.size = sizeof(struct hdr);
	memset(&r, 0, sizeof(r));
	r.timeout = o.timeout;
	connect_run(&r, !strcmp(mode, "ring"), o.timeout);
	if (!strcmp(mode, "tput")) {
		rc = do_tput(&r, &o);
	} else if (!strcmp(mode, "sink")) {
		rc = do_sink(&r, &o);
	} else if (!strcmp(mode, "lat")) {
		rc = do_lat(&r, &o);
	} else if (!strcmp(mode, "join")) {
		rc = do_join(&r, &o);
	} else if (!strcmp(mode, "ring")) {
		uint64_t end = mono() + (uint64_t)(o.timeout * 1e9);

		/* the initial totem configuration comes with the first join */
		join_group(&r, "cpgperf-ring");
		while (r.ring_members < o.members && mono() < end)
			pump(&r, 10000);
		printf("RESULT mode=ring members=%zu at_ns=%" PRIu64 "\n", r.ring_members,
		       now_ns(CLOCK_REALTIME));
		rc = r.ring_members >= o.members ? 0 : 1;
	} else if (!strcmp(mode, "watch")) {
		r.watch_node = o.node;
		join_group(&r, o.group);
		wait_phase(&r, "group members");
		while (r.members < o.members)
			pump(&r, 100000);
		printf("RESULT mode=watch ready=1\n");
		fflush(stdout);
		wait_phase(&r, "the node to leave");
		while (!r.watch_ns)
			pump(&r, 100000);
		printf("RESULT mode=watch node=%u left_at_ns=%" PRIu64 "\n", o.node, r.watch_ns);
		rc = 0;
	} else {
		fprintf(stderr, "cpgperf: unknown mode %s\n", mode);
		return 2;
	}
	cpg_finalize(r.h);
	return rc;
}
