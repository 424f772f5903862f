/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The corosync.conf grammar (corosync v3.1.7 exec/coroparse.c): line classification,
 * section nesting, the structural rewrites (interface linknumber, nodelist
 * node numbering, logger_subsys, logging_daemon, uidgid) and the uidgid.d
 * pseudo-include.  Typed keys and value checks are in conf_keys.c.
 *
 * Sections are kept on an explicit stack (no recursion); the key path limit
 * (254 chars) bounds the depth.  The input is a byte buffer: embedded NULs
 * are rejected, never read past.  Nothing is validated across sections here.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/config/conf_int.h"
#include "services/config/conf_keys.h"

#define PATH_LIMIT ICMAP_KEYNAME_MAXLEN /* path + '.' + name must stay below */
#define DEPTH_MAX  (ICMAP_KEYNAME_MAXLEN / 2 + 2)
#define MAX_FILE_SIZE (64u * 1024 * 1024)

/* A key/value held back until its section closes. */
struct pending_kv {
	char key[CONF_LINE_MAX + 1];
	char value[CONF_LINE_MAX + 1];
	unsigned line;
};

struct frame {
	enum conf_state state;
	char path[ICMAP_KEYNAME_MAXLEN + 1]; /* literal section path */
	unsigned line;
};

struct parser {
	struct icmap *map;
	struct conf_src *src;
	const char *file;
	int file_idx;
	bool uidgid_only;
	struct conf_error *err;

	struct frame stack[DEPTH_MAX];
	unsigned depth;

	unsigned node_no;              /* next nodelist.node.N */
	/* buffered section contents (interface, logger_subsys, logging_daemon) */
	struct pending_kv *kv;
	size_t nkv, kvcap;
	size_t kv_base;                /* first kv of the open buffered section */
	unsigned member_no;
};

static int p_store(struct parser *p, const char *key, const char *value, unsigned line,
		   enum conf_state state, const char *shown_key);

static int kv_push(struct parser *p, const char *key, const char *value, unsigned line)
{
	struct pending_kv *kv;

	if (p->nkv == p->kvcap) {
		size_t cap = p->kvcap ? p->kvcap * 2 : 16;

		if (cap > 65536) {
			conf_err_parser(p->err, p->file, line, "Too many keys in section");
			return -EINVAL;
		}
		kv = realloc(p->kv, cap * sizeof(*kv));
		if (!kv)
			return -ENOMEM;
		p->kv = kv;
		p->kvcap = cap;
	}
	kv = &p->kv[p->nkv++];
	conf_strlcpy(kv->key, key, sizeof(kv->key));
	conf_strlcpy(kv->value, value, sizeof(kv->value));
	kv->line = line;
	return 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Trim blanks on both ends in place; with strip_colon also trailing ':' and '{'. */
static char *trim(char *s, bool strip_colon)
{
	size_t n;

	while (is_blank(*s))
		s++;
	n = strlen(s);
	while (n > 0 && (is_blank(s[n - 1]) ||
			 (strip_colon && (s[n - 1] == ':' || s[n - 1] == '{'))))
		s[--n] = '\0';
	return s;
}

static int store_typed(struct parser *p, const char *path, const char *value, unsigned line,
		       enum icmap_type type)
{
	int r;

	r = conf_store_value(p->map, path, value, type);
	if (r == -ENAMETOOLONG) {
		conf_err_parser(p->err, p->file, line,
				"Can't store key \"%s\" into icmap, returned error is "
				"CS_ERR_NAME_TOO_LONG", path);
		return -EINVAL;
	}
	if (r < 0) {
		conf_err_parser(p->err, p->file, line,
				"Can't store key \"%s\" into icmap, returned error is %s", path,
				r == -ENOMEM ? "CS_ERR_NO_MEMORY" : "CS_ERR_INVALID_PARAM");
		return r == -ENOMEM ? r : -EINVAL;
	}
	r = conf_src_add(p->src, path, (unsigned)p->file_idx, line);
	return r;
}

/*
 * Store one key of state `state` at final path `path`; shown_key is the path
 * named in conversion errors.
 */
static int p_store(struct parser *p, const char *path, const char *value, unsigned line,
		   enum conf_state state, const char *shown_key)
{
	enum icmap_type type = ICMAP_T_STRING;
	const char *leaf = strrchr(path, '.');
	char reason[CONF_LINE_MAX * 2 + 256];
	int r;

	leaf = leaf ? leaf + 1 : path;
	r = conf_check_key(state, leaf, shown_key, value, &type, reason, sizeof(reason));
	if (r < 0) {
		conf_err_parser(p->err, p->file, line, "%s", reason);
		return -EINVAL;
	}
	return store_typed(p, path, value, line, type);
}

static int join_path(char *dst, size_t size, const char *a, const char *b)
{
	int n = a[0] ? snprintf(dst, size, "%s.%s", a, b) : snprintf(dst, size, "%s", b);

	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

/* ---- uidgid ------------------------------------------------------------- */

static int uidgid_store(struct parser *p, const char *key, const char *value, unsigned line)
{
	char path[ICMAP_KEYNAME_MAXLEN + 64];
	char buf[16384];
	unsigned long long id;
	bool is_uid = strcmp(key, "uid") == 0;
	int r;

	if (!is_uid && strcmp(key, "gid") != 0) {
		conf_err_parser(p->err, p->file, line, "uidgid: Only uid and gid are allowed items");
		return -EINVAL;
	}
	if (is_uid) {
		struct passwd pw, *res = NULL;

		r = getpwnam_r(value, &pw, buf, sizeof(buf), &res);
		if (r == 0 && res)
			id = res->pw_uid;
		else if (conf_str_to_ull(value, UINT32_MAX, &id) < 0) {
			conf_err_parser(p->err, p->file, line,
					"The '%s' user is not found in /etc/passwd, please read "
					"the documentation.", value);
			return -EINVAL;
		}
	} else {
		struct group gr, *res = NULL;

		r = getgrnam_r(value, &gr, buf, sizeof(buf), &res);
		if (r == 0 && res)
			id = res->gr_gid;
		else if (conf_str_to_ull(value, UINT32_MAX, &id) < 0) {
			conf_err_parser(p->err, p->file, line,
					"The '%s' group is not found in /etc/group, please read "
					"the documentation.", value);
			return -EINVAL;
		}
	}
	snprintf(path, sizeof(path), "uidgid.config.%s.%llu", is_uid ? "uid" : "gid", id);
	r = icmap_set_uint8(p->map, path, 1);
	if (r < 0)
		return r;
	return conf_src_add(p->src, path, (unsigned)p->file_idx, line);
}

/* ---- section start / end ------------------------------------------------ */

static enum conf_state state_for_path(const char *path)
{
	static const struct {
		const char *path;
		enum conf_state state;
	} tab[] = {
		{ "totem", CS_TOTEM },
		{ "totem.interface", CS_INTERFACE },
		{ "totem.interface.member", CS_MEMBER },
		{ "logging", CS_LOGGING },
		{ "logging.logger_subsys", CS_LOGGER_SUBSYS },
		{ "logging.logging_daemon", CS_LOGGING_DAEMON },
		{ "nodelist", CS_NODELIST },
		{ "nodelist.node", CS_NODE },
		{ "uidgid", CS_UIDGID },
		{ "quorum", CS_QUORUM },
		{ "quorum.device", CS_QDEVICE },
		{ "resources", CS_RESOURCES },
		{ "resources.system", CS_RES_POLL },
		{ "resources.system.memory_used", CS_RES_POLL },
		{ "resources.process", CS_RES_POLL },
		{ "resources.process.memory_used", CS_RES_POLL },
		{ "system", CS_SYSTEM },
		{ "pload", CS_PLOAD },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i].path, path) == 0)
			return tab[i].state;
	return CS_NORMAL;
}

static bool state_buffers(enum conf_state s)
{
	return s == CS_INTERFACE || s == CS_LOGGER_SUBSYS || s == CS_LOGGING_DAEMON;
}

static int section_start(struct parser *p, const char *name, unsigned line)
{
	struct frame *top = &p->stack[p->depth];
	struct frame *f;
	char path[ICMAP_KEYNAME_MAXLEN + 1];

	if (strlen(top->path) + strlen(name) + 1 >= PATH_LIMIT ||
	    join_path(path, sizeof(path), top->path, name) < 0) {
		conf_err_parser(p->err, p->file, line,
				"Start of section makes total cmap path too long");
		return -EINVAL;
	}
	if (p->depth + 1 >= DEPTH_MAX) {
		conf_err_parser(p->err, p->file, line, "Sections nested too deeply");
		return -EINVAL;
	}
	if (p->uidgid_only && (p->depth != 0 || strcmp(name, "uidgid") != 0)) {
		conf_err_parser(p->err, p->file, line,
				"uidgid: Can't add subsection different than uidgid");
		return -EINVAL;
	}
	f = &p->stack[++p->depth];
	memcpy(f->path, path, sizeof(path));
	f->line = line;
	/* Special sections are recognised only directly where they belong. */
	f->state = state_for_path(path);
	if (f->state == CS_MEMBER && top->state != CS_INTERFACE)
		f->state = CS_NORMAL;
	if (state_buffers(f->state) && state_buffers(top->state))
		f->state = CS_NORMAL;
	if (f->state == CS_INTERFACE || f->state == CS_LOGGER_SUBSYS ||
	    f->state == CS_LOGGING_DAEMON) {
		p->kv_base = p->nkv;
		p->member_no = 0;
	}
	return 0;
}

static const struct pending_kv *kv_find(const struct parser *p, const char *key)
{
	const struct pending_kv *found = NULL;
	size_t i;

	for (i = p->kv_base; i < p->nkv; i++)
		if (strcmp(p->kv[i].key, key) == 0)
			found = &p->kv[i];
	return found;
}

static int flush_interface(struct parser *p)
{
	const struct pending_kv *ln = kv_find(p, "linknumber");
	unsigned long long link = 0;
	char prefix[64], path[ICMAP_KEYNAME_MAXLEN + 1];
	size_t i;
	int r;

	if (ln && conf_str_to_ull(ln->value, UINT8_MAX, &link) < 0) {
		conf_err_parser(p->err, p->file, ln->line,
				"Value of key \"%s\" is expected to be integer in range (0..255), "
				"but \"%s\" was given", "totem.interface.linknumber", ln->value);
		return -EINVAL;
	}
	snprintf(prefix, sizeof(prefix), "totem.interface.%llu", link);
	for (i = p->kv_base; i < p->nkv; i++) {
		const struct pending_kv *kv = &p->kv[i];

		if (strcmp(kv->key, "linknumber") == 0)
			continue;
		if (join_path(path, sizeof(path), prefix, kv->key) < 0 ||
		    strlen(path) >= PATH_LIMIT) {
			conf_err_parser(p->err, p->file, kv->line,
					"New key makes total cmap path too long");
			return -EINVAL;
		}
		r = p_store(p, path, kv->value, kv->line, CS_INTERFACE, path);
		if (r < 0)
			return r;
	}
	return 0;
}

static int flush_logger_subsys(struct parser *p, unsigned line)
{
	const struct pending_kv *sub = kv_find(p, "subsys");
	char path[CONF_LINE_MAX * 2 + 64];
	size_t i;
	int r;

	if (!sub) {
		conf_err_parser(p->err, p->file, line, "No subsys key in logger_subsys directive");
		return -EINVAL;
	}
	for (i = p->kv_base; i < p->nkv; i++) {
		const struct pending_kv *kv = &p->kv[i];

		snprintf(path, sizeof(path), "logging.logger_subsys.%s.%s", sub->value, kv->key);
		if (strlen(path) >= PATH_LIMIT) {
			conf_err_parser(p->err, p->file, kv->line,
					"New key makes total cmap path too long");
			return -EINVAL;
		}
		r = store_typed(p, path, kv->value, kv->line, ICMAP_T_STRING);
		if (r < 0)
			return r;
	}
	return 0;
}

static int flush_logging_daemon(struct parser *p, unsigned line)
{
	const struct pending_kv *name = kv_find(p, "name");
	const struct pending_kv *sub = kv_find(p, "subsys");
	char prefix[CONF_LINE_MAX * 2 + 64], path[CONF_LINE_MAX * 4 + 64];
	size_t i;
	int r;

	if (!name) {
		conf_err_parser(p->err, p->file, line, "No name key in logging_daemon directive");
		return -EINVAL;
	}
	if (strcmp(name->value, "corosync") == 0)
		snprintf(prefix, sizeof(prefix), sub ? "logging.logger_subsys.%s" : "logging%s",
			 sub ? sub->value : "");
	else if (sub)
		snprintf(prefix, sizeof(prefix), "logging.logging_daemon.%s.%s", name->value,
			 sub->value);
	else
		snprintf(prefix, sizeof(prefix), "logging.logging_daemon.%s", name->value);
	for (i = p->kv_base; i < p->nkv; i++) {
		const struct pending_kv *kv = &p->kv[i];

		if (strcmp(kv->key, "name") == 0 || (!sub && strcmp(kv->key, "subsys") == 0))
			continue;
		snprintf(path, sizeof(path), "%s.%s", prefix, kv->key);
		if (strlen(path) >= PATH_LIMIT) {
			conf_err_parser(p->err, p->file, kv->line,
					"New key makes total cmap path too long");
			return -EINVAL;
		}
		r = store_typed(p, path, kv->value, kv->line, ICMAP_T_STRING);
		if (r < 0)
			return r;
	}
	return 0;
}

static int section_end(struct parser *p, unsigned line)
{
	struct frame *f = &p->stack[p->depth];
	int r = 0;

	switch (f->state) {
	case CS_INTERFACE:
		r = flush_interface(p);
		break;
	case CS_LOGGER_SUBSYS:
		r = flush_logger_subsys(p, line);
		break;
	case CS_LOGGING_DAEMON:
		r = flush_logging_daemon(p, line);
		break;
	case CS_NODE:
		p->node_no++;
		break;
	default:
		break;
	}
	if (state_buffers(f->state))
		p->nkv = p->kv_base;
	p->depth--;
	return r;
}

/* ---- keys --------------------------------------------------------------- */

static int key_value(struct parser *p, const char *key, const char *value, unsigned line)
{
	struct frame *f = &p->stack[p->depth];
	char path[ICMAP_KEYNAME_MAXLEN * 2];

	if (strlen(f->path) + strlen(key) + 1 >= PATH_LIMIT) {
		conf_err_parser(p->err, p->file, line, "New key makes total cmap path too long");
		return -EINVAL;
	}
	if (p->uidgid_only && f->state != CS_UIDGID) {
		conf_err_parser(p->err, p->file, line,
				"uidgid: Can't add subsection different than uidgid");
		return -EINVAL;
	}
	join_path(path, sizeof(path), f->path, key);

	switch (f->state) {
	case CS_INTERFACE:
	case CS_LOGGER_SUBSYS:
	case CS_LOGGING_DAEMON: {
		/* Check the value now so the error names its own line. */
		char reason[CONF_LINE_MAX * 2 + 256];
		enum icmap_type t;

		if (f->state == CS_INTERFACE && strcmp(key, "linknumber") != 0 &&
		    conf_check_key(CS_INTERFACE, key, path, value, &t, reason,
				   sizeof(reason)) < 0) {
			conf_err_parser(p->err, p->file, line, "%s", reason);
			return -EINVAL;
		}
		return kv_push(p, key, value, line);
	}
	case CS_MEMBER: {
		char mkey[32];

		if (strcmp(key, "memberaddr") != 0)
			return 0;
		snprintf(mkey, sizeof(mkey), "member.%u", p->member_no++);
		return kv_push(p, mkey, value, line);
	}
	case CS_NODE: {
		char npath[ICMAP_KEYNAME_MAXLEN * 2];

		snprintf(npath, sizeof(npath), "nodelist.node.%u.%s", p->node_no, key);
		if (strlen(npath) >= PATH_LIMIT) {
			conf_err_parser(p->err, p->file, line,
					"New key makes total cmap path too long");
			return -EINVAL;
		}
		return p_store(p, npath, value, line, CS_NODE, npath);
	}
	case CS_UIDGID:
		return uidgid_store(p, key, value, line);
	default:
		return p_store(p, path, value, line, f->state, path);
	}
}

/* ---- line loop ---------------------------------------------------------- */

static int parse_line(struct parser *p, char *line, unsigned line_no)
{
	size_t n = strlen(line);
	char *s, *loc;

	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	while (n > 0 && is_blank(line[n - 1]))
		line[--n] = '\0';
	s = line;
	while (is_blank(*s))
		s++;
	if (*s == '\0' || *s == '#')
		return 0;

	if ((loc = strchr(s, '{')) != NULL) {
		char *name, *after;

		*loc = '\0';
		name = trim(s, true);
		after = trim(loc + 1, false);
		if (name[0] == '\0') {
			conf_err_parser(p->err, p->file, line_no,
					"Missing section name before opening bracket '{'");
			return -EINVAL;
		}
		if (after[0] != '\0') {
			conf_err_parser(p->err, p->file, line_no,
					"Extra characters after opening bracket '{'");
			return -EINVAL;
		}
		return section_start(p, name, line_no);
	}
	if ((loc = strchr(s, ':')) != NULL) {
		char *key, *value;

		*loc = '\0';
		key = trim(s, true);
		value = loc + 1;
		while (is_blank(*value))
			value++;
		return key_value(p, key, value, line_no);
	}
	if (strchr(s, '}') != NULL) {
		if (strcmp(s, "}") != 0) {
			conf_err_parser(p->err, p->file, line_no,
					"Extra characters before or after closing bracket '}'");
			return -EINVAL;
		}
		if (p->depth == 0) {
			conf_err_parser(p->err, p->file, line_no, "Unexpected closing brace");
			return -EINVAL;
		}
		return section_end(p, line_no);
	}
	conf_err_parser(p->err, p->file, line_no,
			"Line is not opening or closing section or key value");
	return -EINVAL;
}

static int parse_buffer(struct parser *p, const char *buf, size_t len)
{
	char line[CONF_LINE_MAX + 2];
	unsigned line_no = 0;
	size_t pos = 0;
	int r;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;

		line_no++;
		if (n > CONF_LINE_MAX) {
			conf_err_parser(p->err, p->file, line_no, "Line too long");
			return -EINVAL;
		}
		if (memchr(buf + pos, '\0', n)) {
			/* Deliberate difference: corosync truncates at the NUL. */
			conf_err_parser(p->err, p->file, line_no, "Line contains a NUL character");
			return -EINVAL;
		}
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		r = parse_line(p, line, line_no);
		if (r < 0)
			return r;
		pos += n + (nl ? 1 : 0);
	}
	if (p->depth > 0) {
		conf_err_parser(p->err, p->file, line_no, "Missing closing brace");
		return -EINVAL;
	}
	return 0;
}

static int parse_one(struct icmap *map, struct conf_src *src, const char *name,
		     const char *buf, size_t len, bool uidgid_only, struct conf_error *err)
{
	struct parser p;
	int r;

	memset(&p, 0, sizeof(p));
	p.map = map;
	p.src = src;
	p.file = name;
	p.uidgid_only = uidgid_only;
	p.err = err;
	p.stack[0].state = CS_NORMAL;
	r = conf_src_add_file(src, name);
	if (r < 0)
		return r;
	p.file_idx = r;
	r = parse_buffer(&p, buf, len);
	free(p.kv);
	return r;
}

static int read_whole(const char *path, char **ret_buf, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb;

			cap = cap ? cap * 2 : 8192;
			if (cap > MAX_FILE_SIZE) {
				r = -EFBIG;
				break;
			}
			nb = realloc(buf, cap);
			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order, may add uidgid sections. */
static int parse_uidgid_dir(struct icmap *map, struct conf_src *src, const char *dir,
			    struct conf_error *err)
{
	char **names = NULL;
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char **nn;

		if (de->d_name[0] == '.')
			continue;
		nn = realloc(names, (n + 1) * sizeof(*names));
		if (!nn) {
			r = -ENOMEM;
			break;
		}
		names = nn;
		names[n] = strdup(de->d_name);
		if (!names[n]) {
			r = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (r == 0)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; r == 0 && i < n; i++) {
		char path[PATH_MAX];
		struct stat st;
		char *buf;
		size_t len;

		if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= (int)sizeof(path))
			continue;
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (read_whole(path, &buf, &len) < 0)
			continue;
		r = parse_one(map, src, path, buf, len, true, err);
		free(buf);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

int conf_parse_string(struct icmap *map, const char *name, const char *buf, size_t len,
		      const char *uidgid_dir, struct conf_src **ret_src, struct conf_error *err)
{
	struct conf_src *src;
	int r;

	if (!map || !name || (!buf && len))
		return -EINVAL;
	src = conf_src_new();
	if (!src)
		return -ENOMEM;
	r = parse_one(map, src, name, buf ? buf : "", len, false, err);
	if (r == 0 && uidgid_dir)
		r = parse_uidgid_dir(map, src, uidgid_dir, err);
	if (r < 0) {
		if (r == -ENOMEM && err)
			conf_err_parser(err, name, 0, "Out of memory");
		conf_src_free(src);
		return r;
	}
	if (ret_src)
		*ret_src = src;
	else
		conf_src_free(src);
	return 0;
}

int conf_parse_file(struct icmap *map, const char *path, struct conf_src **ret_src,
		    struct conf_error *err)
{
	char dir[PATH_MAX + 16];
	const char *slash;
	char *buf;
	size_t len;
	int r;

	if (!map || !path)
		return -EINVAL;
	if (strlen(path) >= PATH_MAX) {
		conf_err_parser(err, "", 0, "Config file path too long.");
		return -ENAMETOOLONG;
	}
	r = read_whole(path, &buf, &len);
	if (r < 0) {
		/* corosync: "Can't read file <f>: <strerror>" at line 0 */
		conf_err_parser(err, path, 0, "Can't read file %s: %s", path, strerror(-r));
		if (err)
			snprintf(err->msg, sizeof(err->msg), "parser error: Can't read file %s: %s",
				 path, strerror(-r));
		return r;
	}
	slash = strrchr(path, '/');
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s/uidgid.d", (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), "./uidgid.d");
	r = conf_parse_string(map, path, buf, len, dir, ret_src, err);
	free(buf);
	return r;
}
