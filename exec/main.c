/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * chorusd: the executive.  Wiring only: read the config, set up logging,
 * the state and run directories, the main loop, the service host, the
 * modules, IPC and the membership source, then run the loop; shut down as
 * the mirror of start-up.  This is the only file that exits the process.
 *
 * Start-up is a ladder: each step that succeeds adds one rung that the
 * shutdown path (the labels at the end of run()) removes in reverse.
 */
#define LOG_SUBSYS LOG_SUBSYS_MAIN

#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qb/qbloop.h>
#include <qb/qbutil.h>
#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include <chorus/icmap.h>
#include <chorus/log.h>

#include "exec/logging.h"
#include "exec/members.h"
#include "exec/sched.h"
#include "exec/deadline.h"
#include "exec/totem.h"
#include "exec/watch.h"
#include "ipc/ipc.h"
#include "services/config/conf.h"
#include "services/config/conf_reload.h"
#include "services/host.h"

/* Exit codes, as corosync's daemon uses them. */
enum exit_code {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_FORK = 4,
	EXIT_LOGGING = 7,
	EXIT_CONFIG = 8,
	EXIT_CMAP = 12,
	EXIT_SERVICES = 13,
	EXIT_FATAL = 15,
	EXIT_STATE_DIR = 16,
	EXIT_LOCK = 17,
	EXIT_RUNNING = 18,
	EXIT_SERVICE_INIT = 20,
	EXIT_STORE_RINGID = 21,
};

#define DEFAULT_CONFIG CHORUS_SYSCONFDIR "/chorus/chorus.conf"
#define DEFAULT_STATE_DIR CHORUS_LOCALSTATEDIR "/lib/chorus"
#define DEFAULT_RUN_DIR "/run/chorus"

/* The default set of service modules; votequorum joins when configured. */
static const char *const default_modules[] = { "cmap", "cfg", "cpg", "quorum" };

/* Keys clients may not change through cmap (the store itself allows the daemon). */
static const char *const ro_prefixes[] = {
	"internal_configuration.", "runtime.services.", "runtime.config.", "runtime.totem.",
	"uidgid.config.", "system.", "nodelist.",
};
static const char *const ro_keys[] = {
	"totem.crypto_cipher", "totem.crypto_hash", "totem.crypto_model", "totem.keyfile",
	"totem.key", "totem.secauth", "totem.ip_version", "totem.rrp_mode", "totem.transport",
	"totem.cluster_name", "totem.netmtu", "totem.threads", "totem.version", "totem.nodeid",
	"totem.clear_node_high_bit", "config.reload_in_progress",
	"config.totemconfig_reload_in_progress",
};

struct daemon {
	const char *config_path;
	bool foreground;
	bool test_only;
	const char *module_dir;
	char state_dir[PATH_MAX];
	char run_dir[PATH_MAX];
	char pid_path[PATH_MAX + 32];
	int pid_fd;

	struct icmap *cmap;
	struct icmap *stats;
	struct conf_src *src;
	struct totem_config tc;
	qb_loop_t *loop;
	struct deadline timer;       /* host_next_deadline() */
	qb_loop_timer_handle stop_timer;
	bool stopping;
	uint64_t stop_deadline;     /* ms: stop even if a client has not read its events */
	struct host *host;
	struct totem *totem;
	struct ipc *ipc;
	struct watch *watch;
	int exit_code;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage:\n"
		"        -c     : Corosync config file path.\n"
		"        -f     : Start application in foreground.\n"
		"        -t     : Test configuration and exit.\n"
		"        -v     : Display version, git revision and some useful information about Corosync and exit.\n");
}

static void version(void)
{
	printf("Chorus Cluster Engine, version '%s'\n", PACKAGE_VERSION);
	printf("A corosync-compatible cluster executive.\n\n");
	printf("Built-in features: knet ipc-libqb loadable-services%s\n",
#ifdef HAVE_SYSTEMD
	       " systemd"
#else
	       ""
#endif
	);
	printf("Available crypto models: nss openssl\n");
}

static uint64_t now_ms(void)
{
	return qb_util_nano_current_get() / QB_TIME_NS_IN_MSEC;
}

/* ---- driving the host: one qb_loop timer at host_next_deadline() ---------- */

static void rearm(struct daemon *d);

static void host_tick(void *data)
{
	struct daemon *d = data;

	host_advance(d->host, now_ms());
	rearm(d);
}

static void rearm(struct daemon *d)
{
	deadline_set(&d->timer, host_next_deadline(d->host));
}

static void on_deadline_changed(void *ctx)
{
	rearm(ctx);
}

static void on_ready(void *ctx)
{
	(void)ctx;
#ifdef HAVE_SYSTEMD
	sd_notify(0, "READY=1");
#endif
}

static void on_sync_done(void *ctx)
{
	struct daemon *d = ctx;

	totem_sync_done(d->totem);
}

static void on_confchg(void *ctx, const struct svc_view *view)
{
	struct daemon *d = ctx;

	host_set_time(d->host, now_ms());
	members_publish(d->cmap, &d->tc, view);
	host_confchg(d->host, view);
}

/* ---- what the daemon does for services (struct host_daemon_ops) ----------- */

static int daemon_node_status(void *ctx, uint32_t nodeid, struct svc_node_status *ret_status)
{
	struct daemon *d = ctx;

	return totem_node_status(d->totem, nodeid, ret_status);
}

/*
 * An orderly stop (signal, cfg SHUTDOWN) lets the clients read the events
 * already sent to them first (e.g. cfg's last TESTSHUTDOWN): libqb's client
 * drops unread events once it sees the server gone.  The loop keeps
 * running until no event is unread, for STOP_DRAIN_MS at most (a client
 * that does not read holds nobody back for longer).
 */
#define STOP_DRAIN_MS 1000
#define STOP_POLL_MS 5

static void stop_check(void *data)
{
	struct daemon *d = data;

	if ((d->ipc && ipc_events_unread(d->ipc) > 0) && now_ms() < d->stop_deadline) {
		(void)qb_loop_timer_add(d->loop, QB_LOOP_LOW, STOP_POLL_MS * QB_TIME_NS_IN_MSEC, d,
					stop_check, &d->stop_timer);
		return;
	}
	qb_loop_stop(d->loop);
}

static void stop_begin(struct daemon *d)
{
	if (d->stopping)
		return;
	d->stopping = true;
	d->stop_deadline = now_ms() + STOP_DRAIN_MS;
	stop_check(d);
}

/*
 * 0: the orderly stop after the current handler (corosync's
 * api->shutdown_request): the loop stops and run() unwinds its ladder
 * (services finalised in reverse order, totem leaves), exit status 0.
 * Anything else is corosync_fatal_error: exit at once with that status.
 */
static int daemon_shutdown(void *ctx, int exit_status, const char *reason)
{
	struct daemon *d = ctx;

	if (exit_status == 0) {
		log_debug("orderly shutdown requested: %s", reason);
		stop_begin(d);
		return 0;
	}
	log_err("Chorus Cluster Engine exiting with status %d (%s).", exit_status, reason);
	logging_fini();
	exit(exit_status);
}

/* corosync v3.1.7 exec/main.c corosync_ring_id_store: exit, status 21. */
static void on_ringid_lost(void *ctx)
{
	(void)daemon_shutdown(ctx, EXIT_STORE_RINGID, "the ring id could not be stored");
}

static int daemon_reopen_logs(void *ctx)
{
	(void)ctx;
	return logging_reopen();
}

static void reload_notice(void *ctx, const char *msg)
{
	(void)ctx;
	log_notice("%s", msg);
}

/*
 * cfg RELOAD_CONFIG on this node (corosync v3.1.7 exec/cfg.c,
 * message_handler_req_exec_cfg_reload_config, then
 * totemconfig_commit_new_params): the map work is conf_reload_file's; here
 * the transport follows the new nodelist, and the engine and knet take the
 * new timers and settings (totem_reconfigure).  A crypto change is loaded
 * into knet's spare slot and reported as 1: cfg then runs the
 * CRYPTO_RECONFIG phases (daemon_crypto_phase).  Services and the logging
 * tracker react through cmap.
 */
static int daemon_reload_config(void *ctx)
{
	struct daemon *d = ctx;
	struct conf_reload_args args = { .notice = reload_notice, .notice_ctx = d };
	struct totem_config ntc, old;
	struct conf_error err;
	unsigned flags = TOTEM_RECONF_RELOAD;
	char why[512];
	int r;

	memset(&ntc, 0, sizeof(ntc));
	r = conf_reload_file(d->cmap, d->config_path, &d->tc, &args, &ntc, &err);
	if (r < 0) {
		log_err("Unable to reload config file: %s", err.msg[0] ? err.msg : strerror(-r));
		return r;
	}
	if (conf_reload_nodes_changed(&d->tc, &ntc)) {
		r = totem_nodes_update(d->totem, &ntc, why, sizeof(why));
		if (r < 0)
			log_err("Nodelist change not fully applied to the transport: %s", why);
	}
	if (conf_reload_crypto_changed(&d->tc, &ntc))
		flags |= TOTEM_RECONF_CRYPTO;
	/* d->tc is shared by pointer with totem and the trackers: swap its contents. */
	old = d->tc;
	d->tc = ntc;
	conf_totem_config_clear(&old);
	r = totem_reconfigure(d->totem, &d->tc, flags, why, sizeof(why));
	if (r < 0)
		log_err("New totem configuration not fully applied: %s", why);
	return (flags & TOTEM_RECONF_CRYPTO) ? 1 : 0;
}

static int daemon_crypto_phase(void *ctx, enum svc_crypto_phase phase)
{
	struct daemon *d = ctx;

	return totem_crypto_phase(d->totem, phase);
}

/*
 * A cmap write to totem.* (watch.c recomputed d->tc): the engine and knet
 * take it at once, as corosync's totem_change_notify and
 * totemknet_refresh_config do.  After a reload this runs again with the
 * values the reload applied already.
 */
static void on_totem_changed(void *ctx)
{
	struct daemon *d = ctx;
	char why[512];

	if (totem_reconfigure(d->totem, &d->tc, 0, why, sizeof(why)) < 0)
		log_err("New totem timers not fully applied: %s", why);
}

/*
 * stats.clear.<group> (corosync v3.1.7 exec/stats.c, stats_map_set): knet
 * goes through totempg_stats_clear, which clears the totem counters too.
 * No schedmiss events are kept, so that group has nothing to clear.
 */
static int daemon_stats_clear(void *ctx, unsigned groups)
{
	struct daemon *d = ctx;

	if (groups & (SVC_STATS_KNET | SVC_STATS_TOTEM))
		totem_stats_clear(d->totem, groups & SVC_STATS_KNET);
	if ((groups & SVC_STATS_IPC) && d->ipc)
		ipc_stats_clear(d->ipc);
	return 0;
}

static const struct host_daemon_ops daemon_ops = {
	.node_status = daemon_node_status,
	.shutdown = daemon_shutdown,
	.reopen_logs = daemon_reopen_logs,
	.reload_config = daemon_reload_config,
	.crypto_phase = daemon_crypto_phase,
	.stats_clear = daemon_stats_clear,
};

/* ---- signals -------------------------------------------------------------- */

static int32_t on_stop_signal(int32_t sig, void *data)
{
	struct daemon *d = data;

	log_notice("Node was shut down by a signal");
	stop_begin(d);
	return 0;
}

static int32_t on_dump_signal(int32_t sig, void *data)
{
	struct daemon *d = data;

	host_dump(d->host);
	return 0;
}

/* ---- files ---------------------------------------------------------------- */

static int mkdir_p(const char *dir, mode_t mode)
{
	char tmp[PATH_MAX];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int pidfile_lock(struct daemon *d)
{
	struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	char buf[32];
	int fd, n;

	snprintf(d->pid_path, sizeof(d->pid_path), "%s/chorusd.pid", d->run_dir);
	fd = open(d->pid_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_err("Can't create lock file %s: %s", d->pid_path, strerror(errno));
		return EXIT_LOCK;
	}
	if (fcntl(fd, F_SETLK, &lock) < 0) {
		int e = errno;

		close(fd);
		if (e == EAGAIN || e == EACCES) {
			log_err("Another Chorus instance is already running (lock file %s).",
				d->pid_path);
			return EXIT_RUNNING;
		}
		log_err("Can't lock %s: %s", d->pid_path, strerror(e));
		return EXIT_LOCK;
	}
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)n) != n) {
		log_err("Can't write lock file %s: %s", d->pid_path, strerror(errno));
		close(fd);
		return EXIT_LOCK;
	}
	d->pid_fd = fd;
	return EXIT_OK;
}

static void pidfile_unlock(struct daemon *d)
{
	if (d->pid_fd < 0)
		return;
	(void)unlink(d->pid_path);
	close(d->pid_fd);
	d->pid_fd = -1;
}

static int daemonize(void)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(EXIT_OK);
	setsid();
	fd = open("/dev/null", O_RDWR);
	if (fd < 0)
		return -errno;
	(void)dup2(fd, STDIN_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* ---- configuration -------------------------------------------------------- */

static void conf_fail(const struct conf_error *err)
{
	/* Config errors go to stderr whatever the logging section says (the
	 * logging section may be what is wrong). */
	fprintf(stderr, "%s\n", err->msg);
}

static int read_config(struct daemon *d)
{
	struct conf_error err;
	char why[512];
	const char *v;
	size_t i;
	int r;

	memset(&err, 0, sizeof(err));
	d->cmap = icmap_new();
	d->stats = icmap_new();
	if (!d->cmap || !d->stats)
		return EXIT_CMAP;
	r = conf_parse_file(d->cmap, d->config_path, &d->src, &err);
	if (r < 0) {
		conf_fail(&err);
		return err.exit_code ? err.exit_code : EXIT_CONFIG;
	}
	r = conf_logging_validate(d->cmap, d->src, &err);
	if (r < 0) {
		conf_fail(&err);
		return err.exit_code ? err.exit_code : EXIT_LOGGING;
	}
	if (!d->test_only) {
		r = logging_apply(d->cmap, why, sizeof(why));
		if (r < 0) {
			fprintf(stderr, "%s\n", why);
			return EXIT_LOGGING;
		}
		log_notice("Chorus Cluster Engine %s starting up", PACKAGE_VERSION);
	}
	r = conf_totem_validate(d->cmap, d->src, NULL, &d->tc, &err);
	if (r < 0) {
		conf_fail(&err);
		return err.exit_code ? err.exit_code : EXIT_CONFIG;
	}
	/* Like corosync -t, a config test stops before the checks of a real start. */
	r = d->test_only ? 0 : conf_system_validate(d->cmap, d->src, &err);
	if (r < 0) {
		conf_fail(&err);
		return err.exit_code ? err.exit_code : EXIT_CONFIG;
	}
	snprintf(d->state_dir, sizeof(d->state_dir), "%s",
		 icmap_get_string(d->cmap, "system.state_dir", &v) == 0 ? v : DEFAULT_STATE_DIR);
	snprintf(d->run_dir, sizeof(d->run_dir), "%s",
		 icmap_get_string(d->cmap, "system.run_dir", &v) == 0 ? v : DEFAULT_RUN_DIR);
	for (i = 0; i < sizeof(ro_prefixes) / sizeof(ro_prefixes[0]); i++)
		(void)icmap_set_ro_prefix(d->cmap, ro_prefixes[i]);
	for (i = 0; i < sizeof(ro_keys) / sizeof(ro_keys[0]); i++)
		(void)icmap_set_ro_key(d->cmap, ro_keys[i]);
	(void)icmap_set_ro_key(d->cmap, "nodelist.local_node_pos");
	return EXIT_OK;
}

static int load_services(struct daemon *d)
{
	char why[512];
	const char *extra;
	size_t i;
	int r;

	for (i = 0; i < sizeof(default_modules) / sizeof(default_modules[0]); i++) {
		r = host_load_module(d->host, d->module_dir, default_modules[i], why, sizeof(why));
		if (r < 0) {
			/* named as corosync names its engines (corosync_quorum, ...) */
			log_err("Service engine 'corosync_%s' failed to load for reason '%s'",
				default_modules[i], why);
			return EXIT_SERVICE_INIT;
		}
	}
	/* corosync's quorum service loads its provider: a failure is the quorum engine's */
	if (icmap_get_string(d->cmap, "quorum.provider", &extra) == 0 &&
	    strcmp(extra, "corosync_votequorum") == 0) {
		r = host_load_module(d->host, d->module_dir, "votequorum", why, sizeof(why));
		if (r < 0) {
			log_err("Service engine 'corosync_quorum' failed to load for reason '%s'", why);
			return EXIT_SERVICE_INIT;
		}
	}
	if (icmap_get_string(d->cmap, "service.name", &extra) == 0) {
		r = host_load_module(d->host, d->module_dir, extra, why, sizeof(why));
		if (r < 0) {
			log_err("Service engine '%s' failed to load for reason '%s'", extra, why);
			return EXIT_SERVICE_INIT;
		}
	}
	return EXIT_OK;
}

/* ---- the ladder ----------------------------------------------------------- */

static int run(struct daemon *d)
{
	struct host_config hc;
	struct ipc_config ic;
	struct totem_create_args ta;
	const char *v;
	char why[512];
	int code, r;

	code = read_config(d);
	if (code != EXIT_OK || d->test_only)
		goto out_config;

	r = mkdir_p(d->state_dir, 0700);
	if (r < 0 || chdir(d->state_dir) < 0) {
		log_err("Cannot chdir to state directory %s. %s", d->state_dir,
			strerror(r < 0 ? -r : errno));
		code = EXIT_STATE_DIR;
		goto out_config;
	}
	if (!d->foreground && daemonize() < 0) {
		log_err("Could not fork");
		code = EXIT_FORK;
		goto out_config;
	}
	r = mkdir_p(d->run_dir, 0755);
	if (r < 0) {
		log_err("Cannot create run directory %s: %s", d->run_dir, strerror(-r));
		code = EXIT_LOCK;
		goto out_config;
	}
	code = pidfile_lock(d);
	if (code != EXIT_OK)
		goto out_config;
	/* before knet's threads exist: they inherit the policy */
	exec_sched_apply(d->cmap);

	d->loop = qb_loop_create();
	if (!d->loop) {
		code = EXIT_FATAL;
		goto out_pidfile;
	}
	r = deadline_init(&d->timer, d->loop, QB_LOOP_MED, host_tick, d);
	if (r < 0) {
		log_err("Can't create the host's timer (timerfd): %s", strerror(-r));
		code = EXIT_FATAL;
		qb_loop_destroy(d->loop);
		goto out_pidfile;
	}
	qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGINT, d, on_stop_signal, NULL);
	qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGTERM, d, on_stop_signal, NULL);
	qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGQUIT, d, on_stop_signal, NULL);
	qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGUSR2, d, on_dump_signal, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(&ta, 0, sizeof(ta));
	ta.loop = d->loop;
	ta.tc = &d->tc;
	ta.stats = d->stats;
	ta.state_dir = d->state_dir;
	ta.confchg = on_confchg;
	ta.confchg_ctx = d;
	ta.ringid_lost = on_ringid_lost;
	r = totem_create(&ta, &d->totem, why, sizeof(why));
	if (r < 0) {
		log_err("Can't initialize TOTEM layer: %s", why);
		code = EXIT_FATAL;
		goto out_loop;
	}
	memset(&hc, 0, sizeof(hc));
	hc.nodeid = d->tc.local_nodeid;
	hc.cmap = d->cmap;
	hc.stats = d->stats;
	hc.ipc = &ipc_host_ops;
	hc.totem = &totem_host_ops;
	hc.totem_ctx = d->totem;
	hc.sync_done = on_sync_done;
	hc.sync_done_ctx = d;
	hc.ready = on_ready;
	hc.ready_ctx = d;
	hc.deadline_changed = on_deadline_changed;
	hc.deadline_ctx = d;
	hc.daemon = &daemon_ops;
	hc.daemon_ctx = d;
	r = host_create(&hc, &d->host);
	if (r < 0) {
		code = EXIT_SERVICES;
		goto out_totem;
	}
	host_set_time(d->host, now_ms());
	totem_set_host(d->totem, d->host);
	(void)icmap_set_string(d->cmap, "runtime.blackbox.dump_flight_data", "no");
	(void)icmap_set_string(d->cmap, "runtime.blackbox.dump_state", "no");
	(void)icmap_set_string(d->cmap, "runtime.force_gather", "no");

	code = load_services(d);
	if (code != EXIT_OK)
		goto out_host;

	memset(&ic, 0, sizeof(ic));
	ic.host = d->host;
	ic.cmap = d->cmap;
	ic.stats = d->stats;
	ic.loop = d->loop;
	if (ipc_type_from_str(icmap_get_string(d->cmap, "system.qb_ipc_type", &v) == 0 ? v : NULL,
			      &ic.type) < 0)
		ic.type = QB_IPC_NATIVE;
	r = ipc_create(&ic, &d->ipc);
	if (r < 0) {
		code = EXIT_SERVICES;
		goto out_host;
	}

	r = watch_create(d->loop, d->cmap, &d->tc, d->host, d->state_dir, on_totem_changed, d,
			 &d->watch);
	if (r < 0) {
		code = EXIT_SERVICES;
		goto out_ipc;
	}

	r = totem_start(d->totem);
	if (r < 0) {
		log_err("Can't start TOTEM layer: %s", strerror(-r));
		code = EXIT_FATAL;
		goto out_watch;
	}
	log_notice("Chorus Cluster Engine started, node id %" PRIu32, d->tc.local_nodeid);
	qb_loop_run(d->loop);
	code = EXIT_OK;

#ifdef HAVE_SYSTEMD
	sd_notify(0, "STOPPING=1");
#endif
out_watch:
	watch_destroy(d->watch);
out_ipc:
	ipc_destroy(d->ipc);
out_host:
	host_destroy(d->host);
out_totem:
	totem_destroy(d->totem);
out_loop:
	deadline_fini(&d->timer);
	qb_loop_destroy(d->loop);
out_pidfile:
	pidfile_unlock(d);
out_config:
	(void)why;
	conf_totem_config_clear(&d->tc);
	conf_src_free(d->src);
	icmap_free(d->stats);
	icmap_free(d->cmap);
	return code;
}

int main(int argc, char **argv)
{
	struct daemon d;
	int opt, code;

	memset(&d, 0, sizeof(d));
	d.config_path = DEFAULT_CONFIG;
	d.pid_fd = -1;
	d.module_dir = getenv("CHORUS_MODULE_DIR") ? getenv("CHORUS_MODULE_DIR") : CHORUS_MODULEDIR;

	while ((opt = getopt(argc, argv, "c:ftv")) != -1) {
		switch (opt) {
		case 'c':
			if (strlen(optarg) >= PATH_MAX) {
				fprintf(stderr, "Config file path too long.\n");
				return EXIT_USAGE;
			}
			d.config_path = optarg;
			break;
		case 'f':
			d.foreground = true;
			break;
		case 't':
			d.test_only = true;
			break;
		case 'v':
			version();
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return EXIT_USAGE;
	}

	logging_early_init();
	code = run(&d);
	if (code == EXIT_OK)
		log_notice("Chorus Cluster Engine exiting normally");
	else
		log_info("Chorus Cluster Engine exiting with status %d", code);
	logging_fini();
	return code;
}
