/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/log.h"
#include "core/strlist.h"
#include "core/validate.h"
#include "crypto/jwt.h"
#include "crypto/seal.h"
#include "crypto/secret.h"
#include "operator.h"
#include "store/consumer.h"
#include "store/credential.h"
#include "store/migrate.h"
#include "store/secrets.h"
#include "store/store.h"

#define ID(x)	 "ekstep.api.am.adminutil." x

/* The store, and the actor "local" of the command action. */
static struct store *
local(const struct config *cfg, const char *action, struct actor *act,
    char uuid[SECRET_UUID_LEN + 1])
{
	struct store	*s;

	memset(act, 0, sizeof(*act));
	act->kind = "local";
	act->action = action;
	secret_uuid4(uuid);
	act->resmsgid = uuid;
	if ((s = store_new(cfg)) == NULL)
		log_error("out of memory");
	return s;
}

int
operator_seal(const struct config *cfg, int all)
{
	struct store	*s;
	struct actor	 act;
	char		 uuid[SECRET_UUID_LEN + 1];
	long long	 n = 0;
	enum store_rc	 rc;

	if (!seal_active()) {
		if (all)
			log_error("--reseal: seal_key_file is not set");
		return all ? 1 : 0;
	}
	if ((s = local(cfg, all ? ID("seal.reseal") : ID("seal.migrate"),
	    &act, uuid)) == NULL)
		return 1;
	rc = store_seal_rows(s, &act, all, &n);
	store_free(s);
	if (rc != ST_OK) {
		log_error("sealing stopped after %lld secrets", n);
		return 1;
	}
	log_info("%lld secrets sealed under key %s", n, seal_first());
	return 0;
}

int
operator_bootstrap(const struct config *cfg, const char *user)
{
	struct store		*s;
	struct actor		 act;
	struct credential	 cr;
	char			 uuid[SECRET_UUID_LEN + 1], group[256];
	const char		*msg, *g, *list = cfg->admin_groups;
	size_t			 glen;
	enum store_rc		 rc;

	if ((msg = validate_new_username_str(user, strlen(user))) != NULL) {
		log_error("--bootstrap-admin: %s", msg);
		return 1;
	}
	if ((g = words_next(&list, &glen)) == NULL || glen >= sizeof(group)) {
		log_error("--bootstrap-admin: admin_groups names no group");
		return 1;
	}
	memcpy(group, g, glen);
	group[glen] = '\0';
	if (validate_group_str(group, glen) != NULL) {
		log_error("--bootstrap-admin: admin_groups: \"%s\" is not a "
		    "group name", group);
		return 1;
	}
	if ((s = local(cfg, ID("admin.bootstrap"), &act, uuid)) == NULL)
		return 1;
	rc = store_consumer_create(s, &act, user, strlen(user), group, &cr);
	store_free(s);
	if (rc != ST_OK) {
		log_error("--bootstrap-admin: the database refused (see above)");
		return 1;
	}
	printf("username=%s\nkey=%s\nsecret=%s\n", user, cr.key,
	    cr.issued || cfg->secret_readback ? cr.secret : "");
	explicit_bzero(&cr, sizeof(cr));
	return fflush(stdout) == 0 ? 0 : 1;
}

int
operator_mint(const struct config *cfg, const char *key, long long ttl)
{
	struct store		*s;
	struct auth_record	 rec;
	enum store_rc		 rc;
	enum jwt_alg		 alg;
	long long		 now = (long long)time(NULL);
	long long		 max = MINT_TTL_MAX;
	char			*tok;

	/* 366 days always; max_token_lifetime, when set, may say less. */
	if (cfg->max_token_lifetime > 0 && cfg->max_token_lifetime < max)
		max = cfg->max_token_lifetime;
	if (ttl < 1 || ttl > max) {
		log_error("--ttl: from 1 to %lld seconds%s", max, max <
		    MINT_TTL_MAX ? " (max_token_lifetime)" : " (366 days)");
		return 1;
	}
	if ((s = store_new(cfg)) == NULL)
		return 1;
	rc = store_auth_lookup(s, key, strlen(key), now * 1000, &rec);
	store_free(s);
	if (rc == ST_NOT_FOUND) {
		log_error("--mint-token: no active credential has that key");
		return 1;
	}
	if (rc != ST_OK) {
		log_error("--mint-token: the database did not answer");
		return 1;
	}
	alg = jwt_alg_parse(rec.algorithm, strlen(rec.algorithm));
	if (!jwt_alg_is_hmac(alg) || rec.secret[0] == '\0') {
		log_error("--mint-token: a %s credential: its holder signs "
		    "with the private key", rec.algorithm);
		store_auth_record_free(&rec);
		return 1;
	}
	tok = jwt_sign_hmac(alg, cfg->key_claim, key, rec.secret,
	    strlen(rec.secret), now, now + ttl);
	store_auth_record_free(&rec);
	if (tok == NULL) {
		log_error("--mint-token: out of memory");
		return 1;
	}
	printf("%s\n", tok);
	explicit_bzero(tok, strlen(tok));
	free(tok);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
operator_check_db(const struct config *cfg)
{
	struct store		*s;
	struct seal_verdict	 v;
	int			 version, newest, rc;
	enum store_rc		 src;

	if (migrate_check(cfg, &version, &newest) == -1) {
		log_error("--db: the schema is not this adminutil's");
		return 1;
	}
	if ((s = store_new(cfg)) == NULL) {
		log_error("--db: out of memory");
		return 1;
	}
	src = store_seal_verify(s, &v);
	store_free(s);
	if (src != ST_OK) {
		log_error("--db: cannot read the credentials (the database "
		    "said why above)");
		return 1;
	}
	rc = 0;
	if (v.bad > 0) {
		log_error("--db: %lld of %lld credentials have a secret "
		    "that seal_key_file cannot open, the first of key %s",
		    v.bad, v.rows, v.bad_key);
		rc = 1;
	}
	if (v.plain > 0 && seal_active())
		log_warn("--db: %lld credentials keep their secret in "
		    "plaintext: adminutil --migrate seals them", v.plain);
	if (rc == 0)
		printf("database ok: schema version %d, %lld secrets open\n",
		    version, v.rows - v.plain);
	return rc;
}
