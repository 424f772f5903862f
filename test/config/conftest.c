/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conftest: a stand-in for `chorusd -t -c FILE` built from libconfig only,
 * so the config table test runs before (and independently of) the daemon.
 * Prints the error line on stderr and exits with corosync's exit code.
 * Not installed; options other than -t and -c are refused (exit 1).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "services/config/conf.h"

int main(int argc, char **argv)
{
	const char *path = "/etc/chorus/chorus.conf";
	struct conf_error err;
	bool test = false;
	int c, r;

	while ((c = getopt(argc, argv, "tc:")) != -1) {
		switch (c) {
		case 't':
			test = true;
			break;
		case 'c':
			path = optarg;
			break;
		default:
			fprintf(stderr, "usage: conftest -t [-c FILE]\n");
			return 1;
		}
	}
	if (!test) {
		fprintf(stderr, "usage: conftest -t [-c FILE]\n");
		return 1;
	}
	memset(&err, 0, sizeof(err));
	r = conf_check_file(path, NULL, &err);
	if (r < 0) {
		fprintf(stderr, "%s\n", err.msg[0] ? err.msg : "parse error in config");
		return err.exit_code ? err.exit_code : 8;
	}
	fprintf(stderr, "notice  [MAIN  ] Configuration %s is valid, exiting normally\n", path);
	return 0;
}
