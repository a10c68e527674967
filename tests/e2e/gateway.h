/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The gateway's end-to-end tests, shared by gateway.c (these helpers,
 * the matrix's consumers and credentials, and the list of tests),
 * gateway-check.c (the check's verdicts and the token red-team),
 * gateway-path.c (groups, the path's readings, nginx's pass cache),
 * gateway-db.c (the database failing, the gateway's own pool, secrets
 * sealed at rest), gateway-feed.c (the change feed, the key filter,
 * statement counts) and gateway-keys.c (credential/register,
 * rotation): tokens signed here, requests through the web server's
 * gateway, the admin calls they need.  No token or secret is printed.
 */
#ifndef ADMINUTIL_E2E_GATEWAY_H
#define ADMINUTIL_E2E_GATEWAY_H

#include <stddef.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "e2e.h"

#define SKEW		 60	/* the instance's clock_skew (its default) */
#define NBURST		 20	/* requests that reach every worker */

/* APIs of conf/acl/sunbird.acl and conf/nginx.conf. */
#define API		 "/content/v1/flag/accept"	/* contentAdmin */
#define API_OTHER	 "/user/v1/block"		/* userAdmin */
#define API_PUBLIC	 "/data/v1/page/assemble"	/* @public */
#define API_REPORTS	 "/demo/reports/x"	/* nginx: reportViewer... */

/* The consumers of the matrix. */
enum consumer {
	C_MAIN,
	C_DEV,		/* owns a device key */
	C_GONE,		/* deleted between the phases */
	NCONS
};

struct gconsumer {
	const char	*tag;
	const char	*grant;		/* the grant request */
	const char	*joined;	/* the groups, as the API sees them */
};

/* The credentials of the matrix. */
enum cr {
	CR_DEF,		/* as kid: none; as iss: the signer's key */
	CR_HS256,	/* C_MAIN's own, from create */
	CR_HS384,
	CR_HS512,
	CR_RS256,
	CR_ES256,
	CR_EDDSA,
	CR_REVOKED,	/* C_MAIN's, revoked between the phases */
	CR_DEVICE,	/* C_DEV's device key */
	CR_DEV,		/* C_DEV's own */
	CR_GONE,	/* C_GONE's own */
	NCR,
	CR_UNKNOWN,	/* a key no one has */
	CR_SPACED,	/* the signer's key and a space */
	CR_ABSENT	/* as iss: no iss claim */
};

struct gcredspec {
	enum consumer	 owner;
	const char	*alg;
	int		 own;		/* made by create, not registered */
};

struct gcred {
	char		 key[NAMESZ];
	char		 secret[HEX32 + 1];	/* HMAC */
	EVP_PKEY	*pkey;			/* the others: private key */
	char		*pem;			/* and its public key */
};

extern const struct gconsumer	 consumers[NCONS];
extern const struct gcredspec	 credspec[NCR];
/* Made by gw_setup: the credentials, the consumers' names. */
extern struct gcred		 creds[NCR];
extern char			 users[NCONS][NAMESZ];

/* How a token is spoilt. */
enum mangle {
	M_NONE,
	M_BADSIG,	/* a signature character changed */
	M_CUTSIG,	/* the signature's last 4 characters cut */
	M_TWOPARTS,	/* header.payload */
	M_TRAILDOT,	/* header.payload.signature. */
	M_DOUBLEDOT,	/* header..payload.signature */
	M_STDB64,	/* base64 with + and /, then signed */
	M_SIGPAD,	/* the signature padded with = */
	M_JUNK,		/* a ! in the header, then signed */
	M_HUGE,		/* a claim that makes it over 8 KiB */
	M_UNSIGNED,	/* header.payload. */
	M_DER		/* ES256 signature DER-encoded, not r || s */
};

struct tok {
	enum cr		 signer;	/* CR_DEF: no token */
	const char	*alg;		/* the header's; NULL: the signer's */
	enum cr		 kid;		/* CR_DEF: none */
	enum cr		 iss;		/* CR_DEF: the signer's key */
	long		 exp, nbf;	/* seconds from now; 0: absent */
	const char	*claims;	/* more: a format of now in ms */
	const char	*head;		/* more header members */
	enum mangle	 mangle;
};

/* utilities */

int		 is_web(const char *);
/* s, unless it shows the token tok: then a placeholder. */
const char	*shown(const char *, const char *);
/* The instance's cache_ttl in ms (its default, 5 s, when unset). */
long		 ttl_ms(void);
/* The instance's value of key, a number (def when unset). */
long		 conf_num(const char *, long);
/* The longest a change may take to be honoured through the web server. */
long		 feed_bound_ms(void);
/* The digest of an HMAC algorithm name (HS384, HS512; else SHA-256). */
const EVP_MD	*hmac_md(const char *);
/* A new key pair for an algorithm: RSA 2048, P-256 or Ed25519. */
EVP_PKEY	*keygen(const char *);
/* The PEM of pkey's public key (or private, never shown); NULL. */
char		*pem_of(EVP_PKEY *, int);

/* tokens */

/*
 * The token of t with kid and iss given (NULL: none) and signed by c,
 * in a new string; NULL on failure.
 */
char		*mint(const struct tok *, const struct gcred *, const char *,
		    const char *, const char *);
/* The token t, in a new string; NULL on failure. */
char		*token(const struct tok *);

/* http */

/* GET path with hdrs; a request curl or the server refuses is no failure. */
void		 gw_get_quiet(struct resp *, const char *, const char *,
		    const char *const *, size_t);
void		 gw_get(struct resp *, const char *, const char *,
		    const char *const *, size_t);
/* The JSON the API behind the gateway answered with (caller puts). */
json_object	*api_saw(const struct resp *);
/*
 * n requests of path with header hdr, one after another (burst 0) or
 * all at once; how many answered want (and on nginx, the API saw groups).
 */
size_t		 gw_many(const char *, const char *, size_t, int, long,
		    const char *);
/* n requests of path with hdr, one after another: how many answered want. */
size_t		 gw_row(const char *, const char *, size_t, long);
/* Both: NBURST one after another, then NBURST at once. */
void		 expect_everywhere(const char *, const char *, const char *,
		    long, const char *);
/* POSTs a form to /v1/token/introspect at base. */
void		 introspect_as(struct resp *, const char *, const char *,
		    const char *);
/* Introspection by a caller in introspect_groups. */
void		 introspect(struct resp *, const char *, const char *);

/* admin */

/* credential/register of key for user: algorithm and public_key. */
void		 register_key(struct resp *, const char *, const char *,
		    json_object *, json_object *);
int		 grant(const char *, const char *);
/*
 * A consumer with groups (a grant request) and a token of its own
 * credential c (NULL: kept here), made as t says; 0 or -1.
 */
int		 consumer_as(const char *, const char *, char *,
		    const struct tok *, struct gcred *, char **);
/* The consumers and credentials of the matrix, once; 0 or -1. */
int		 gw_setup(void);
/* gateway-keys.c: rotate of user's key; its result, or NULL (r kept). */
json_object	*rotate(struct resp *, const char *, const char *,
		    const char *, const char *);

/* The tests, listed in gateway.c's gateway_tests. */
void		 test_gw_matrix(void);
void		 test_gw_auth(void);
void		 test_gw_grant_everywhere(void);
void		 test_gw_many_groups(void);
void		 test_gw_pass_cache(void);
void		 test_gw_isolation(void);
void		 test_gw_sealed(void);
void		 test_gw_forgery(void);
void		 test_gw_readings(void);
void		 test_gw_oracle(void);
void		 test_gw_db_down(void);
void		 test_gw_db_locked(void);
void		 test_gw_db_stalled(void);
void		 test_gw_flood(void);
void		 test_gw_miss_cost(void);
void		 test_gw_filter(void);
void		 test_gw_introspect(void);
void		 test_gw_register_invalid(void);
void		 test_gw_register(void);
void		 test_gw_rotate(void);
void		 test_gw_feed_bound(void);
void		 test_gw_rotate_edge(void);
void		 test_gw_refusal_seen(void);
void		 test_gw_refusal_replayed(void);

#endif
