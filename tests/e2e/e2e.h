/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The end-to-end tests' harness, shared by e2e.c (the admin routes, and
 * main) and gateway*.c (the gateway check): the environment, HTTP with
 * libcurl, the contract's envelope, SQL as root.  See e2e.c for the
 * environment variables.  Nothing here prints a secret or a token.
 */
#ifndef ADMINUTIL_E2E_H
#define ADMINUTIL_E2E_H

#include <sys/types.h>

#include <stddef.h>

#include <curl/curl.h>
#include <json-c/json.h>
#include <mysql.h>

#define EXIT_HARD	 99
#define ID(x)		 "ekstep.api.am.adminutil." x
#define CTYPE_JSON	 "application/json; charset=utf-8"
#define HEX32		 32
#define NAMESZ		 300
#define SKEW_MS		 60000

/* The suites a test belongs to. */
#define FULL		 0x1
#define SMOKE		 0x2

#define CHECK(ok, ...)	 check((ok), __FILE__, __LINE__, __func__, \
			    __VA_ARGS__)
#define GROUPS(...)	 ((const char *const []){ __VA_ARGS__, NULL })
#define ARGS(...)	 ((const char *const []){ __VA_ARGS__, NULL })

/* The environment (see e2e.c). */
extern const char	*url, *down_url, *conf_path, *db_sock, *db_name;
extern const char	*gw_url;	/* E2E_GW_URL, or NULL */
extern const char	*portal_url;	/* E2E_PORTAL_URL, or NULL */
extern const char	*portal_passwords; /* E2E_PORTAL_PASSWORDS */
extern const char	*bin;		/* E2E_BIN: the adminutil under test */
extern const char	*probe_lib;	/* E2E_PROBE, or NULL */
extern pid_t		 db_pid;	/* E2E_DB_PID: MariaDB's */
extern const char	*web;		/* E2E_WEB: "nginx", "lighttpd" */
extern unsigned		 suite;		/* FULL or SMOKE */
extern pid_t		 master;
extern MYSQL		*db;		/* root, for looking and meddling */
/*
 * The admin the tests act as (E2E_ADMIN_TOKEN, E2E_ADMIN_CREDS): its
 * "Authorization: Bearer" header line, which xfer_init() adds to every
 * POST, its consumer and its credential's key.
 */
extern char		*admin_auth;
extern char		 admin_user[NAMESZ], admin_key[NAMESZ];

/* A test of a suite. */
struct e2e_test {
	const char	*name;
	void		(*fn)(void);
	unsigned	 suites;
};

/* gateway.c's and admin.c's tests, run before e2e.c's last one. */
extern const struct e2e_test	 gateway_tests[];
extern const size_t		 gateway_ntests;
extern const struct e2e_test	 admin_tests[];
extern const size_t		 admin_ntests;
extern const struct e2e_test	 portal_tests[];
extern const size_t		 portal_ntests;
extern const struct e2e_test	 catalogue_tests[];
extern const size_t		 catalogue_ntests;
extern const struct e2e_test	 limits_tests[];
extern const size_t		 limits_ntests;

/* The routes: path (user, then key), method, id, result on failure. */
enum rt {
	RT_CREATE,
	RT_GRANT,
	RT_READ,
	RT_REVOKE,
	RT_DELETE,
	RT_LIST,
	RT_CRED_REGISTER,
	RT_CRED_LIST,
	RT_CRED_REVOKE,
	RT_HEALTH,
	RT_AUTH,
	RT_INTROSPECT,
	RT_AUDIT,
	RT_LIMITS,
	RT_NONE			/* no route matched */
};

struct e2e_route {
	const char	*path;
	const char	*method;
	const char	*id;		/* NULL: any */
	const char	*empty;		/* NULL: not checked */
};

extern const struct e2e_route	 routes[];

/* checks */

const char	*str(const char *);
int		 streq(const char *, const char *);
/* A CUnit assertion with a formatted message; returns ok. */
int		 check(int, const char *, unsigned, const char *,
		    const char *, ...) __attribute__((format(printf, 5, 6)));
long long	 now_ms(void);
void		 sleep_ms(long);
/* Polls cond(arg) every step ms for at most ms; its last answer. */
int		 wait_until(int (*)(void *), void *, long, long);
/* A name unique in this run: "e2e-<tag>-<pid>-<n>". */
const char	*fresh(char *, size_t, const char *);
/* len lowercase hex digits. */
int		 is_hex(const char *, size_t);

/* json */

json_object	*jget(json_object *, const char *);
/* The string at a dotted path, or NULL when absent or no string. */
const char	*jstr(json_object *, const char *);
int		 jisnull(json_object *, const char *);
const char	*jtext(json_object *);
/* Whether the object's keys are exactly keys, in that order. */
int		 check_keys(const char *, const char *, json_object *,
		    const char *const *);
/* Whether arr is the array of the strings of want (NULL-ended). */
int		 check_strings(const char *, const char *, json_object *,
		    const char *const *);
/* base64url without padding of n bytes; out holds (n + 2) / 3 * 4 + 1. */
void		 b64url(char *, const unsigned char *, size_t);
/*
 * "Authorization: Bearer <HS256 token {iss: key, iat: now}>" signed
 * with secret, in a new string; NULL.
 */
char		*hs256_bearer(const char *, const char *);
/* The JSON in a base64url part of a token, or NULL. */
json_object	*b64url_json(const char *, size_t);

/* http */

struct buf {
	char	*p;
	size_t	 len;
};

struct resp {
	long		 status;
	char		*ctype;		/* Content-Type, or NULL */
	char		*error;		/* the transport's error, or NULL */
	struct buf	 head;		/* the raw header lines */
	struct buf	 body;
	json_object	*json;		/* the body, when it is JSON */
};

/* One transfer, easy or in a multi. */
struct xfer {
	CURL			*h;
	struct curl_slist	*hdrs;
	struct resp		*r;
	char			 err[CURL_ERROR_SIZE];
};

void		 resp_free(struct resp *);
/* Sets up method base+path with body (len bytes; POST only). */
int		 xfer_init(struct xfer *, struct resp *, const char *,
		    const char *, const char *, const char *, size_t);
/* Collects the answer of a finished transfer and frees the handle. */
void		 xfer_done(struct xfer *, CURLcode);
/* One request, no checks (safe in any thread). */
void		 fetch(struct resp *, const char *, const char *,
		    const char *, const char *, size_t);
/* One request; a transport error is a failed check. */
void		 http(struct resp *, const char *, const char *, const char *,
		    const char *, size_t);
void		 post(struct resp *, const char *, const char *);
/*
 * POSTs body (len bytes) to base+path, sent as it is, with exactly the
 * header lines hdrs (NULL-ended, may be NULL) and, unless userpwd is
 * NULL, the web server's Basic sign-in "user:password".  No check.
 */
void		 post_raw(struct resp *, const char *, const char *,
		    const char *, size_t, const char *const *, const char *);
void		 get(struct resp *, const char *, const char *);
/* The contract's request envelope around request (NULL: none). */
char		*envelope(const char *, const char *);
/* Calls rt at base for user and key with the envelope of request. */
void		 api(struct resp *, const char *, enum rt, const char *,
		    const char *, const char *);
void		 call(struct resp *, enum rt, const char *, const char *);
/*
 * A grant of request to user, the answer in r and no CUnit check made:
 * for threads of their own.
 */
void		 grant_unchecked(struct resp *, const char *, const char *);
/* The value of header name (case-insensitive) into out; 0 or -1. */
int		 header(const struct resp *, const char *, char *, size_t);

/* the envelope */

int		 check_envelope(const char *, const struct resp *, enum rt,
		    long);
json_object	*expect_ok(const char *, const struct resp *, enum rt);
void		 expect_err(const char *, const struct resp *, enum rt, long,
		    const char *, const char *);
/*
 * Creates the new consumer user: its key and secret into HEX32 + 1
 * bytes each (NULL: not wanted).  0, or -1 after a failed check.
 */
int		 create(const char *, char *, char *);
/* Calls rt (read, grant, revoke) and checks user's groups are want. */
void		 expect_groups(const char *, enum rt, const char *,
		    const char *, const char *const *);

/* A consumer with groups (a grant request) and its token; 0 or -1. */
int		 consumer(const char *, const char *, char *, char **);
/* "Authorization: Bearer <token>" in a new string; NULL. */
char		*bearer(const char *);
/* Appends text to E2E_CONF (text NULL: cuts it back to len); reloads. */
int		 reconfigure(const char *, long *);

/* sql and the instance */

/*
 * Runs adminutil -c E2E_CONF with the options of args (NULL-ended, may
 * be NULL; ARGS()) and the variables "NAME=value" of env (NULL-ended,
 * may be NULL), its output into the file out (NULL: dropped); killed
 * after 15 s.  The exit status, or -1.
 */
int		 run_adminutil(const char *const *, const char *const *,
		    const char *);
/*
 * The same with the file conf (NULL: no -c), stdout into out and
 * stderr into errout (the same name: one file; NULL: dropped).
 */
int		 run_adminutil_split(const char *, const char *const *,
		    const char *const *, const char *, const char *);
/* The text of the adminutil log (au.log, next to E2E_CONF); NULL. */
char		*au_log(void);
/* A new root connection to the database under test, or NULL. */
MYSQL		*sql_open(void);
/* Runs SQL on m, any result discarded; 0, or -1 after a failed check. */
int		 sql(MYSQL *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* KILLs every connection of the service's user; how many. */
int		 kill_connections(void);
/* The number in the first column of the first row on m; -1 on error. */
long long	 sql_num_on(MYSQL *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
/* The same on db. */
#define sql_num(...)	 sql_num_on(db, __VA_ARGS__)
/* Rows of the consumer user in consumers, credentials, consumer_groups. */
long long	 rows(const char *, const char *);
/* The value of key in E2E_CONF into out; 0 or -1. */
int		 conf_get(const char *, char *, size_t);
/*
 * The children the instance under test runs: the workers of both pools,
 * the sender of the outbox when it has one, and the feed's follower.
 */
size_t		 conf_workers(void);
/* The live children of parent: how many, the first max into out. */
size_t		 children(pid_t, pid_t *, size_t);

#endif
