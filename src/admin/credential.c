/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The credential routes: register, list, revoke, rotate.
 */
#include "build.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin/admin.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/validate.h"
#include "crypto/jwk.h"
#include "crypto/jwt.h"
#include "store/credential.h"

/* The longest grace of a rotation: a week. */
#define ROTATE_GRACE_MAX	 604800

/*
 * The public key of the request for alg, checked: an asymmetric
 * algorithm needs a PEM key (public_key) or a JWK (jwk, RFC 7517) that
 * fits it, never both; an HMAC one takes neither.  *pem is the PEM text
 * to keep: public_key's own, or a new one read from the JWK (*owned,
 * which the caller frees), whose RFC 7638 thumbprint goes in thumb ("":
 * none).  A refusal's message begins with what.  0, or -1 after
 * replying BAD_REQUEST.
 */
int
request_public_key(struct response *res, const struct route *rt,
    struct request *r, json_object *req, const char *what, enum jwt_alg alg,
    const char **pem, char **owned, char thumb[JWK_THUMB_LEN + 1])
{
	json_object	*k = NULL, *jwk = NULL;
	struct jwt_key	 key;
	const char	*why;

	*pem = NULL;
	*owned = NULL;
	thumb[0] = '\0';
	json_object_object_get_ex(req, "public_key", &k);
	json_object_object_get_ex(req, "jwk", &jwk);
	if (jwt_alg_is_hmac(alg)) {
		if (k != NULL || jwk != NULL) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%s%s IS "
			    "NOT USED BY %s", what, k != NULL ? "PUBLIC KEY" :
			    "JWK", jwt_alg_name(alg));
			return -1;
		}
		return 0;
	}
	if (k != NULL && jwk != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%sPUBLIC KEY AND JWK: "
		    "SEND ONE OF THEM, NOT BOTH", what);
		return -1;
	}
	if (jwk != NULL) {
		if (jwk_pem(jwk, alg, owned, thumb, &why) == -1) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%sJWK: %s",
			    what, why);
			return -1;
		}
		*pem = *owned;
		return 0;
	}
	if (k == NULL || !json_object_is_type(k, json_type_string) ||
	    json_object_get_string_len(k) == 0) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%sPUBLIC KEY IS "
		    "MANDATORY FOR %s", what, jwt_alg_name(alg));
		return -1;
	}
	*pem = json_object_get_string(k);
	if (jwt_key_pem(&key, alg, *pem, (size_t)json_object_get_string_len(k),
	    &why) == -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%sPUBLIC KEY: %s",
		    what, why);
		return -1;
	}
	jwt_key_free(&key);
	if (memchr(*pem, '\0', (size_t)json_object_get_string_len(k)) !=
	    NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%sPUBLIC KEY: NUL "
		    "BYTE", what);
		return -1;
	}
	return 0;
}

/*
 * request.algorithm and the public key (request_public_key).  Without
 * an algorithm: a JWK's own alg member, else HS256, the seeds' (a JWK
 * then says which algorithm is missing).  0, or -1 after replying
 * BAD_REQUEST.
 */
int
request_algorithm(struct response *res, const struct route *rt,
    struct request *r, json_object *req, const char *what, enum jwt_alg *alg,
    const char **pem, char **owned, char thumb[JWK_THUMB_LEN + 1])
{
	json_object	*v = NULL, *jwk = NULL, *ja = NULL;

	*alg = JWT_HS256;
	if (json_object_object_get_ex(req, "algorithm", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_string) ||
		    (*alg = jwt_alg_parse(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v))) ==
		    JWT_ALG_INVALID) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%sALGORITHM "
			    "MUST BE ONE OF HS256, HS384, HS512, RS256, RS512, "
			    "ES256, EdDSA", what);
			return -1;
		}
	} else if (json_object_object_get_ex(req, "jwk", &jwk)) {
		if (!json_object_is_type(jwk, json_type_object)) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%sJWK: jwk "
			    "must be a JSON object", what);
			return -1;
		}
		if (!json_object_object_get_ex(jwk, "alg", &ja) ||
		    !json_object_is_type(ja, json_type_string) ||
		    (*alg = jwt_alg_parse(json_object_get_string(ja),
		    (size_t)json_object_get_string_len(ja))) ==
		    JWT_ALG_INVALID || jwt_alg_is_hmac(*alg)) {
			reply_err(res, rt, r, ERR_BAD_REQUEST, "%sALGORITHM IS "
			    "MANDATORY WITH A JWK THAT HAS NO alg: ONE OF "
			    "RS256, RS512, ES256, EdDSA", what);
			return -1;
		}
	}
	return request_public_key(res, rt, r, req, what, *alg, pem, owned,
	    thumb);
}

void
credential_register(struct app *a, const struct route *rt,
    struct request *r, struct response *res)
{
	json_object		*v = NULL, *o;
	const char		*msg, *user, *key, *pem;
	size_t			 ulen, klen;
	struct credential	 cr;
	struct actor		 act;
	enum store_rc		 rc;
	enum jwt_alg		 alg;
	char			*token = NULL, *owned;
	char			 thumb[JWK_THUMB_LEN + 1];
	int			 hidden;

	if (path_user(res, rt, r, &user, &ulen) == -1)
		return;
	/* A JWK's thumbprint is the key when none is given (RFC 7638). */
	if (!json_object_object_get_ex(r->req, "key", &v) &&
	    json_object_object_get_ex(r->req, "jwk", NULL))
		v = NULL;
	else if ((msg = validate_key(v)) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return;
	}
	if (request_algorithm(res, rt, r, r->req, "", &alg, &pem, &owned,
	    thumb) == -1)
		return;
	if (v != NULL) {
		key = json_object_get_string(v);
		klen = (size_t)json_object_get_string_len(v);
	} else {
		key = thumb;
		klen = strlen(thumb);
	}
	app_actor(rt, r, &act);
	rc = store_credential_register(a->store, &act, user, ulen, key, klen,
	    jwt_alg_name(alg), pem, &cr);
	free(owned);
	if (rc == ST_CONFLICT) {
		reply_err(res, rt, r, ERR_CRED_EXISTS, "ERROR WHEN CREATING "
		    "CREDENTIAL FOR CONSUMER. KEY : %s, already exists.", key);
		return;
	}
	if (rc == ST_NOT_FOUND) {
		reply_err(res, rt, r, ERR_CRED_NO_CONSUMER, "ERROR WHEN "
		    "CREATING CREDENTIAL FOR CONSUMER. KEY : %s, CONSUMER "
		    "DOES NOT EXISTS.", key);
		return;
	}
	if (rc != ST_OK) {
		reply_store_err(res, rt, r, rc, "REGISTER CREDENTIAL");
		return;
	}
	/*
	 * A ready token for HMAC credentials; the others sign their own.
	 * secret_readback = no, or a consumer the portal made: the secret,
	 * and a token made with it, are shown when it is issued only.
	 */
	hidden = !cr.issued && (!a->cfg->secret_readback || cr.owned);
	if (jwt_alg_is_hmac(alg) && !hidden && (token = jwt_sign_hmac(alg,
	    "iss", cr.key, cr.secret, strlen(cr.secret), (long long)time(NULL),
	    0)) == NULL) {
		explicit_bzero(cr.secret, sizeof(cr.secret));
		reply_internal(res, rt, r, "REGISTER CREDENTIAL");
		return;
	}
	o = json_strings("key", cr.key, "secret", cr.secret, "token",
	    token != NULL ? token : "", (char *)NULL);
	explicit_bzero(cr.secret, sizeof(cr.secret));
	if (o != NULL && hidden && jwt_alg_is_hmac(alg)) {
		json_object_object_add(o, "secret", NULL);
		json_object_object_add(o, "token", NULL);
	}
	if (token != NULL)
		explicit_bzero(token, strlen(token));
	free(token);
	reply_ok(res, rt, r, o);
}

static void
credlist_row(void *arg, const struct credential_row *row)
{
	json_object	*arr = arg, *o;

	if ((o = json_object_new_object()) == NULL)
		return;
	json_object_object_add(o, "key", json_object_new_string(row->key));
	json_object_object_add(o, "algorithm",
	    json_object_new_string(row->algorithm));
	json_object_object_add(o, "created_at",
	    json_object_new_int64(row->created_ms));
	json_object_object_add(o, "revoked",
	    json_object_new_boolean(row->revoked));
	/* A public key as a JWK (RFC 7517), what verifiers' tools read. */
	if (row->public_key != NULL)
		json_object_object_add(o, "jwk", jwk_of_pem(row->public_key,
		    strlen(row->public_key), jwt_alg_parse(row->algorithm,
		    strlen(row->algorithm)), row->key));
	json_object_array_add(arr, o);
}

void
credential_list(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	json_object	*o, *arr;
	const char	*user;
	size_t		 ulen;
	enum store_rc	 rc;

	if (path_user(res, rt, r, &user, &ulen) == -1)
		return;
	if ((arr = json_object_new_array()) == NULL) {
		reply_internal(res, rt, r, "LIST CREDENTIALS");
		return;
	}
	rc = store_credential_list(a->store, r->pathv[0], r->pathlen[0],
	    credlist_row, arr);
	if (rc != ST_OK) {
		json_object_put(arr);
		if (rc == ST_NOT_FOUND)
			reply_err(res, rt, r, ERR_GROUP_FETCH,
			    "ERROR WHEN FETCHING GROUPS OF CONSUMER, USERNAME: "
			    "%s. CONSUMER DOES NOT EXISTS", r->pathv[0]);
		else
			reply_store_err(res, rt, r, rc, "LIST CREDENTIALS");
		return;
	}
	if ((o = json_object_new_object()) != NULL) {
		json_object_object_add(o, "username",
		    json_object_new_string_len(r->pathv[0],
		    (int)r->pathlen[0]));
		json_object_object_add(o, "credentials", arr);
	} else
		json_object_put(arr);
	reply_ok(res, rt, r, o);
}

/* The path's {username} and {key}, checked; 0, or -1 after replying. */
static int
path_user_key(struct response *res, const struct route *rt,
    struct request *r)
{
	const char	*msg, *user;
	size_t		 ulen;

	if (path_user(res, rt, r, &user, &ulen) == -1)
		return -1;
	if ((msg = validate_key_str(r->pathv[1], r->pathlen[1])) != NULL) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "%s", msg);
		return -1;
	}
	return 0;
}

static void
no_credential(struct response *res, const struct route *rt,
    struct request *r)
{
	reply_err(res, rt, r, ERR_CONSUMER_NOT_FOUND,
	    "CREDENTIAL DOES NOT EXIST, USERNAME: %s, KEY: %s", r->pathv[0],
	    r->pathv[1]);
}

void
credential_revoke(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	struct actor	 act;
	enum store_rc	 rc;

	if (path_user_key(res, rt, r) == -1)
		return;
	app_actor(rt, r, &act);
	rc = store_credential_revoke(a->store, &act, r->pathv[0],
	    r->pathlen[0], r->pathv[1], r->pathlen[1]);
	if (rc == ST_NOT_FOUND) {
		no_credential(res, rt, r);
		return;
	}
	if (rc != ST_OK) {
		reply_store_err(res, rt, r, rc, "REVOKE CREDENTIAL");
		return;
	}
	reply_ok(res, rt, r, json_strings("username", r->pathv[0], "key",
	    r->pathv[1], (char *)NULL));
}

void
credential_rotate(struct app *a, const struct route *rt, struct request *r,
    struct response *res)
{
	struct auth_record	 rec;
	struct credential	 cr;
	struct actor		 act;
	json_object		*o;
	const char		*pem;
	long long		 grace, until = 0;
	enum store_rc		 rc;
	enum jwt_alg		 alg;
	char			*token = NULL, *owned;
	char			 thumb[JWK_THUMB_LEN + 1];

	if (path_user_key(res, rt, r) == -1)
		return;
	if (req_count(r->req, "grace_seconds", 0, ROTATE_GRACE_MAX, &grace) ==
	    -1) {
		reply_err(res, rt, r, ERR_BAD_REQUEST, "GRACE_SECONDS MUST BE "
		    "AN INTEGER FROM 0 TO %d", ROTATE_GRACE_MAX);
		return;
	}
	/* The credential's algorithm says what the request must hold. */
	rc = store_auth_lookup(a->store, r->pathv[1], r->pathlen[1],
	    clock_wall_ms(), &rec);
	if (rc == ST_OK && strcmp(rec.username, r->pathv[0]) != 0)
		rc = ST_NOT_FOUND;
	alg = rc == ST_OK ? jwt_alg_parse(rec.algorithm,
	    strlen(rec.algorithm)) : JWT_ALG_INVALID;
	store_auth_record_free(&rec);
	if (rc == ST_NOT_FOUND) {
		no_credential(res, rt, r);
		return;
	}
	if (rc != ST_OK) {
		reply_store_err(res, rt, r, rc, "ROTATE CREDENTIAL");
		return;
	}
	if (request_public_key(res, rt, r, r->req, "", alg, &pem, &owned,
	    thumb) == -1)
		return;
	app_actor(rt, r, &act);
	rc = store_credential_rotate(a->store, &act, r->pathv[0],
	    r->pathlen[0], r->pathv[1], r->pathlen[1], grace, pem, &cr, &until);
	free(owned);
	if (rc == ST_NOT_FOUND || rc == ST_CONFLICT) {
		/* Revoked, deleted or changed since it was read. */
		no_credential(res, rt, r);
		return;
	}
	if (rc != ST_OK || (jwt_alg_is_hmac(alg) && (token = jwt_sign_hmac(alg,
	    "iss", cr.key, cr.secret, strlen(cr.secret), (long long)time(NULL),
	    0)) == NULL)) {
		explicit_bzero(cr.secret, sizeof(cr.secret));
		reply_store_err(res, rt, r, rc != ST_OK ? rc : ST_ERR,
		    "ROTATE CREDENTIAL");
		return;
	}
	o = json_strings("username", r->pathv[0], "key", cr.key, "secret",
	    cr.secret, "token", token != NULL ? token : "", (char *)NULL);
	explicit_bzero(cr.secret, sizeof(cr.secret));
	if (token != NULL)
		explicit_bzero(token, strlen(token));
	free(token);
	if (o != NULL)
		json_object_object_add(o, "grace_until",
		    json_object_new_int64(until));
	reply_ok(res, rt, r, o);
}
