/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * corosync.conf reader (named conf.h, not config.h, so as not to shadow
 * autoconf's config.h): grammar, typed keys and start-up validation
 * (corosync v3.1.7 exec/coroparse.c, exec/totemconfig.c), producing an icmap plus a struct totem_config.
 *
 * This library owns parsing and checking only: it never applies logging,
 * opens sockets, changes scheduling or exits.  The caller (chorusd) prints
 * err->msg and exits with err->exit_code.  Every key stored by the parser is
 * remembered with its file and line (struct conf_src) so that errors found
 * later still name file, line and key.  No global state: several maps can be
 * parsed and validated in one process.
 */
#ifndef CHORUS_SERVICES_CONF_H
#define CHORUS_SERVICES_CONF_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "chorus/icmap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Exit codes of corosync 3.1.7 that this library can produce (specs §9). */
#define CONF_EXIT_LOGGING 7
#define CONF_EXIT_CONFIG  8

/* The grammar's line buffer: lines longer than this are rejected. */
#define CONF_LINE_MAX 510
#define CONF_LINKS_MAX 8
#define CONF_NODES_MAX 384

/**
 * Description of a failure.  msg is the complete line to print (no newline),
 * e.g. "parse error in config: /etc/chorus/chorus.conf:12: totem.token: The
 * token timeout parameter (20 ms) may not be less than (30 ms)." or, for
 * grammar errors, "parser error: <file>:<line>: <reason>".  reason is the
 * corosync text alone.  file/line/key are empty/0 when not applicable.
 */
struct conf_error {
	char file[PATH_MAX];
	unsigned line;
	char key[256];
	char reason[512];
	char msg[PATH_MAX + 1024];
	int exit_code;
};

/** Where each key came from (opaque; free with conf_src_free). */
struct conf_src;

void conf_src_free(struct conf_src *src);
/** Line and file of the last assignment to key; -ENOENT if the parser did not store it. */
int conf_src_lookup(const struct conf_src *src, const char *key, const char **ret_file,
		    unsigned *ret_line);

/**
 * Parse a config file into map (keys are added/overwritten; nothing is
 * deleted).  Also reads every regular file in <dirname(path)>/uidgid.d/.
 * On success *ret_src (if ret_src != NULL) receives the key origin records.
 * Returns 0, or -EINVAL (syntax/value error, err filled, exit_code 8) or
 * -errno for I/O errors (err filled too).
 *
 * Deliberate difference: a non-numeric value for a u64 key is an ordinary
 * parse error here; corosync 3.1.7 aborts (SIGABRT, exit 134).  A line with
 * an embedded NUL byte is rejected ("Line contains a NUL character");
 * corosync silently truncates it.
 */
int conf_parse_file(struct icmap *map, const char *path, struct conf_src **ret_src,
		    struct conf_error *err);
/**
 * Same grammar from a buffer (may contain NULs; need not be terminated).
 * name is used in messages.  uidgid_dir (may be NULL) is the uidgid.d
 * directory to read, if any.
 */
int conf_parse_string(struct icmap *map, const char *name, const char *buf, size_t len,
		      const char *uidgid_dir, struct conf_src **ret_src, struct conf_error *err);

/* ---- validation ------------------------------------------------------- */

enum conf_transport { CONF_TRANSPORT_KNET = 0, CONF_TRANSPORT_UDPU = 1, CONF_TRANSPORT_UDP = 2 };
/* Address family preference for name resolution. */
enum conf_ip_version {
	CONF_IP_V4 = 0,    /* "ipv4" */
	CONF_IP_V6 = 1,    /* "ipv6" */
	CONF_IP_V4_6 = 2,  /* "ipv4-6": try v4 then v6 */
	CONF_IP_V6_4 = 3,  /* "ipv6-4": try v6 then v4 */
};
enum conf_link_mode { CONF_LINK_PASSIVE = 0, CONF_LINK_ACTIVE = 1, CONF_LINK_RR = 2 };

/* One link (totem.interface.L), effective values. */
struct conf_link {
	bool configured;                /* some node has ringL_addr */
	uint16_t mcastport;
	uint8_t ttl;
	uint8_t knet_link_priority;
	uint32_t knet_ping_interval;
	uint32_t knet_ping_timeout;
	uint32_t knet_ping_precision;
	uint32_t knet_pong_count;
	bool knet_transport_sctp;       /* false = udp */
	/* udp transport only */
	bool broadcast;
	struct sockaddr_storage bindnet;
	struct sockaddr_storage mcast;
};

/* One nodelist entry. */
struct conf_node {
	unsigned pos;                   /* N in nodelist.node.N */
	uint32_t nodeid;                /* configured or generated */
	char name[256];                 /* "" when absent */
	bool has_addr[CONF_LINKS_MAX];
	char addr_str[CONF_LINKS_MAX][256];
	struct sockaddr_storage addr[CONF_LINKS_MAX];
};

/* Everything the totem engine needs, effective values (defaults applied). */
struct totem_config {
	uint32_t version;
	enum conf_transport transport;
	enum conf_ip_version ip_version;
	enum conf_link_mode link_mode;
	char cluster_name[256];
	uint64_t config_version;
	uint32_t netmtu;
	uint32_t threads;
	bool clear_node_high_bit;
	bool block_unlisted_ips;
	bool cancel_token_hold_on_retransmit;

	uint32_t token;                 /* effective, token_coefficient applied */
	uint32_t token_coefficient;
	uint32_t token_warning;
	uint32_t token_retransmit;
	uint32_t hold;
	uint32_t token_retransmits_before_loss_const;
	uint32_t join;
	uint32_t send_join;
	uint32_t consensus;
	uint32_t merge;
	uint32_t downcheck;
	uint32_t fail_recv_const;
	uint32_t seqno_unchanged_const;
	uint32_t heartbeat_failures_allowed;
	uint32_t max_network_delay;
	uint32_t window_size;
	uint32_t max_messages;
	uint32_t miss_count_const;
	uint32_t knet_pmtud_interval;
	uint32_t knet_mtu;
	uint32_t knet_compression_threshold;
	int32_t knet_compression_level;
	char knet_compression_model[64];

	/* crypto: cipher/hash "none" means off; key loaded only when on */
	char crypto_model[16];
	char crypto_cipher[16];
	char crypto_hash[16];
	char keyfile[PATH_MAX];         /* "" when the key came from totem.key */
	uint8_t key[4096];
	size_t key_len;

	struct conf_link links[CONF_LINKS_MAX];
	unsigned link_count;            /* number of configured links */
	struct conf_node *nodes;        /* node_count entries, file order */
	size_t node_count;
	uint32_t local_nodeid;
	unsigned local_node_pos;
};

/** Frees the node array and zeroes the struct.  Takes NULL. */
void conf_totem_config_clear(struct totem_config *tc);

/**
 * Who we are, for local node identification (§8.4).  NULL fields mean "ask
 * the system" (uname -n, getifaddrs).  Tests pass an override.
 */
struct conf_host {
	const char *hostname;
	const char *const *addrs;       /* numeric addresses */
	size_t n_addrs;
};

/**
 * §8.3/§8.4: check the totem and nodelist keys of map, identify the local
 * node, then publish runtime.config.totem.*, generated
 * totem.interface.<L>.bindnetaddr / mcastaddr / mcastport, generated udp(u)
 * nodeids and nodelist.local_node_pos into map and fill *ret_tc (which the
 * caller frees with conf_totem_config_clear).  host may be NULL.  src may be
 * NULL (messages then name no file/line).  Returns 0 or -EINVAL with err
 * filled (exit_code 8).
 */
int conf_totem_validate(struct icmap *map, const struct conf_src *src,
			const struct conf_host *host, struct totem_config *ret_tc,
			struct conf_error *err);

/**
 * Recompute and republish only the volatile timers (runtime.config.totem.*)
 * from map, e.g. after a cmap write to totem.*; tc's node list is used for
 * the token coefficient.  Updates tc on success.
 */
int conf_totem_volatile_update(struct icmap *map, struct totem_config *tc,
			       struct conf_error *err);

/**
 * §8.6 logging checks (exit code 7): value sets of logging.* and
 * logging.logger_subsys.*.*, and that the log file (when to_logfile) can be
 * opened for appending (it is created, as corosync does).
 */
int conf_logging_validate(const struct icmap *map, const struct conf_src *src,
			  struct conf_error *err);
/**
 * §8.6 system/resources checks done at start-up (exit code 8):
 * system.priority and resources.watchdog_timeout ranges.
 */
int conf_system_validate(const struct icmap *map, const struct conf_src *src,
			 struct conf_error *err);

/**
 * Everything `chorusd -t` does: parse, logging, totem.  Returns 0 or a
 * negative errno with err filled.  host may be NULL.
 */
int conf_check_file(const char *path, const struct conf_host *host, struct conf_error *err);

/** Fuzzing entry point: parse and validate one buffer, never crash. Returns 0. */
int conf_fuzz_one(const uint8_t *data, size_t size);

#ifdef __cplusplus
}
#endif
#endif /* CHORUS_SERVICES_CONF_H */
