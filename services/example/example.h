/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Wire of the example service (not a corosync service): shared by the
 * module and its test client.  Service id 40, IPC name "example".
 *
 *   EXAMPLE_REQ_ECHO: multicast the payload to every node in total order;
 *       the reply comes once this node delivered its own message, carrying
 *       the payload and the number of ECHO messages delivered so far.
 *   EXAMPLE_REQ_COUNT: the delivered count, answered locally.
 */
#ifndef CHORUS_EXAMPLE_H
#define CHORUS_EXAMPLE_H

#include <stdint.h>
#include <qb/qbipc_common.h>

#define EXAMPLE_SERVICE_ID 40
#define EXAMPLE_PAYLOAD_MAX 1024

enum example_req { EXAMPLE_REQ_ECHO = 0, EXAMPLE_REQ_COUNT = 1 };
enum example_res { EXAMPLE_RES_ECHO = 0, EXAMPLE_RES_COUNT = 1 };
enum example_totem { EXAMPLE_TOTEM_ECHO = 0 };

struct req_example_echo {
	struct qb_ipc_request_header header;
	uint32_t len;
	uint32_t pad;
	char payload[];
};

struct res_example_echo {
	struct qb_ipc_response_header header;
	uint64_t delivered;
	uint32_t len;
	uint32_t pad;
	char payload[EXAMPLE_PAYLOAD_MAX];
};

struct res_example_count {
	struct qb_ipc_response_header header;
	uint64_t delivered;
};

/* On the totem wire: which node and connection asked, then the payload. */
struct totem_example_echo {
	struct qb_ipc_request_header header;
	uint32_t nodeid;
	uint32_t len;
	uint64_t conn_token;
	char payload[];
};

#endif
