/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * What setting a consumer to a wanted state changes (state_changes()),
 * computed from what the transaction read, without a database: state.c
 * makes the changes, tests/unit/test_state.c checks them.
 */
#include "build.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/validate.h"
#include "store/state.h"

static void
add_change(json_object *changes, const char *op, ...)
{
	json_object	*o;
	const char	*name;
	va_list		 ap;

	if ((o = json_object_new_object()) == NULL)
		return;
	json_object_object_add(o, "op", json_object_new_string(op));
	va_start(ap, op);
	while ((name = va_arg(ap, const char *)) != NULL)
		json_object_object_add(o, name, va_arg(ap, json_object *));
	va_end(ap);
	json_object_array_add(changes, o);
}

static json_object *
str_len(const char *s, size_t len)
{
	return json_object_new_string_len(s, (int)len);
}

static int
same_groups(const struct strlist *a, const struct strlist *b)
{
	size_t	 i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->len[i] != b->len[i] || memcmp(a->v[i], b->v[i],
		    a->len[i]) != 0)
			return 0;
	return 1;
}

const struct state_have *
state_have_key(const struct state_now *now, const char *key, size_t klen)
{
	size_t	 i;

	for (i = 0; i < now->ncreds; i++)
		if (strlen(now->creds[i].key) == klen &&
		    memcmp(now->creds[i].key, key, klen) == 0)
			return &now->creds[i];
	return NULL;
}

static int
wanted(const struct state_want *want, const char *key)
{
	size_t	 i, len = strlen(key);

	for (i = 0; i < want->ncreds; i++)
		if (want->creds[i].klen == len &&
		    memcmp(want->creds[i].key, key, len) == 0)
			return 1;
	return 0;
}

enum state_refusal
state_changes(const struct state_want *want, const struct state_now *now,
    json_object *changes, char *why, size_t whysz)
{
	static const struct strlist	 none = { 0 };
	static const uint64_t		 nolimits[RL_NWINDOWS] = { 0 };
	const struct state_cred		*c;
	const struct state_have		*h;
	const struct strlist		*groups = &none;
	const uint64_t			*limits = nolimits;
	size_t				 i;

	why[0] = '\0';
	if (now->id >= 0 && (!now->tagged ||
	    strcmp(now->managed_by, want->managed_by) != 0)) {
		if (!want->adopt) {
			snprintf(why, whysz, "CONSUMER %.*s IS MANAGED BY %s, "
			    "NOT %s: SEND adopt TO TAKE IT OVER",
			    (int)want->ulen, want->user, now->tagged ?
			    now->managed_by : "NO FILE (unmanaged)",
			    want->managed_by);
			return SR_NOT_MANAGED;
		}
		if (!want->absent)
			add_change(changes, "adopt", "managed_by_before",
			    now->tagged ? json_object_new_string(
			    now->managed_by) : NULL, "managed_by",
			    json_object_new_string(want->managed_by),
			    (char *)NULL);
	}
	if (want->absent) {
		if (now->id >= 0)
			add_change(changes, "delete", (char *)NULL);
		return SR_NONE;
	}
	for (i = 0; i < want->ncreds; i++) {
		c = &want->creds[i];
		if ((h = state_have_key(now, c->key, c->klen)) == NULL) {
			if (now->taken != NULL && now->taken[i] !=
			    STATE_KEY_FREE) {
				snprintf(why, whysz, "CREDENTIAL %.*s: %s",
				    (int)c->klen, c->key, now->taken[i] ==
				    STATE_KEY_REVOKED ? "THE KEY WAS REVOKED "
				    "AND IS NOT USED AGAIN" : "THE KEY BELONGS "
				    "TO ANOTHER CONSUMER");
				return SR_KEY_TAKEN;
			}
			continue;
		}
		if (h->bad) {
			snprintf(why, whysz, "CREDENTIAL %.*s: ITS STORED "
			    "SECRET OR KEY CANNOT BE READ", (int)c->klen,
			    c->key);
			return SR_UNREADABLE;
		}
		if (strcmp(h->algorithm, c->algorithm) != 0) {
			snprintf(why, whysz, "CREDENTIAL %.*s: ITS ALGORITHM "
			    "IS %s, NOT %s: AN ALGORITHM IS NOT CHANGED, USE "
			    "A NEW KEY", (int)c->klen, c->key, h->algorithm,
			    c->algorithm);
			return SR_ALGORITHM;
		}
	}
	if (now->id < 0)
		add_change(changes, "create", "managed_by",
		    json_object_new_string(want->managed_by), (char *)NULL);
	else {
		groups = &now->groups;
		limits = now->limits;
	}
	if (!same_groups(groups, &want->groups))
		add_change(changes, "groups", "before", strlist_json(groups),
		    "after", strlist_json(&want->groups), (char *)NULL);
	if (memcmp(limits, want->limits, sizeof(nolimits)) != 0)
		add_change(changes, "limits", "before",
		    validate_limits_json(limits), "after",
		    validate_limits_json(want->limits), (char *)NULL);
	for (i = 0; i < want->ncreds; i++) {
		c = &want->creds[i];
		if ((h = state_have_key(now, c->key, c->klen)) == NULL)
			add_change(changes, "credential.add", "key",
			    str_len(c->key, c->klen), "algorithm",
			    json_object_new_string(c->algorithm),
			    "secret", json_object_new_string(!c->hmac ?
			    "none" : c->secret != NULL ? "given" : "made"),
			    (char *)NULL);
		else if (c->hmac && c->secret != NULL &&
		    (strlen(h->secret) != c->slen ||
		    memcmp(h->secret, c->secret, c->slen) != 0))
			add_change(changes, "credential.secret", "key",
			    str_len(c->key, c->klen), (char *)NULL);
		else if (!c->hmac && c->thumb != NULL &&
		    strcmp(h->thumb, c->thumb) != 0)
			add_change(changes, "credential.public_key", "key",
			    str_len(c->key, c->klen), (char *)NULL);
	}
	for (i = 0; i < now->ncreds; i++)
		if (!wanted(want, now->creds[i].key))
			add_change(changes, "credential.revoke", "key",
			    json_object_new_string(now->creds[i].key),
			    (char *)NULL);
	return SR_NONE;
}

