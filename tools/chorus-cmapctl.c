/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorus-cmapctl: read, write, delete and track cmap keys.  Options, output
 * lines, stderr messages and exit codes are corosync-cmapctl 3.1.7's
 * (corosync v3.1.7 tools/corosync-cmapctl.c), so scripts written for corosync keep working.
 * Owns only command-line handling and the libcmap calls; value text is
 * parsed and printed by cmapctl_fmt.c.  All state lives in struct cmapctl.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <corosync/corotypes.h>
#include <corosync/cmap.h>

#include "cmapctl_fmt.h"

#define CMAPCTL_MAX_TRY_AGAIN 10

enum cmapctl_action {
	ACTION_GET,
	ACTION_SET,
	ACTION_DELETE,
	ACTION_DELETE_PREFIX,
	ACTION_PRINT_ALL,
	ACTION_PRINT_PREFIX,
	ACTION_TRACK,
	ACTION_LOAD,
	ACTION_CLEARSTATS,
};

struct cmapctl {
	cmap_handle_t handle;
	int show_binary;
	int quiet;
	int json;               /* -j / --json */
	unsigned long printed;  /* JSON: keys written so far (for the separators) */
};

static void cmapctl_usage(void)
{
	printf("\n"
	"usage:  chorus-cmapctl [-b] [-DdghsqTCt] [-p filename] [-m map] [params...]\n"
	"\n"
	"    -b show binary values\n"
	"\n"
	"    -m select map to use\n"
	"          The default map is 'icmap': configuration and runtime values of the cluster engine.\n"
	"          The 'stats' map holds network and IPC statistics (very detailed with the knet transport).\n"
	"Set key:\n"
	"    chorus-cmapctl -s key_name type value\n"
	"\n"
	"    where type is one of ([i|u][8|16|32|64] | flt | dbl | str | bin)\n"
	"    for bin, value is file name (or - for stdin)\n"
	"\n"
	"    map can be either 'icmap' (the default), holding the configuration\n"
	"    and runtime values, or 'stats', holding statistics about the\n"
	"    network and IPC traffic.\n"
	"\n"
	"Clear stats:\n"
	"    chorus-cmapctl -C [knet|ipc|totem|schedmiss|all]\n"
	"    The 'stats' map is implied\n"
	"\n"
	"Load settings from a file:\n"
	"    chorus-cmapctl -p filename\n"
	"\n"
	"    the format of the file is:\n"
	"    [^[^]]<key_name>[ <type> <value>]\n"
	"    Keys prefixed with single caret ('^') are deleted (see -d).\n"
	"    Keys (actually prefixes) prefixed with double caret ('^^') are deleted by prefix (see -D).\n"
	"    <type> and <value> are optional (not checked) in above cases.\n"
	"    Other keys are set (see -s) so both <type> and <value> are required.\n"
	"\n"
	"Delete key:\n"
	"    chorus-cmapctl -d key_name...\n"
	"\n"
	"Delete multiple keys with prefix:\n"
	"    chorus-cmapctl -D key_prefix...\n"
	"\n"
	"Get key:\n"
	"    chorus-cmapctl [-b] -g key_name...\n"
	"\n"
	"Quiet mode:\n"
	"    chorus-cmapctl [-b] -q -g key_name...\n"
	"\n"
	"Display all keys:\n"
	"    chorus-cmapctl [-b]\n"
	"\n"
	"Display keys with prefix key_name:\n"
	"    chorus-cmapctl [-b] key_name...\n"
	"\n"
	"Track changes on keys with key_name:\n"
	"    chorus-cmapctl [-b] -t key_name\n"
	"\n"
	"Track changes on keys with key prefix:\n"
	"    chorus-cmapctl [-b] -T key_prefix\n"
	"\n"
	"JSON output (-j or --json): the keys shown as one document, or one line per\n"
	"tracked change:\n"
	"    chorus-cmapctl -j [-b] [-g] key_name...\n"
	"\n");
}

/*
 * Fetch a key's value with the getter matching its type and print its line.
 * Retries CS_ERR_TRY_AGAIN like corosync (1 s apart, 10 times).  Binary
 * values are fetched only with -b.
 */
static void cmapctl_print_key(struct cmapctl *ctl, const char *key, size_t value_len,
			      cmap_value_types_t type)
{
	unsigned char num[8];
	char *str = NULL;
	unsigned char *bin = NULL;
	size_t bin_len = value_len;
	const void *data = num;
	size_t len = cmapctl_type_size(type);
	cs_error_t err = CS_OK;
	int tries = 0;

	memset(num, 0, sizeof(num));
	for (;;) {
		switch (type) {
		case CMAP_VALUETYPE_INT8: err = cmap_get_int8(ctl->handle, key, (int8_t *)num); break;
		case CMAP_VALUETYPE_UINT8: err = cmap_get_uint8(ctl->handle, key, (uint8_t *)num); break;
		case CMAP_VALUETYPE_INT16: err = cmap_get_int16(ctl->handle, key, (int16_t *)(void *)num); break;
		case CMAP_VALUETYPE_UINT16: err = cmap_get_uint16(ctl->handle, key, (uint16_t *)(void *)num); break;
		case CMAP_VALUETYPE_INT32: err = cmap_get_int32(ctl->handle, key, (int32_t *)(void *)num); break;
		case CMAP_VALUETYPE_UINT32: err = cmap_get_uint32(ctl->handle, key, (uint32_t *)(void *)num); break;
		case CMAP_VALUETYPE_INT64: err = cmap_get_int64(ctl->handle, key, (int64_t *)(void *)num); break;
		case CMAP_VALUETYPE_UINT64: err = cmap_get_uint64(ctl->handle, key, (uint64_t *)(void *)num); break;
		case CMAP_VALUETYPE_FLOAT: err = cmap_get_float(ctl->handle, key, (float *)(void *)num); break;
		case CMAP_VALUETYPE_DOUBLE: err = cmap_get_double(ctl->handle, key, (double *)(void *)num); break;
		case CMAP_VALUETYPE_STRING:
			err = cmap_get_string(ctl->handle, key, &str);
			if (err == CS_OK) {
				data = str;
				len = strlen(str) + 1;
			}
			break;
		case CMAP_VALUETYPE_BINARY:
			if (!ctl->show_binary) {
				data = NULL;
				len = 0;
				break;
			}
			free(bin);
			bin = malloc(value_len ? value_len : 1);
			if (!bin) {
				fprintf(stderr, "Can't alloc memory\n");
				exit(EXIT_FAILURE);
			}
			bin_len = value_len;
			err = cmap_get(ctl->handle, key, bin, &bin_len, NULL);
			data = bin;
			len = bin_len;
			break;
		default:
			break;
		}
		if (err != CS_ERR_TRY_AGAIN || ++tries > CMAPCTL_MAX_TRY_AGAIN)
			break;
		sleep(1);
	}

	if (err != CS_OK) {
		fprintf(stderr, "Can't get value of %s. Error %s\n", key, cs_strerror(err));
	} else if (ctl->json) {
		fprintf(stdout, "%s\n  ", ctl->printed++ ? "," : "");
		cmapctl_print_json_value(stdout, NULL, key, type, data, len, ctl->show_binary);
	} else {
		cmapctl_print_value(stdout, key, type, data, len, ctl->show_binary, ctl->quiet);
	}
	free(str);
	free(bin);
}

/* Print every key under prefix (NULL: all); returns how many keys it saw. */
static unsigned long cmapctl_print_iter(struct cmapctl *ctl, const char *prefix)
{
	cmap_iter_handle_t iter;
	char key[CMAP_KEYNAME_MAXLEN + 1];
	size_t value_len;
	cmap_value_types_t type;
	unsigned long n = 0;
	cs_error_t err;

	err = cmap_iter_init(ctl->handle, prefix, &iter);
	if (err != CS_OK) {
		fprintf(stderr, "Failed to initialize iteration. Error %s\n", cs_strerror(err));
		exit(EXIT_FAILURE);
	}
	while (cmap_iter_next(ctl->handle, iter, key, &value_len, &type) == CS_OK) {
		cmapctl_print_key(ctl, key, value_len, type);
		n++;
	}
	(void)cmap_iter_finalize(ctl->handle, iter);
	return n;
}

static void cmapctl_delete_prefix(struct cmapctl *ctl, const char *prefix)
{
	cmap_iter_handle_t iter;
	char key[CMAP_KEYNAME_MAXLEN + 1];
	size_t value_len;
	cmap_value_types_t type;
	cs_error_t err;

	err = cmap_iter_init(ctl->handle, prefix, &iter);
	if (err != CS_OK) {
		fprintf(stderr, "Failed to initialize iteration. Error %s\n", cs_strerror(err));
		exit(EXIT_FAILURE);
	}
	while (cmap_iter_next(ctl->handle, iter, key, &value_len, &type) == CS_OK) {
		err = cmap_delete(ctl->handle, key);
		if (err != CS_OK)
			fprintf(stderr, "Can't delete key %s. Error %s\n", key, cs_strerror(err));
	}
	(void)cmap_iter_finalize(ctl->handle, iter);
}

static void cmapctl_notify(cmap_handle_t handle, cmap_track_handle_t track, int32_t event,
			   const char *key, struct cmap_notify_value new_val,
			   struct cmap_notify_value old_val, void *user_data)
{
	struct cmapctl *ctl = user_data;
	struct cmap_notify_value *v;

	if (ctl->json) {
		const char *name = event == CMAP_TRACK_ADD ? "create" :
				   event == CMAP_TRACK_DELETE ? "delete" :
				   event == CMAP_TRACK_MODIFY ? "modify" : "unknown";

		v = event == CMAP_TRACK_DELETE ? &old_val : &new_val;
		cmapctl_print_json_value(stdout, name, key, v->type, v->data, v->len,
					 ctl->show_binary);
		fputc('\n', stdout);
		fflush(stdout);
		return;
	}
	switch (event) {
	case CMAP_TRACK_ADD:
		printf("create> ");
		v = &new_val;
		break;
	case CMAP_TRACK_DELETE:
		printf("delete> ");
		v = &old_val;
		break;
	case CMAP_TRACK_MODIFY:
		printf("modify> ");
		v = &new_val;
		break;
	default:
		printf("unknown change> ");
		fflush(stdout);
		return;
	}
	cmapctl_print_value(stdout, key, v->type, v->data, v->len, ctl->show_binary, ctl->quiet);
	/* same bytes as corosync; flushed so a reader on a pipe sees each event */
	fflush(stdout);
}

static void cmapctl_add_track(struct cmapctl *ctl, const char *key, int prefix)
{
	cmap_track_handle_t track;
	int32_t flags = CMAP_TRACK_ADD | CMAP_TRACK_DELETE | CMAP_TRACK_MODIFY;
	cs_error_t err;

	if (prefix)
		flags |= CMAP_TRACK_PREFIX;
	err = cmap_track_add(ctl->handle, key, flags, cmapctl_notify, ctl, &track);
	if (err != CS_OK) {
		fprintf(stderr, "Failed to add tracking function. Error %s\n", cs_strerror(err));
		exit(EXIT_FAILURE);
	}
}

static void cmapctl_track_loop(struct cmapctl *ctl)
{
	struct pollfd pfd[2];
	char inbuf[3];
	int fd, r, quit = 0;
	cs_error_t err;

	err = cmap_fd_get(ctl->handle, &fd);
	if (err != CS_OK) {
		fprintf(stderr, "Failed to get file handle. Error %s\n", cs_strerror(err));
		exit(EXIT_FAILURE);
	}
	pfd[0].fd = fd;
	pfd[1].fd = STDIN_FILENO;
	pfd[0].events = pfd[1].events = POLLIN;

	if (!ctl->json)
		printf("Type \"q\" to finish\n");
	fflush(stdout);
	do {
		pfd[0].revents = pfd[1].revents = 0;
		r = poll(pfd, 2, -1);
		if (r == -1)
			perror("poll");
		if (pfd[1].revents & (POLLIN | POLLHUP)) {
			if (!fgets(inbuf, sizeof(inbuf), stdin) || inbuf[0] == 'q')
				quit = 1;
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			err = cmap_dispatch(ctl->handle, CS_DISPATCH_ALL);
			if (err != CS_OK) {
				fprintf(stderr, "Dispatch error %s\n", cs_strerror(err));
				quit = 1;
			}
		}
	} while (r > 0 && !quit);
}

static void cmapctl_set_bin(struct cmapctl *ctl, const char *key, const char *fname)
{
	FILE *f = stdin;
	unsigned char buf[4096], *val = NULL, *nv;
	size_t size = 0, n;
	cs_error_t err;

	if (strcmp(fname, "-") != 0) {
		f = fopen(fname, "rb");
		if (!f) {
			perror("Can't open input file");
			exit(EXIT_FAILURE);
		}
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) != 0) {
		nv = realloc(val, size + n);
		if (!nv) {
			fprintf(stderr, "Can't alloc memory\n");
			exit(EXIT_FAILURE);
		}
		val = nv;
		memcpy(val + size, buf, n);
		size += n;
	}
	if (f != stdin)
		fclose(f);

	err = cmap_set(ctl->handle, key, val, size, CMAP_VALUETYPE_BINARY);
	free(val);
	if (err != CS_OK) {
		fprintf(stderr, "Failed to set key %s. Error %s\n", key, cs_strerror(err));
		exit(EXIT_FAILURE);
	}
}

/* -s and -p: parse, range-check, set; every failure exits 1 as corosync's does. */
static void cmapctl_set_key(struct cmapctl *ctl, const char *key, const char *type_s, const char *value_s)
{
	struct cmapctl_value v;
	cs_error_t err;
	int type = cmapctl_type_from_name(type_s);
	int r;

	if (type < 0) {
		fprintf(stderr, "Unknown type %s\n", type_s);
		exit(EXIT_FAILURE);
	}
	if (type == CMAP_VALUETYPE_BINARY) {
		cmapctl_set_bin(ctl, key, value_s);
		return;
	}
	if (type == CMAP_VALUETYPE_STRING) {
		err = cmap_set_string(ctl->handle, key, value_s);
	} else {
		r = cmapctl_parse_value((cmap_value_types_t)type, value_s, &v);
		if (r == -EINVAL) {
			fprintf(stderr, "%s is not valid %s type value\n", value_s, type_s);
			exit(EXIT_FAILURE);
		}
		if (r < 0) {
			fprintf(stderr, "%s is not valid %s integer\n", value_s, type_s);
			exit(EXIT_FAILURE);
		}
		err = cmap_set(ctl->handle, key, &v.v, v.len, (cmap_value_types_t)type);
	}
	if (err != CS_OK) {
		fprintf(stderr, "Failed to set key %s. Error %s\n", key, cs_strerror(err));
		exit(EXIT_FAILURE);
	}
}

static void cmapctl_load_file(struct cmapctl *ctl, const char *filename)
{
	char buf[1024];
	char *line, *key, *type_s, *value_s, *save;
	FILE *fh;
	cs_error_t err;

	fh = fopen(filename, "r");
	if (!fh) {
		perror("Couldn't open file.");
		return;
	}
	while (fgets(buf, sizeof(buf), fh)) {
		line = buf;
		while (isblank((unsigned char)*line))
			line++;
		if (*line == '\0' || *line == '#' || *line == '\n')
			continue;

		key = strtok_r(line, " \n", &save);
		if (!key)
			continue;
		if (key[0] == '^') {
			if (key[1] == '^') {
				cmapctl_delete_prefix(ctl, key + 2);
			} else {
				err = cmap_delete(ctl->handle, key + 1);
				if (err != CS_OK)
					fprintf(stderr, "Can't delete key %s. Error %s\n", key + 1, cs_strerror(err));
			}
			continue;
		}
		type_s = strtok_r(NULL, " \n", &save);
		value_s = strtok_r(NULL, " \n", &save);
		if (!type_s || !value_s) {
			fprintf(stderr, "Both type and value for key %s are required\n", key);
			exit(EXIT_FAILURE);
		}
		cmapctl_set_key(ctl, key, type_s, value_s);
	}
	fclose(fh);
}

int main(int argc, char *argv[])
{
	struct cmapctl ctl = { .handle = 0 };
	enum cmapctl_action action = ACTION_PRINT_PREFIX;
	cmap_map_t map = CMAP_MAP_DEFAULT;
	const char *settings_file = NULL, *clear_opt = NULL;
	char clear_key[CMAP_KEYNAME_MAXLEN + 1];
	int track_prefix = 1, rc = EXIT_SUCCESS, tries = 0, c, i;
	unsigned long seen = 0;
	size_t value_len;
	cmap_value_types_t type;
	cs_error_t err;

	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};

	while ((c = getopt_long(argc, argv, "m:hqgsdDtTbp:C:j", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctl.json = 1;
			break;
		case 'h':
			cmapctl_usage();
			return EXIT_SUCCESS;
		case 'b':
			ctl.show_binary++;
			break;
		case 'q':
			ctl.quiet = 1;
			break;
		case 'g':
			action = ACTION_GET;
			break;
		case 's':
			action = ACTION_SET;
			break;
		case 'd':
			action = ACTION_DELETE;
			break;
		case 'D':
			action = ACTION_DELETE_PREFIX;
			break;
		case 'p':
			settings_file = optarg;
			action = ACTION_LOAD;
			break;
		case 't':
			action = ACTION_TRACK;
			track_prefix = 0;
			break;
		case 'T':
			action = ACTION_TRACK;
			break;
		case 'C':
			if (strcmp(optarg, "knet") != 0 && strcmp(optarg, "totem") != 0 &&
			    strcmp(optarg, "ipc") != 0 && strcmp(optarg, "schedmiss") != 0 &&
			    strcmp(optarg, "all") != 0) {
				fprintf(stderr, "argument to -C should be 'knet', 'totem', 'ipc', 'schedmiss' or 'all'\n");
				return EXIT_FAILURE;
			}
			action = ACTION_CLEARSTATS;
			clear_opt = optarg;
			map = CMAP_MAP_STATS;
			break;
		case 'm':
			if (strcmp(optarg, "icmap") == 0 || strcmp(optarg, "default") == 0) {
				map = CMAP_MAP_ICMAP;
			} else if (strcmp(optarg, "stats") == 0) {
				map = CMAP_MAP_STATS;
			} else {
				fprintf(stderr, "invalid map name, must be 'default', 'icmap' or 'stats'\n");
				return EXIT_FAILURE;
			}
			break;
		default:
			return EXIT_FAILURE;
		}
	}
	argc -= optind;
	argv += optind;

	if (argc == 0 && action == ACTION_PRINT_PREFIX)
		action = ACTION_PRINT_ALL;
	if (argc == 0 && action != ACTION_LOAD && action != ACTION_CLEARSTATS &&
	    action != ACTION_PRINT_ALL) {
		fprintf(stderr, "Expected key after options\n");
		return EXIT_FAILURE;
	}

	while ((err = cmap_initialize_map(&ctl.handle, map)) == CS_ERR_TRY_AGAIN &&
	       tries++ < CMAPCTL_MAX_TRY_AGAIN)
		sleep(1);
	if (err != CS_OK) {
		fprintf(stderr, "Failed to initialize the cmap API. Error %s\n", cs_strerror(err));
		exit(EXIT_FAILURE);
	}

	if (ctl.json && (action == ACTION_PRINT_ALL || action == ACTION_PRINT_PREFIX ||
			 action == ACTION_GET))
		printf("{\"keys\": [");
	switch (action) {
	case ACTION_PRINT_ALL:
		seen = cmapctl_print_iter(&ctl, NULL);
		if (seen == 0)
			rc = EXIT_FAILURE;
		break;
	case ACTION_PRINT_PREFIX:
		for (i = 0; i < argc; i++)
			seen += cmapctl_print_iter(&ctl, argv[i]);
		if (seen == 0)
			rc = EXIT_FAILURE;
		break;
	case ACTION_GET:
		for (i = 0; i < argc; i++) {
			err = cmap_get(ctl.handle, argv[i], NULL, &value_len, &type);
			if (err == CS_OK) {
				cmapctl_print_key(&ctl, argv[i], value_len, type);
			} else {
				fprintf(stderr, "Can't get key %s. Error %s\n", argv[i], cs_strerror(err));
				rc = EXIT_FAILURE;
			}
		}
		break;
	case ACTION_DELETE:
		for (i = 0; i < argc; i++) {
			err = cmap_delete(ctl.handle, argv[i]);
			if (err != CS_OK) {
				fprintf(stderr, "Can't delete key %s. Error %s\n", argv[i], cs_strerror(err));
				rc = EXIT_FAILURE;
			}
		}
		break;
	case ACTION_DELETE_PREFIX:
		for (i = 0; i < argc; i++)
			cmapctl_delete_prefix(&ctl, argv[i]);
		break;
	case ACTION_LOAD:
		cmapctl_load_file(&ctl, settings_file);
		break;
	case ACTION_TRACK:
		for (i = 0; i < argc; i++)
			cmapctl_add_track(&ctl, argv[i], track_prefix);
		cmapctl_track_loop(&ctl);
		break;
	case ACTION_SET:
		if (argc < 3) {
			fprintf(stderr, "At least 3 parameters are expected for set\n");
			return EXIT_FAILURE;
		}
		cmapctl_set_key(&ctl, argv[0], argv[1], argv[2]);
		break;
	case ACTION_CLEARSTATS:
		snprintf(clear_key, sizeof(clear_key), "stats.clear.%s", clear_opt);
		cmapctl_set_key(&ctl, clear_key, "u32", "1");
		break;
	}

	if (ctl.json && (action == ACTION_PRINT_ALL || action == ACTION_PRINT_PREFIX ||
			 action == ACTION_GET))
		printf("%s]}\n", ctl.printed ? "\n" : "");
	err = cmap_finalize(ctl.handle);
	if (err != CS_OK) {
		fprintf(stderr, "Failed to finalize the cmap API. Error %s\n", cs_strerror(err));
		exit(EXIT_FAILURE);
	}
	return rc;
}
