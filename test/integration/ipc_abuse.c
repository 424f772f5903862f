/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sends malformed requests to a running chorusd over a real libqb
 * connection ("cmap" by default) and checks each gets an error reply, not a
 * crash: truncated requests, header sizes that disagree with the op, unknown
 * ids, negative ids, requests at the size limit, random bytes.  Exit 0 when
 * every reply was the expected error.  Usage: ipc_abuse [service]
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qb/qbipcc.h>

#include <corosync/corotypes.h>

#define BUF_SIZE (1024 * 1024)

static int failures;

static int32_t send_raw(qb_ipcc_connection_t *c, const void *buf, size_t len, void *res, size_t res_len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

	return (int32_t)qb_ipcc_sendv_recv(c, &iov, 1, res, res_len, 5000);
}

static void expect_error(qb_ipcc_connection_t *c, const char *what, const void *buf, size_t len,
			 int32_t want)
{
	static char res[BUF_SIZE];
	struct qb_ipc_response_header *hdr = (void *)res;
	int32_t r;

	r = send_raw(c, buf, len, res, sizeof(res));
	if (r < (int32_t)sizeof(*hdr)) {
		printf("FAIL: %s: no reply (%d)\n", what, r);
		failures++;
		return;
	}
	if (hdr->error != want) {
		printf("FAIL: %s: error %d, expected %d\n", what, hdr->error, want);
		failures++;
		return;
	}
	printf("PASS: %s -> error %d\n", what, hdr->error);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "cmap";
	static char buf[BUF_SIZE];
	struct qb_ipc_request_header *hdr = (void *)buf;
	qb_ipcc_connection_t *c;
	unsigned seed = 12345;
	int i;

	c = qb_ipcc_connect(name, BUF_SIZE);
	if (!c) {
		printf("FAIL: cannot connect to %s: %s\n", name, strerror(errno));
		return 1;
	}

	/* A bare header whose op needs far more (cmap SET is 296 bytes at least). */
	memset(buf, 0, sizeof(buf));
	hdr->id = 0;
	hdr->size = sizeof(*hdr);
	expect_error(c, "truncated request", buf, sizeof(*hdr), CS_ERR_INVALID_PARAM);

	/* The header claims less than was sent. */
	memset(buf, 0, 400);
	hdr->id = 2;
	hdr->size = 100;
	expect_error(c, "header size below the op's size", buf, 400, CS_ERR_INVALID_PARAM);

	/* A fixed-size op with extra bytes. */
	memset(buf, 0, 4096);
	hdr->id = 5;   /* ITER_NEXT: 24 bytes */
	hdr->size = 4096;
	expect_error(c, "oversized fixed-size request", buf, 4096, CS_ERR_INVALID_PARAM);

	/* Beyond the largest value a SET may carry. */
	memset(buf, 0, BUF_SIZE / 2);
	hdr->id = 0;
	hdr->size = BUF_SIZE / 2;
	expect_error(c, "oversized variable request", buf, BUF_SIZE / 2, CS_ERR_INVALID_PARAM);

	/* Ids nobody declared. */
	memset(buf, 0, 64);
	hdr->id = 999;
	hdr->size = 64;
	expect_error(c, "unknown id 999", buf, 64, CS_ERR_INVALID_PARAM);
	hdr->id = 0x7fffffff;
	expect_error(c, "unknown id INT32_MAX", buf, 64, CS_ERR_INVALID_PARAM);
	hdr->id = -1000;
	expect_error(c, "negative id", buf, 64, CS_ERR_INVALID_PARAM);

	/* Random bodies with valid-looking headers: only check that a reply comes. */
	for (i = 0; i < 200; i++) {
		static char res[BUF_SIZE];
		size_t len = 16 + (size_t)(rand_r(&seed) % 2000), j;
		int32_t r;

		for (j = 0; j < len; j++)
			buf[j] = (char)rand_r(&seed);
		hdr->id = rand_r(&seed) % 12;
		hdr->size = (int32_t)len;
		r = send_raw(c, buf, len, res, sizeof(res));
		if (r < (int32_t)sizeof(struct qb_ipc_response_header)) {
			printf("FAIL: random request %d (id %d, %zu bytes): no reply (%d)\n", i, hdr->id,
			       len, r);
			failures++;
			break;
		}
	}
	if (i == 200)
		printf("PASS: 200 random requests answered\n");

	qb_ipcc_disconnect(c);
	return failures ? 1 : 0;
}
