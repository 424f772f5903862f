/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output formatting of chorus-cpgtool, kept apart from the tool's main() so
 * a unit test can check every format without a daemon.  The bytes are
 * corosync-cpgtool 3.1.7's (tools/corosync-cpgtool.c in corosync v3.1.7), quirks included.  Nothing here talks to a library: group
 * names come in as (bytes, length), addresses as libcfg returned them.
 */
#ifndef CHORUS_CPGTOOL_FMT_H
#define CHORUS_CPGTOOL_FMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <corosync/cfg.h>

/** The longest group name (CPG_MAX_NAME_LENGTH); longer lengths are clamped. */
#define CPGTOOL_NAME_MAX 128

/**
 * A group name.  With escape: bytes ' '..0x7e except '\' as they are, '\' as
 * "\\", anything else as "\x%02X" of the *signed* char, so 0x01 prints as
 * "\x01" and 0xE9 as "\xFFFFFFE9".  Without escape: the raw bytes.
 */
void cpgtool_print_group(FILE *f, int escape, const char *value, size_t length);

/**
 * The addresses of one node, separated by single spaces, as inet_ntop
 * writes them.  Entries with family 0 are skipped, but the separator rule
 * looks at the entry's index (as corosync's does): a space goes before every
 * printed entry except index 0.
 */
void cpgtool_print_addrs(FILE *f, const corosync_cfg_node_address_t *addrs, int count);

/* ---- -n: group names only ------------------------------------------------ */

/** One name, followed by the delimiter or, without one (0), a newline. */
void cpgtool_print_name_only(FILE *f, char delimiter, int escape, const char *value,
			     size_t length);
/** After the last name: a newline when a delimiter was used. */
void cpgtool_print_names_end(FILE *f, char delimiter);

/* ---- default and -d: one line per member ----------------------------------- */

/** The state of a full listing: the group of the previous entry. */
struct cpgtool_list {
	char delimiter;              /* 0: the default table with addresses */
	int escape;
	size_t last_length;          /* starts as an empty name, as corosync's */
	char last_value[CPGTOOL_NAME_MAX];
};

/** Start a listing and print its header line. */
void cpgtool_list_begin(struct cpgtool_list *l, FILE *f, char delimiter, int escape);

/**
 * One member.  Without a delimiter: the group name on its own line when it
 * differs from the previous entry's, then "\t\t<pid %10u>\t<nodeid %10u> (",
 * the addresses (addrs_count < 0: the address call failed; print none) and
 * ")\n".  With one: "<name><d><pid><d><nodeid>\n"; addresses are not used.
 */
void cpgtool_list_member(struct cpgtool_list *l, FILE *f, const char *value, size_t length,
			 uint32_t pid, uint32_t nodeid, const corosync_cfg_node_address_t *addrs,
			 int addrs_count);

/* ---- -j / --json: one document ---------------------------------------------- */

/**
 * A group name as a JSON string: printable ASCII as is (quote and
 * backslash escaped), every other byte b as "\u00XX", so the bytes can be
 * recovered (each code point below 256 is one byte).
 */
void cpgtool_json_group(FILE *f, const char *value, size_t length);

/** The state of a JSON listing: the group of the previous entry. */
struct cpgtool_json {
	int names_only;
	size_t groups;                  /* groups opened so far */
	size_t last_length;
	char last_value[CPGTOOL_NAME_MAX];
};

/** {"groups": [ */
void cpgtool_json_begin(struct cpgtool_json *j, FILE *f, int names_only);
/**
 * One entry.  Names only: the name, as a string.  Otherwise a member of the
 * current group, a new {"name": ..., "members": [...]} whenever the name
 * differs from the previous entry's; addresses as in cpgtool_list_member
 * (addrs_count < 0: the call failed, "addresses" is left out).
 */
void cpgtool_json_entry(struct cpgtool_json *j, FILE *f, const char *value, size_t length,
			uint32_t pid, uint32_t nodeid, const corosync_cfg_node_address_t *addrs,
			int addrs_count);
/** ]} and a newline. */
void cpgtool_json_end(struct cpgtool_json *j, FILE *f);

#endif
