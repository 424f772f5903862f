/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A client of the example service (services/example): sends ECHO messages
 * and checks the deferred replies come back in order with the payload and
 * a growing delivered count, then asks COUNT.  Exit 0 on success.
 * Usage: example_client [count]
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipcc.h>

#include <corosync/corotypes.h>

#include "services/example/example.h"

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10, i;
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
	for (i = 1; i <= n; i++) {
		memset(&msg, 0, sizeof(msg));
		msg.req.len = (uint32_t)snprintf(msg.payload, sizeof(msg.payload), "hello %d", i);
		msg.req.header.id = EXAMPLE_REQ_ECHO;
		msg.req.header.size = (int32_t)(sizeof(msg.req) + msg.req.len);
		if (qb_ipcc_send(c, &msg, (size_t)msg.req.header.size) < 0 ||
		    qb_ipcc_recv(c, &res, sizeof(res), 5000) < 0) {
			fprintf(stderr, "echo %d: send/recv failed\n", i);
			return 1;
		}
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
	qb_ipcc_disconnect(c);
	return 0;
}
