/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/validate.h"

enum ctype {
	CT_STR,		/* bounded string */
	CT_INT,		/* decimal integer in [min, max] */
	CT_OCTAL,	/* octal file mode in [min, max] */
	CT_SIZE,	/* bytes, optional k/m suffix, in [min, max] */
	CT_ROUTES,	/* comma list of admin, auth, health */
	CT_LEVEL,	/* a log level name */
	CT_BOOL,	/* yes/no, on/off, true/false, 1/0 */
	CT_WORD		/* one of the key's words */
};

struct ckey {
	const char	*name;
	enum ctype	 type;
	size_t		 off;
	size_t		 size;		/* CT_STR: buffer size */
	long long	 min, max;
	int		 secret;	/* value never echoed */
	const char	*words;		/* CT_WORD: the choices, blank-ended */
};

#define S(f)	 offsetof(struct config, f), sizeof(((struct config *)0)->f)
#define N(f)	 offsetof(struct config, f), 0
/* A key; a word key (CT_WORD) with its choices, each blank-ended. */
#define K(name, type, at, min, max) { name, type, at, min, max, 0, NULL }
#define W(name, at, words)	 { name, CT_WORD, at, 0, 0, 0, words }

static const struct ckey keys[] = {
	K("listen",		CT_STR,	   S(listen),		0, 0),
	K("socket_mode",	CT_OCTAL,  N(socket_mode),	0, 0777),
	K("socket_owner",	CT_STR,	   S(socket_owner),	0, 0),
	K("backlog",		CT_INT,	   N(backlog),		1, 65535),
	K("workers",		CT_INT,	   N(workers),		1, 256),
	K("auth_listen",	CT_STR,	   S(auth_listen),	0, 0),
	K("auth_workers",	CT_INT,	   N(auth_workers),	1, 256),
	K("auth_db_timeout",	CT_INT,	   N(auth_db_timeout),	1, 3600),
	K("peer_timeout",	CT_INT,	   N(peer_timeout),	1, 300),
	K("user",		CT_STR,	   S(user),		0, 0),
	K("pid_file",		CT_STR,	   S(pid_file),		0, 0),
	K("log_level",		CT_LEVEL,  S(log_level),	0, 0),
	K("log_target",		CT_STR,	   S(log_target),	0, 0),
	W("sandbox",		S(sandbox),		"kill log off "),
	K("db_host",		CT_STR,	   S(db_host),		0, 0),
	K("db_port",		CT_INT,	   N(db_port),		0, 65535),
	K("db_socket",		CT_STR,	   S(db_socket),	0, 0),
	K("db_hosts",		CT_STR,	   S(db_hosts),		0, 0),
	K("db_read_hosts",	CT_STR,	   S(db_read_hosts),	0, 0),
	K("db_user",		CT_STR,	   S(db_user),		0, 0),
	{ "db_password",	CT_STR,	   S(db_password),	0, 0, 1, NULL },
	K("db_password_file",	CT_STR,	   S(db_password_file),	0, 0),
	K("db_name",		CT_STR,	   S(db_name),		0, 0),
	K("db_connect_timeout",	CT_INT,	   N(db_connect_timeout), 1, 3600),
	K("db_rw_timeout",	CT_INT,	   N(db_rw_timeout),	1, 3600),
	K("db_lock_wait_timeout", CT_INT,  N(db_lock_wait_timeout), 1, 3600),
	K("schema_dir",		CT_STR,	   S(schema_dir),	0, 0),
	K("seal_key_file",	CT_STR,	   S(seal_key_file),	0, 0),
	K("secret_readback",	CT_BOOL,   N(secret_readback),	0, 1),
	K("default_group",	CT_STR,	   S(default_group),	0, 0),
	K("max_body",		CT_SIZE,   N(max_body),		16, 16 << 20),
	K("routes",		CT_ROUTES, N(routes),		0, 0),
	K("admin_hosts",	CT_STR,	   S(admin_hosts),	0, 0),
	W("admin_auth",		S(admin_auth),		"jwt none "),
	K("admin_groups",	CT_STR,	   S(admin_groups),	0, 0),
	K("admin_read_groups",	CT_STR,	   S(admin_read_groups), 0, 0),
	K("introspect_groups",	CT_STR,	   S(introspect_groups), 0, 0),
	K("state_groups",	CT_STR,	   S(state_groups),	0, 0),
	K("portal_hosts",	CT_STR,	   S(portal_hosts),	0, 0),
	K("portal_approvers",	CT_STR,	   S(portal_approvers),	0, 0),
	K("notify_approvers",	CT_STR,	   S(notify_approvers),	0, 0),
	K("portal_max_credentials", CT_INT, N(portal_max_credentials), 1,
	    100000),
	K("portal_generations_per_hour", CT_INT,
	    N(portal_generations_per_hour), 1, 100000),
	K("smtp_url",		CT_STR,	   S(smtp_url),		0, 0),
	K("smtp_auth_file",	CT_STR,	   S(smtp_auth_file),	0, 0),
	K("mail_from",		CT_STR,	   S(mail_from),	0, 0),
	K("portal_url",		CT_STR,	   S(portal_url),	0, 0),
	K("gateway_url",	CT_STR,	   S(gateway_url),	0, 0),
	K("product_name",	CT_STR,	   S(product_name),	0, 0),
	K("product_logo_url",	CT_STR,	   S(product_logo_url),	0, 0),
	K("group_descriptions",	CT_STR,	   S(group_descriptions), 0, 0),
	K("mail_dir",		CT_STR,	   S(mail_dir),		0, 0),
	K("acl_file",		CT_STR,	   S(acl_file),		0, 0),
	W("acl_default",	S(acl_default),		"deny authenticated "),
	K("key_claim",		CT_STR,	   S(key_claim),	0, 0),
	K("clock_skew",		CT_INT,	   N(clock_skew),	0, 3600),
	K("require_exp",	CT_BOOL,   N(require_exp),	0, 1),
	K("max_token_lifetime",	CT_INT,	   N(max_token_lifetime), 0,
	    366 * 86400),
	K("cache_ttl",		CT_INT,	   N(cache_ttl),	0, 3600),
	K("cache_size",		CT_INT,	   N(cache_size),	16, 10000000),
	K("feed_interval",	CT_INT,	   N(feed_interval),	20, 5000),
	K("pass_keep",		CT_INT,	   N(pass_keep),	0, 3600000),
	K("key_filter_max",	CT_INT,	   N(key_filter_max),	0, 1 << 26),
	K("rate_limit_slots",	CT_INT,	   N(rate_limit_slots),	0, 1 << 26),
};

#undef S
#undef N
#undef K
#undef W

#define NKEYS	 (sizeof(keys) / sizeof(keys[0]))

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof(*c));
	c->socket_mode = 0660;
	c->backlog = 1024;
	c->workers = 4;
	c->auth_workers = 2;
	c->auth_db_timeout = 1;
	c->peer_timeout = 10;
	strcpy(c->log_level, "info");
	strcpy(c->log_target, "stderr");
	strcpy(c->sandbox, "kill");
	strcpy(c->db_host, "localhost");
	c->db_port = 3306;
	strcpy(c->db_user, "adminutil");
	strcpy(c->db_name, "adminutil");
	c->db_connect_timeout = 3;
	c->db_rw_timeout = 30;
	c->db_lock_wait_timeout = 5;
	strcpy(c->schema_dir, SCHEMA_DIR);
	strcpy(c->default_group, "contentUser");
	c->max_body = 128 * 1024;
	c->routes = ROUTES_ADMIN | ROUTES_AUTH | ROUTES_HEALTH;
	strcpy(c->admin_hosts, "localhost,127.0.0.1,[::1]");
	strcpy(c->portal_hosts, "localhost,127.0.0.1,[::1]");
	strcpy(c->product_name, "adminutil");
	strcpy(c->admin_auth, "jwt");
	strcpy(c->admin_groups, "adminutilAdmin");
	strcpy(c->acl_default, "deny");
	strcpy(c->key_claim, "iss");
	c->clock_skew = 60;
	c->cache_ttl = 60;
	c->cache_size = 100000;
	c->feed_interval = 250;
	c->pass_keep = 1000;
	c->key_filter_max = 1 << 20;
	c->rate_limit_slots = 1 << 16;
	c->secret_readback = 1;
	c->portal_max_credentials = 10;
	c->portal_generations_per_hour = 10;
}

static const struct ckey *
key_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
parse_size(const char *s, long long min, long long max, long long *out)
{
	char		 buf[32];
	size_t		 len = strlen(s);
	long long	 mult = 1, v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len + 1);
	switch (buf[len - 1]) {
	case 'k': case 'K': mult = 1024; buf[len - 1] = '\0'; break;
	case 'm': case 'M': mult = 1024 * 1024; buf[len - 1] = '\0'; break;
	}
	if (validate_number(buf, 10, 0, max / mult, &v) == -1)
		return -1;
	v *= mult;
	if (v < min)
		return -1;
	*out = v;
	return 0;
}

/* 1 if val is one of words (each followed by a blank). */
static int
word_of(const char *words, const char *val)
{
	const char	*w, *e;
	size_t		 len = strlen(val);

	for (w = words; (e = strchr(w, ' ')) != NULL; w = e + 1)
		if ((size_t)(e - w) == len && len > 0 &&
		    strncmp(w, val, len) == 0)
			return 1;
	return 0;
}

static int
parse_routes(const char *s, unsigned *out)
{
	char		 buf[128], *tok, *save = NULL;
	unsigned	 r = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	for (tok = strtok_r(buf, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save)) {
		if (strcmp(tok, "admin") == 0)
			r |= ROUTES_ADMIN;
		else if (strcmp(tok, "auth") == 0)
			r |= ROUTES_AUTH;
		else if (strcmp(tok, "health") == 0)
			r |= ROUTES_HEALTH;
		else
			return -1;
	}
	if (r == 0)
		return -1;
	*out = r;
	return 0;
}

/*
 * One case a kind of key (the table keys[] says each key's kind, field
 * and range): long because each kind's reading and refusal message takes
 * a few lines, and one switch keeps every kind's rule side by side.
 */
int
config_set(struct config *c, const char *name, const char *val, char *err,
    size_t errsz)
{
	const struct ckey	*k;
	char			*base = (char *)c;
	long long		 v;
	enum log_level		 lvl;
	size_t			 len;

	if ((k = key_find(name)) == NULL) {
		snprintf(err, errsz, "unknown configuration key \"%s\"", name);
		return -1;
	}
	switch (k->type) {
	case CT_STR:
		len = strlen(val);
		if (len >= k->size) {
			snprintf(err, errsz, "%s: value longer than %zu bytes",
			    name, k->size - 1);
			return -1;
		}
		memcpy(base + k->off, val, len + 1);
		return 0;
	case CT_LEVEL:
		if (log_level_parse(val, &lvl) == -1) {
			snprintf(err, errsz, "%s: expected error, warn, info "
			    "or debug", name);
			return -1;
		}
		snprintf(base + k->off, k->size, "%s", val);
		return 0;
	case CT_BOOL:
		if (strcmp(val, "yes") == 0 || strcmp(val, "on") == 0 ||
		    strcmp(val, "true") == 0 || strcmp(val, "1") == 0)
			v = 1;
		else if (strcmp(val, "no") == 0 || strcmp(val, "off") == 0 ||
		    strcmp(val, "false") == 0 || strcmp(val, "0") == 0)
			v = 0;
		else {
			snprintf(err, errsz, "%s: expected yes or no", name);
			return -1;
		}
		*(int *)(void *)(base + k->off) = (int)v;
		return 0;
	case CT_WORD:
		if (!word_of(k->words, val)) {
			snprintf(err, errsz, "%s: expected one of: %s", name,
			    k->words);
			return -1;
		}
		snprintf(base + k->off, k->size, "%s", val);
		return 0;
	case CT_INT:
		if (validate_number(val, 10, k->min, k->max, &v) == -1)
			goto range;
		*(int *)(void *)(base + k->off) = (int)v;
		return 0;
	case CT_OCTAL:
		if (validate_number(val, 8, k->min, k->max, &v) == -1)
			goto range;
		*(unsigned *)(void *)(base + k->off) = (unsigned)v;
		return 0;
	case CT_SIZE:
		if (parse_size(val, k->min, k->max, &v) == -1)
			goto range;
		*(size_t *)(void *)(base + k->off) = (size_t)v;
		return 0;
	case CT_ROUTES:
		if (parse_routes(val, (unsigned *)(void *)(base + k->off))
		    == -1) {
			snprintf(err, errsz, "%s: expected a comma list of "
			    "admin, auth, health", name);
			return -1;
		}
		return 0;
	}
	return -1;
range:
	if (k->secret)
		snprintf(err, errsz, "%s: bad value", name);
	else if (k->type == CT_OCTAL)
		snprintf(err, errsz, "%s: \"%s\" is not an octal mode in "
		    "0..%llo", name, val, k->max);
	else
		snprintf(err, errsz, "%s: \"%s\" is not a number in %lld..%lld",
		    name, val, k->min, k->max);
	return -1;
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
config_file(struct config *c, const char *path, char *err, size_t errsz)
{
	FILE		*f;
	char		 line[1024], msg[512], *p, *eq, *key, *val;
	int		 lineno = 0, rc = 0, first[NKEYS] = { 0 };
	const struct ckey *k;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errsz, "%s:%d: line too long", path,
			    lineno);
			rc = -1;
			break;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = trim(line);
		if (*p == '\0')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err, errsz, "%s:%d: expected key = value",
			    path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		/* A key set twice: which one is meant is not for us to guess. */
		if ((k = key_find(key)) != NULL && first[k - keys] != 0) {
			snprintf(err, errsz, "%s:%d: %s is set again (first at "
			    "line %d)", path, lineno, key, first[k - keys]);
			rc = -1;
			break;
		}
		if (k != NULL)
			first[k - keys] = lineno;
		if (config_set(c, key, val, msg, sizeof(msg)) == -1) {
			snprintf(err, errsz, "%s:%d: %s", path, lineno, msg);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

static int
config_env(struct config *c, char *err, size_t errsz)
{
	char		 name[64], msg[512];
	const char	*v;
	size_t		 i, j;

	for (i = 0; i < NKEYS; i++) {
		snprintf(name, sizeof(name), "ADMINUTIL_%s", keys[i].name);
		for (j = 10; name[j] != '\0'; j++)
			name[j] = (char)toupper((unsigned char)name[j]);
		if ((v = getenv(name)) == NULL)
			continue;
		if (config_set(c, keys[i].name, v, msg, sizeof(msg)) == -1) {
			snprintf(err, errsz, "environment %s: %s", name, msg);
			return -1;
		}
	}
	return 0;
}

static int
config_password_file(struct config *c, char *err, size_t errsz)
{
	char	 buf[sizeof(c->db_password) + 2];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(c->db_password_file, "r")) == NULL) {
		snprintf(err, errsz, "db_password_file: %s: %s",
		    c->db_password_file, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n >= sizeof(c->db_password)) {
		snprintf(err, errsz, "db_password_file: password longer than "
		    "%zu bytes", sizeof(c->db_password) - 1);
		explicit_bzero(buf, sizeof(buf));
		return -1;
	}
	memcpy(c->db_password, buf, n);
	c->db_password[n] = '\0';
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/*
 * The mails' sender when mail_from is unset: adminutil at the host
 * people know the portal by, else at the machine's name.  A relay
 * refuses, and a reader distrusts, mail from "localhost".
 */
static void
config_mail_from(struct config *c)
{
	char		 host[256];
	const char	*p;
	size_t		 n;

	host[0] = '\0';
	if ((p = strstr(c->portal_url, "://")) != NULL) {
		p += 3;
		n = strcspn(p, ":/?#@");
		if (p[n] == '@') {		/* user@ is no host */
			p += n + 1;
			n = strcspn(p, ":/?#");
		}
		if (n > 0 && n < sizeof(host) && p[0] != '[') {
			memcpy(host, p, n);
			host[n] = '\0';
		}
	}
	if (host[0] == '\0' && (gethostname(host, sizeof(host)) == -1 ||
	    host[0] == '\0'))
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(c->mail_from, sizeof(c->mail_from), "adminutil@%s", host);
}

int
config_load(struct config *c, const char *path, char *err, size_t errsz)
{
	enum log_level	 lvl;

	config_defaults(c);
	if (path != NULL && config_file(c, path, err, errsz) == -1)
		return -1;
	if (config_env(c, err, errsz) == -1)
		return -1;
	if (c->db_password_file[0] != '\0' &&
	    config_password_file(c, err, errsz) == -1)
		return -1;
	if (c->mail_from[0] == '\0')
		config_mail_from(c);
	if (c->default_group[0] == '\0') {
		snprintf(err, errsz, "default_group: must not be empty");
		return -1;
	}
	if (c->key_claim[0] == '\0') {
		snprintf(err, errsz, "key_claim: must not be empty");
		return -1;
	}
	if (strcmp(c->admin_auth, "jwt") == 0 &&
	    strspn(c->admin_groups, ", \t") == strlen(c->admin_groups)) {
		snprintf(err, errsz, "admin_groups: must name a group when "
		    "admin_auth = jwt");
		return -1;
	}
	if (log_level_parse(c->log_level, &lvl) == 0)
		log_set_level(lvl);
	return 0;
}
