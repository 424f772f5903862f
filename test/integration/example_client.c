/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A client of the example service (services/example): sends ECHO messages
 * and checks the deferred replies come back in order with the payload and
 * a growing delivered count, then asks COUNT.  Exit 0 on success.
 * Usage: example_client [count [interval_ms]]: with an interval, one ECHO
 * starts every interval_ms and the round trips (send -> reply after total
 * order delivery) are printed as "latency_ms p50=.. p99=.. max=..".
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qb/qbipcc.h>

#include <corosync/corotypes.h>

#include "services/example/example.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10, i;
	int interval = argc > 2 ? atoi(argv[2]) : 0;
	double *lat = NULL, start = now_ms(), t0;
	struct {
		struct req_example_echo req;
		char payload[64];
	} msg;
	struct res_example_echo res;
	struct res_example_count cnt;
	struct qb_ipc_request_header creq;
	qb_ipcc_connection_t *c;

	c = qb_ipcc_connect("example", 1024 * 1024);
	if (!c) {
		fprintf(stderr, "cannot connect to example: %s\n", strerror(errno));
		return 1;
	}
	if (n < 1 || interval < 0 || (interval > 0 && !(lat = calloc((size_t)n, sizeof(*lat))))) {
		fprintf(stderr, "usage: example_client [count [interval_ms]]\n");
		return 1;
	}
	for (i = 1; i <= n; i++) {
		if (interval > 0) {
			double due = start + (double)(i - 1) * interval, w = due - now_ms();
			struct timespec ts = { (time_t)(w / 1e3), (long)((w - (double)(time_t)(w / 1e3) * 1e3) * 1e6) };

			if (w > 0)
				nanosleep(&ts, NULL);
		}
		t0 = now_ms();
		memset(&msg, 0, sizeof(msg));
		msg.req.len = (uint32_t)snprintf(msg.payload, sizeof(msg.payload), "hello %d", i);
		msg.req.header.id = EXAMPLE_REQ_ECHO;
		msg.req.header.size = (int32_t)(sizeof(msg.req) + msg.req.len);
		if (qb_ipcc_send(c, &msg, (size_t)msg.req.header.size) < 0 ||
		    qb_ipcc_recv(c, &res, sizeof(res), 5000) < 0) {
			fprintf(stderr, "echo %d: send/recv failed\n", i);
			return 1;
		}
		if (lat)
			lat[i - 1] = now_ms() - t0;
		if (res.header.error != CS_OK || res.delivered != (uint64_t)i ||
		    res.len != msg.req.len || memcmp(res.payload, msg.payload, res.len) != 0) {
			fprintf(stderr, "echo %d: bad reply (error %d, delivered %lu)\n", i,
				res.header.error, (unsigned long)res.delivered);
			return 1;
		}
	}
	memset(&creq, 0, sizeof(creq));
	creq.id = EXAMPLE_REQ_COUNT;
	creq.size = sizeof(creq);
	if (qb_ipcc_send(c, &creq, sizeof(creq)) < 0 || qb_ipcc_recv(c, &cnt, sizeof(cnt), 5000) < 0 ||
	    cnt.header.error != CS_OK || cnt.delivered != (uint64_t)n) {
		fprintf(stderr, "count: bad reply\n");
		return 1;
	}
	printf("%d echoes delivered in order\n", n);
	if (lat) {
		qsort(lat, (size_t)n, sizeof(*lat), cmp_double);
		printf("latency_ms p50=%.2f p99=%.2f max=%.2f\n", lat[n / 2], lat[(n * 99) / 100],
		       lat[n - 1]);
		free(lat);
	}
	qb_ipcc_disconnect(c);
	return 0;
}
