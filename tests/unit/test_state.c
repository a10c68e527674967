/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * A consumer's changes (store/state.c, state_changes()), computed
 * without a database: nothing when what is wanted is what there is
 * (groups in order, limits, a secret, a public key's thumbprint), each
 * difference its own change in the order they are made, and the
 * refusals (another tag, a key of another consumer or revoked, an
 * algorithm changed) before any change.  A change never holds a secret.
 */
#include "build.h"

#include <string.h>

#include "store/state.h"
#include "unit.h"

#define SECRET	 "s3cret-of-the-partner-0123456789"

static struct state_cred	 want_creds[3];
static struct state_have	 have_creds[3];
static unsigned char		 taken[3];

/* Wanted: tag T, groups a, b; one HS256 credential k1, no secret given. */
static void
setup(struct state_want *w, struct state_now *n)
{
	memset(w, 0, sizeof(*w));
	memset(n, 0, sizeof(*n));
	memset(want_creds, 0, sizeof(want_creds));
	memset(have_creds, 0, sizeof(have_creds));
	memset(taken, 0, sizeof(taken));
	w->user = "partner";
	w->ulen = 7;
	w->managed_by = "T";
	strlist_add(&w->groups, "a", 1);
	strlist_add(&w->groups, "b", 1);
	want_creds[0].key = "k1";
	want_creds[0].klen = 2;
	want_creds[0].algorithm = "HS256";
	want_creds[0].hmac = 1;
	w->creds = want_creds;
	w->ncreds = 1;
	/* There as wanted. */
	n->id = 7;
	n->tagged = 1;
	strcpy(n->managed_by, "T");
	strlist_add(&n->groups, "a", 1);
	strlist_add(&n->groups, "b", 1);
	have_creds[0].id = 70;
	strcpy(have_creds[0].key, "k1");
	strcpy(have_creds[0].algorithm, "HS256");
	strcpy(have_creds[0].secret, SECRET);
	n->creds = have_creds;
	n->ncreds = 1;
	n->taken = taken;
}

static void
teardown(struct state_want *w, struct state_now *n)
{
	strlist_free(&w->groups);
	strlist_free(&n->groups);
}

/* The changes' ops joined by spaces, the refusal in *r. */
static const char *
ops(struct state_want *w, struct state_now *n, enum state_refusal *r,
    char *why, size_t whysz)
{
	static char	 buf[512];
	json_object	*changes = json_object_new_array(), *o, *op;
	size_t		 i;

	buf[0] = '\0';
	*r = state_changes(w, n, changes, why, whysz);
	for (i = 0; i < json_object_array_length(changes); i++) {
		o = json_object_array_get_idx(changes, i);
		json_object_object_get_ex(o, "op", &op);
		if (i > 0)
			strcat(buf, " ");
		strncat(buf, json_object_get_string(op),
		    sizeof(buf) - strlen(buf) - 1);
	}
	/* No change tells a secret. */
	UNIT_CHECK(strstr(json_object_to_json_string(changes), SECRET) ==
	    NULL && strstr(json_object_to_json_string(changes), "given-one")
	    == NULL, "a change holds a secret: %s",
	    json_object_to_json_string(changes));
	json_object_put(changes);
	return buf;
}

static void
test_same(void)
{
	struct state_want	 w;
	struct state_now	 n;
	enum state_refusal	 r;
	char			 why[256];

	setup(&w, &n);
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "", "as it is");
	CU_ASSERT_EQUAL(r, SR_NONE);
	/* The secret it has, given: still nothing. */
	want_creds[0].secret = SECRET;
	want_creds[0].slen = strlen(SECRET);
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "", "its own secret");
	/* A public key: the same thumbprint, whatever its PEM. */
	strcpy(have_creds[0].algorithm, "RS256");
	strcpy(have_creds[0].thumb, "abc");
	want_creds[0].algorithm = "RS256";
	want_creds[0].hmac = 0;
	want_creds[0].secret = NULL;
	want_creds[0].thumb = "abc";
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "", "the same key");
	want_creds[0].thumb = "abd";
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "credential.public_key",
	    "another key");
	teardown(&w, &n);
}

static void
test_each(void)
{
	struct state_want	 w;
	struct state_now	 n;
	enum state_refusal	 r;
	char			 why[256];

	setup(&w, &n);
	/* Order is part of the state. */
	strlist_free(&w.groups);
	strlist_add(&w.groups, "b", 1);
	strlist_add(&w.groups, "a", 1);
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "groups", "reordered");
	strlist_free(&w.groups);
	strlist_add(&w.groups, "a", 1);
	strlist_add(&w.groups, "b", 1);
	w.limits[RL_HOUR] = 5000;
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "limits", "a limit");
	w.limits[RL_HOUR] = 0;
	want_creds[0].secret = "given-one";
	want_creds[0].slen = 9;
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "credential.secret",
	    "another secret");
	/* A new key after, one it has and is not wanted revoked last. */
	want_creds[0].secret = NULL;
	want_creds[0].key = "k2";
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)),
	    "credential.add credential.revoke", "k1 for k2");
	/* None there: made, with all it wants. */
	n.id = -1;
	n.ncreds = 0;
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)),
	    "create groups credential.add", "a new one");
	/* Absent: deleted; absent and not there: nothing. */
	w.absent = 1;
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "", "absent, none");
	n.id = 7;
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "delete", "absent");
	teardown(&w, &n);
}

static void
test_refused(void)
{
	struct state_want	 w;
	struct state_now	 n;
	enum state_refusal	 r;
	char			 why[256];

	setup(&w, &n);
	strcpy(n.managed_by, "other");
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "", "another tag");
	CU_ASSERT_EQUAL(r, SR_NOT_MANAGED);
	UNIT_CHECK(strstr(why, "MANAGED BY other,") != NULL, "why: %s", why);
	n.tagged = 0;
	n.managed_by[0] = '\0';
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "", "no tag");
	CU_ASSERT_EQUAL(r, SR_NOT_MANAGED);
	UNIT_CHECK(strstr(why, "unmanaged") != NULL, "why: %s", why);
	w.adopt = 1;
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "adopt", "adopted");
	CU_ASSERT_EQUAL(r, SR_NONE);
	/* Deleting another's needs adopt too. */
	w.adopt = 0;
	w.absent = 1;
	ops(&w, &n, &r, why, sizeof(why));
	CU_ASSERT_EQUAL(r, SR_NOT_MANAGED);
	w.absent = 0;
	n.tagged = 1;
	strcpy(n.managed_by, "T");
	/* A key of another consumer, or revoked: refused before any change. */
	strlist_free(&w.groups);
	want_creds[0].key = "k9";
	taken[0] = STATE_KEY_OTHERS;
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "", "another's key");
	CU_ASSERT_EQUAL(r, SR_KEY_TAKEN);
	UNIT_CHECK(strstr(why, "k9") != NULL && strstr(why, "ANOTHER") !=
	    NULL, "why: %s", why);
	taken[0] = STATE_KEY_REVOKED;
	ops(&w, &n, &r, why, sizeof(why));
	CU_ASSERT_EQUAL(r, SR_KEY_TAKEN);
	UNIT_CHECK(strstr(why, "REVOKED") != NULL, "why: %s", why);
	/* An algorithm changed. */
	taken[0] = STATE_KEY_FREE;
	want_creds[0].key = "k1";
	want_creds[0].algorithm = "HS512";
	UNIT_STREQ(ops(&w, &n, &r, why, sizeof(why)), "", "HS256 to HS512");
	CU_ASSERT_EQUAL(r, SR_ALGORITHM);
	/* A stored secret that does not open is no ground to compare. */
	want_creds[0].algorithm = "HS256";
	have_creds[0].bad = 1;
	ops(&w, &n, &r, why, sizeof(why));
	CU_ASSERT_EQUAL(r, SR_UNREADABLE);
	teardown(&w, &n);
}

static const CU_TestInfo tests[] = {
	{ "as it is: no change", test_same },
	{ "each difference, its change, in order", test_each },
	{ "refusals come before any change", test_refused },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("state", tests, NULL, NULL);
}
