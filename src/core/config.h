/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Configuration: a "key = value" file (# starts a comment), then
 * ADMINUTIL_<KEY> environment variables over it.  Every value is typed
 * and bounded; an unknown key, a bad number or a value out of range is
 * an error naming the key.
 */
#ifndef ADMINUTIL_CONFIG_H
#define ADMINUTIL_CONFIG_H

#include <stddef.h>
#include <sys/types.h>

#define CONFIG_STR_MAX	 512

/* Which families of routes an instance answers (config "routes"). */
#define ROUTES_ADMIN	 0x1
#define ROUTES_AUTH	 0x2
#define ROUTES_HEALTH	 0x4

struct config {
	char	 listen[CONFIG_STR_MAX];	/* "" = inherit fd 0 */
	unsigned socket_mode;
	char	 socket_owner[64];		/* user[:group] or "" */
	int	 backlog;
	int	 workers;
	char	 auth_listen[CONFIG_STR_MAX];	/* the gateway's pool, "" none */
	int	 auth_workers;
	int	 auth_db_timeout;		/* seconds */
	int	 peer_timeout;			/* seconds: a FastCGI peer's */
	char	 user[64];			/* drop to this user if root */
	char	 pid_file[CONFIG_STR_MAX];
	char	 log_level[16];
	char	 log_target[CONFIG_STR_MAX];	/* stderr, syslog, file:PATH */
	char	 sandbox[8];			/* kill | log | off */

	char	 db_host[256];
	int	 db_port;
	char	 db_socket[CONFIG_STR_MAX];
	char	 db_hosts[CONFIG_STR_MAX];	/* host:port list, "" none */
	char	 db_read_hosts[CONFIG_STR_MAX];	/* the gateway's; "" db_hosts */
	char	 db_user[128];
	char	 db_password[256];		/* never logged */
	char	 db_password_file[CONFIG_STR_MAX];
	char	 db_name[128];
	int	 db_connect_timeout;		/* seconds */
	int	 db_rw_timeout;			/* seconds */
	int	 db_lock_wait_timeout;		/* seconds */

	char	 schema_dir[CONFIG_STR_MAX];
	char	 seal_key_file[CONFIG_STR_MAX];	/* key files, first seals */
	int	 secret_readback;		/* 0: a secret is shown once */
	char	 default_group[256];
	size_t	 max_body;			/* bytes */
	unsigned routes;			/* ROUTES_* */
	char	 admin_hosts[CONFIG_STR_MAX];	/* Hosts the admin plane answers */
	char	 admin_auth[8];			/* jwt | none */
	char	 admin_groups[CONFIG_STR_MAX];	/* who may change access */
	char	 admin_read_groups[CONFIG_STR_MAX]; /* who may read it */
	char	 introspect_groups[CONFIG_STR_MAX]; /* "": admin_groups */
	char	 state_groups[CONFIG_STR_MAX];	/* "": nobody */

	/* Self-service: the portal, its approvers, the mail of the outbox. */
	char	 portal_hosts[CONFIG_STR_MAX];	/* Hosts the portal answers */
	char	 portal_approvers[CONFIG_STR_MAX]; /* portal user names */
	char	 notify_approvers[CONFIG_STR_MAX]; /* mail addresses */
	int	 portal_max_credentials;	/* live, per portal user */
	int	 portal_generations_per_hour;	/* per portal user */
	char	 smtp_url[CONFIG_STR_MAX];	/* smtp:// or smtps://, "" none */
	char	 smtp_auth_file[CONFIG_STR_MAX]; /* "user:password" line */
	char	 mail_from[256];
	char	 mail_dir[CONFIG_STR_MAX];	/* without smtp_url: files */
	char	 portal_url[CONFIG_STR_MAX];	/* the mails' links, "" none */
	char	 gateway_url[CONFIG_STR_MAX];	/* what partners call, "" none */
	char	 product_name[128];		/* the portal's title */
	char	 product_logo_url[CONFIG_STR_MAX]; /* "" none */
	char	 group_descriptions[CONFIG_STR_MAX]; /* TSV file, "" none */

	/* The gateway check. */
	char	 acl_file[CONFIG_STR_MAX];	/* "" = none */
	char	 acl_default[16];		/* deny | authenticated */
	char	 key_claim[64];			/* names the credential */
	int	 clock_skew;			/* seconds */
	int	 require_exp;			/* 0 or 1 */
	int	 max_token_lifetime;		/* seconds, 0 = no limit */
	int	 cache_ttl;			/* seconds */
	int	 cache_size;			/* entries per worker */
	int	 feed_interval;			/* ms between the feed's polls */
	int	 pass_keep;			/* ms nginx may keep a pass */
	int	 key_filter_max;		/* keys the filter holds, 0 off */
	int	 rate_limit_slots;		/* rate-limit counters, 0 off */
};

/*
 * Fills cfg with defaults, then the file at path (NULL: none), then the
 * environment, then reads db_password_file if set.  On error returns -1
 * and writes a message naming the key (never a value of a secret key)
 * to err.
 */
int	config_load(struct config *cfg, const char *path, char *err,
	    size_t errsz);

/* Sets one key from its text; same errors as config_load. */
int	config_set(struct config *cfg, const char *key, const char *val,
	    char *err, size_t errsz);

void	config_defaults(struct config *cfg);

#endif
