/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * udp_junk: send COUNT datagrams of pseudo-random bytes and sizes (1..1400,
 * from SEED) to ADDR PORT (IPv4 or IPv6), for the foreign-traffic test.
 * Prints how many were sent; exit 0 when every send succeeded.
 * Usage: udp_junk ADDR PORT COUNT SEED
 */
#include <config.h>

#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct addrinfo hints, *ai = NULL;
	uint8_t buf[1400];
	uint32_t x;
	long count, i, sent = 0;
	int fd;

	if (argc != 5) {
		fprintf(stderr, "usage: udp_junk ADDR PORT COUNT SEED\n");
		return 2;
	}
	count = strtol(argv[3], NULL, 10);
	x = (uint32_t)strtoul(argv[4], NULL, 10);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(argv[1], argv[2], &hints, &ai) != 0 || !ai) {
		fprintf(stderr, "udp_junk: bad address %s port %s\n", argv[1], argv[2]);
		return 2;
	}
	fd = socket(ai->ai_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("udp_junk: socket");
		return 1;
	}
	for (i = 0; i < count; i++) {
		size_t len, k;

		x = x * 1103515245u + 12345u;
		len = 1 + (x >> 8) % sizeof(buf);
		for (k = 0; k < len; k++) {
			x = x * 1103515245u + 12345u;
			buf[k] = (uint8_t)(x >> 16);
		}
		if (sendto(fd, buf, len, 0, ai->ai_addr, ai->ai_addrlen) == (ssize_t)len)
			sent++;
	}
	close(fd);
	freeaddrinfo(ai);
	printf("%ld datagrams sent\n", sent);
	return sent == count ? 0 : 1;
}
