/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of who may reach and keep what through the portal:
 * no forged sign-in, no admin plane, no other site; each security
 * header once; an approval taken back and an admin's change stay so;
 * the caps on credentials (see portal.c).
 */
#include "build.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "e2e.h"
#include "portal.h"

/* "developer3" and the others are the harness's (lib-e2e.sh). */
#define DEV_TAKEN	 "developer3"	/* approvals taken back */
#define DEV_CAPPED	 "developer4"	/* the caps, one at a time */
#define DEV_FLOOD	 "developer5"	/* the caps, all at once */

/*
 * Who the portal is: no client header signs anyone in, nobody reaches
 * the portal without signing in, nobody reaches the admin plane through
 * it, and a page of another site gets nothing.
 */
void
test_portal_identity(void)
{
	struct resp	 r;
	char		 u[NAMESZ], req[NAMESZ + 64], *body;

	if (ready() == -1)
		return;
	body = envelope("", NULL);
	/* The admin server with the headers a client could forge. */
	as_user(&r, url, NULL, "/v1/portal/groups", body,
	    GROUPS("Adminutil-Portal-User: developer",
	    "X-Remote-User: developer", "Remote-User: developer",
	    "X-Forwarded-User: developer"));
	refused("a client's header signs in", &r, 401, "UNAUTHORIZED");
	resp_free(&r);
	as_user(&r, portal_url, NULL, "/v1/portal/groups", body, NULL);
	refused("the portal without signing in", &r, 401, NULL);
	resp_free(&r);
	free(body);
	/* The admin plane is not there, whatever the path says. */
	snprintf(req, sizeof(req), "{\"username\":\"%s\"}",
	    fresh(u, sizeof(u), "viaportal"));
	body = envelope("", req);
	as_user(&r, portal_url, "developer", "/v1/consumer/create", body,
	    NULL);
	CHECK(r.status == 404 || r.status == 405, "the admin plane through "
	    "the portal: HTTP %ld", r.status);
	resp_free(&r);
	as_user(&r, portal_url, "developer", "/v1/portal/../consumer/create",
	    body, NULL);
	CHECK(r.status != 200, "a dot segment to the admin plane: 200");
	resp_free(&r);
	as_user(&r, portal_url, "developer",
	    "/v1/portal/%2e%2e/consumer/create", body, NULL);
	CHECK(r.status != 200, "an encoded dot segment to the admin plane: "
	    "200");
	resp_free(&r);
	CHECK(rows("consumers", u) == 0, "a consumer was made through the "
	    "portal");
	free(body);
	/* Pages of another site. */
	refused_foreign("groups", "/v1/portal/groups");
	/* Approvers also come through the admin plane, with a token. */
	post(&r, "/v1/access/list", "{}");
	ok("approvals through the admin plane", &r, ID("access.list"));
	resp_free(&r);
}

/* security headers */

/* How many header lines of r are name (case-insensitive). */
static int
header_count(const struct resp *r, const char *name)
{
	const char	*p = r->head.p, *end, *nl;
	size_t		 n = strlen(name);
	int		 k = 0;

	if (p == NULL)
		return 0;
	end = p + r->head.len;
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if ((size_t)(nl - p) > n && strncasecmp(p, name, n) == 0 &&
		    p[n] == ':')
			k++;
	}
	return k;
}

/* GET path of the portal as u (NULL: nobody signed in). */
static void
portal_get(struct resp *r, const char *u, const char *path)
{
	struct xfer	 x;
	char		 pw[128], up[512];

	if (xfer_init(&x, r, portal_url, "GET", path, NULL, 0) == -1) {
		xfer_done(&x, CURLE_FAILED_INIT);
		return;
	}
	if (u != NULL && password_of(u, pw, sizeof(pw)) == 0) {
		snprintf(up, sizeof(up), "%s:%s", u, pw);
		curl_easy_setopt(x.h, CURLOPT_USERPWD, up);
		explicit_bzero(pw, sizeof(pw));
	}
	xfer_done(&x, curl_easy_perform(x.h));
	explicit_bzero(up, sizeof(up));
	CHECK(r->error == NULL, "GET %s: %s", path, str(r->error));
}

/* Each of names is a header of r exactly once. */
static void
once_each(const char *what, const struct resp *r, const char *const *names)
{
	size_t	 i;
	int	 k;

	CHECK(r->status != 0, "%s: no answer", what);
	for (i = 0; names[i] != NULL; i++) {
		k = header_count(r, names[i]);
		CHECK(k == 1, "%s (HTTP %ld): %s %d times", what, r->status,
		    names[i], k);
	}
}

/*
 * Each security header once: on the admin plane adminutil's own two
 * (answer and error), whatever the web server; on the portal's server,
 * where there is one (nginx), its five on a page, the icon, a route's
 * answer, adminutil's refusal and nginx's own 401 and 404.
 */
void
test_headers_once(void)
{
	static const char *const admin[] = { "X-Content-Type-Options",
	    "Cache-Control", NULL };
	static const char *const ptl[] = { "Content-Security-Policy",
	    "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
	    "Cache-Control", NULL };
	struct resp	 r;
	char		*body;

	post(&r, "/v1/consumer/list", "{}");
	once_each("an admin answer", &r, admin);
	resp_free(&r);
	post(&r, "/v1/consumer/no-such-consumer-x/read", "{}");
	once_each("an admin error", &r, admin);
	resp_free(&r);
	if (portal_url == NULL)
		return;		/* lighttpd serves no portal */
	portal_get(&r, "developer", "/");
	CHECK(r.status == 200, "the portal's page: HTTP %ld", r.status);
	once_each("the portal's page", &r, ptl);
	resp_free(&r);
	portal_get(&r, NULL, "/favicon.ico");
	CHECK(r.status == 200 && r.ctype != NULL &&
	    streq(r.ctype, "image/x-icon") && r.body.len > 0, "the icon: "
	    "HTTP %ld %s", r.status, str(r.ctype));
	once_each("the icon", &r, ptl);
	resp_free(&r);
	portal_get(&r, "developer", "/no-such-page.html");
	once_each("the portal's 404", &r, ptl);
	resp_free(&r);
	body = envelope("", NULL);
	as_user(&r, portal_url, "developer", "/v1/portal/me", body, NULL);
	once_each("a portal route's answer", &r, ptl);
	resp_free(&r);
	as_user(&r, portal_url, "developer", "/v1/portal/me", body,
	    GROUPS("Origin: http://evil.example"));
	once_each("adminutil's refusal on the portal", &r, ptl);
	resp_free(&r);
	as_user(&r, portal_url, NULL, "/v1/portal/me", body, NULL);
	once_each("nginx's 401 on the portal", &r, ptl);
	resp_free(&r);
	free(body);
}

/* A request of u for groups, approved by the approver; its id or -1. */
static long long
approved(const char *u, const char *groups)
{
	struct resp	 r;
	long long	 id;

	if ((id = request_access(u, groups, "")) < 0)
		return -1;
	decide(&r, "approver", id, "approve", NULL);
	if (ok("approve", &r, ID("access.approve")) == NULL)
		id = -1;
	resp_free(&r);
	return id;
}

/*
 * u generates credentials for consumer user: the answer in r, key and
 * secret (HEX32 + 1 bytes each, may be NULL) filled on a 200.
 */
static void
generate(struct resp *r, const char *u, const char *user, char *key,
    char *secret)
{
	char	 req[NAMESZ + 64];

	snprintf(req, sizeof(req), "{\"username\":\"%s\"}", user);
	portal(r, u, "/v1/portal/credential/generate", req);
	if (r->status != 200)
		return;
	if (key != NULL)
		snprintf(key, HEX32 + 1, "%s", str(jstr(r->json, "result.key")));
	if (secret != NULL)
		snprintf(secret, HEX32 + 1, "%s", str(jstr(r->json,
		    "result.secret")));
}

/* The groups of consumer user, comma-joined, as an admin reads them. */
static void
groups_now(const char *user, char *out, size_t sz)
{
	struct resp	 r;
	json_object	*arr;
	size_t		 i;

	out[0] = '\0';
	call(&r, RT_READ, user, NULL);
	arr = jget(r.json, "result.groups");
	for (i = 0; arr != NULL && i < json_object_array_length(arr); i++)
		snprintf(out + strlen(out), sz - strlen(out), "%s%s",
		    i > 0 ? "," : "", json_object_get_string(
		    json_object_array_get_idx(arr, i)));
	resp_free(&r);
}

/* The groups of user are want (comma-joined) now. */
static void
groups_are(const char *what, const char *user, const char *want)
{
	char	 g[1024];

	groups_now(user, g, sizeof(g));
	CHECK(streq(g, want), "%s: %s has groups \"%s\", want \"%s\"", what,
	    user, g, want);
}

/*
 * An approval taken back takes its groups from the developer's
 * consumers at once, and generate does not give them back; an admin's
 * revoke, grant or delete of a consumer the portal made withdraws its
 * groups from the developer until an approver approves them again; the
 * audit trail shows both; a portal-made secret is never read back.
 * (Before: generate gave back whatever an admin had taken, and an
 * approval could not be taken back.)
 */
void
test_portal_taken_back(void)
{
	struct resp	 r;
	json_object	*res;
	char		 u1[NAMESZ], u2[NAMESZ], u3[NAMESZ], req[NAMESZ + 128];
	char		 key[HEX32 + 1], secret[HEX32 + 1], path[128];
	long long	 id, id2;
	long		 ttl = 2000, st;

	if (ready() == -1)
		return;
	fresh(u1, sizeof(u1), "taken1");
	fresh(u2, sizeof(u2), "taken2");
	fresh(u3, sizeof(u3), "taken3");
	if (!CHECK(conf_get("cache_ttl", path, sizeof(path)) == 0, "no "
	    "cache_ttl") || (id = approved(DEV_TAKEN, "[\"contentAdmin\",\""
	    OTHER_GROUP "\"]")) < 0)
		return;
	ttl = strtol(path, NULL, 10) * 1000;
	generate(&r, DEV_TAKEN, u1, key, secret);
	ok("generate", &r, ID("portal.credential.generate"));
	resp_free(&r);
	groups_are("generated", u1, "contentAdmin," OTHER_GROUP);
	CHECK(gw_status(key, secret) == 200, "the generated credential does "
	    "not pass");

	/* A portal-made secret is not read back by an admin. */
	snprintf(req, sizeof(req), "{\"username\":\"%s\"}", u1);
	call(&r, RT_CREATE, NULL, req);
	if ((res = expect_ok("create of a portal-made name", &r, RT_CREATE)) !=
	    NULL)
		CHECK(jisnull(res, "secret") && streq(jstr(res, "key"), key) &&
		    strstr(r.body.p, secret) == NULL, "create of a portal-made "
		    "name: its secret read back");
	resp_free(&r);
	snprintf(req, sizeof(req), "{\"key\":\"%s\"}", key);
	api(&r, url, RT_CRED_REGISTER, u1, NULL, req);
	if ((res = expect_ok("register of a portal-made key", &r,
	    RT_CRED_REGISTER)) != NULL)
		CHECK(jisnull(res, "secret") && jisnull(res, "token") &&
		    strstr(r.body.p, secret) == NULL, "register of a "
		    "portal-made key: its secret or a token read back");
	resp_free(&r);
	/* create added the default group: an admin's change, kept. */
	groups_are("after create", u1, "contentAdmin," OTHER_GROUP
	    ",contentUser");

	/* The approval taken back: its groups leave at once. */
	snprintf(path, sizeof(path), "/v1/access/%lld/revoke", id);
	portal(&r, "approver", path, "{}");
	refused("revoke without a reason", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	portal(&r, DEV_TAKEN, path, "{\"reason\":\"mine\"}");
	refused("a developer revokes an approval", &r, 403, "FORBIDDEN");
	resp_free(&r);
	portal(&r, "approver", path, "{\"reason\":\"contract ended\"}");
	if ((res = ok("revoke an approval", &r, ID("access.revoke"))) != NULL)
		CHECK(streq(jstr(res, "request.state"), "revoked") &&
		    streq(jstr(res, "request.revoked_by"), "approver") &&
		    streq(jstr(res, "request.decided_by"), "approver") &&
		    streq(jstr(res, "request.reason"), "contract ended"),
		    "revoke: not revoked by the approver with its reason");
	resp_free(&r);
	groups_are("the approval revoked", u1, "contentUser");
	portal(&r, "approver", path, "{\"reason\":\"twice\"}");
	refused("revoked twice", &r, 409, "REQUEST_DECIDED");
	resp_free(&r);
	decide(&r, "approver", id, "approve", NULL);
	refused("approved after its revocation", &r, 409, "REQUEST_DECIDED");
	resp_free(&r);
	CHECK(sql_num("SELECT COUNT(*) FROM notifications WHERE recipient = "
	    "'%s' AND INSTR(message, 'was revoked: contract ended') > 0",
	    DEV_TAKEN) == 1 && sql_num("SELECT COUNT(*) FROM outbox WHERE "
	    "rcpt = '%s@example.test' AND INSTR(subject, 'revoked') > 0",
	    DEV_TAKEN) == 1, "the developer is not told of the revocation "
	    "in the portal and by mail");
	CHECK(sql_num("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND "
	    "JSON_VALUE(`change`, '$.request') = %lld AND "
	    "JSON_VALUE(`change`, '$.state_after') = 'revoked' AND "
	    "JSON_VALUE(`change`, '$.taken.consumers[0]') = '%s' AND "
	    "JSON_LENGTH(`change`, '$.taken.groups') = 2", ID("access.revoke"),
	    id, u1) == 1 && sql_num("SELECT COUNT(*) FROM audit_log WHERE "
	    "action = '%s' AND JSON_VALUE(`change`, '$.request') = %lld",
	    ID("access.approve"), id) == 1, "the audit trail does not show "
	    "the approval and its revocation with what it took");
	generate(&r, DEV_TAKEN, u1, NULL, NULL);
	refused("generate after the approval was revoked", &r, 403,
	    "FORBIDDEN");
	resp_free(&r);
	groups_are("generate refused", u1, "contentUser");
	sleep_ms(ttl + 500);
	st = gw_status(key, secret);
	CHECK(st == 403, "the approval revoked, the credential's token: HTTP "
	    "%ld after cache_ttl, want 403", st);

	/* An admin's revoke of a portal-made consumer withdraws the group. */
	if ((id2 = approved(DEV_TAKEN, "[\"contentAdmin\"]")) < 0)
		return;
	generate(&r, DEV_TAKEN, u1, key, secret);
	ok("generate, approved again", &r, ID("portal.credential.generate"));
	resp_free(&r);
	groups_are("approved again", u1, "contentUser,contentAdmin");
	expect_groups("an admin revokes contentAdmin", RT_REVOKE, u1,
	    "{\"groups\":[\"contentAdmin\"]}", GROUPS("contentUser"));
	CHECK(sql_num("SELECT COUNT(*) FROM audit_log WHERE action = '%s' AND "
	    "consumer = '%s' AND JSON_VALUE(`change`, '$.withdrawn.owner') = "
	    "'%s' AND JSON_VALUE(`change`, '$.withdrawn.groups[0]') = "
	    "'contentAdmin'", ID("consumer.revoke"), u1, DEV_TAKEN) == 1,
	    "the admin's revoke does not say what it withdrew");
	generate(&r, DEV_TAKEN, u1, NULL, NULL);
	refused("generate after an admin's revoke", &r, 403, "FORBIDDEN");
	resp_free(&r);
	generate(&r, DEV_TAKEN, u2, NULL, NULL);
	refused("generate of another consumer after an admin's revoke", &r,
	    403, "FORBIDDEN");
	resp_free(&r);
	groups_are("generate refused after the admin's revoke", u1,
	    "contentUser");

	/* Approved again: given again; then an admin's delete withdraws. */
	if (approved(DEV_TAKEN, "[\"contentAdmin\"]") < 0)
		return;
	generate(&r, DEV_TAKEN, u2, key, secret);
	ok("generate after a new approval", &r,
	    ID("portal.credential.generate"));
	resp_free(&r);
	groups_are("a new approval", u2, "contentAdmin");
	call(&r, RT_DELETE, u2, NULL);
	expect_ok("an admin deletes a portal-made consumer", &r, RT_DELETE);
	resp_free(&r);
	generate(&r, DEV_TAKEN, u2, NULL, NULL);
	refused("generate of the deleted consumer's name", &r, 403,
	    "FORBIDDEN");
	resp_free(&r);
	CHECK(rows("consumers", u2) == 0, "the deleted consumer is back");

	/* An admin's grant without a group withdraws it; the rest stays. */
	if (approved(DEV_TAKEN, "[\"contentAdmin\",\"" OTHER_GROUP "\"]") <
	    0)
		return;
	generate(&r, DEV_TAKEN, u3, NULL, NULL);
	ok("generate of two groups", &r, ID("portal.credential.generate"));
	resp_free(&r);
	expect_groups("an admin grants " OTHER_GROUP " only", RT_GRANT, u3,
	    "{\"groups\":[\"" OTHER_GROUP "\"]}", GROUPS(OTHER_GROUP));
	generate(&r, DEV_TAKEN, u3, NULL, NULL);
	if ((res = ok("generate after the admin's grant", &r,
	    ID("portal.credential.generate"))) != NULL)
		CHECK(check_strings("generate", "groups", jget(res, "groups"),
		    GROUPS(OTHER_GROUP)), "generate gave back what the admin's "
		    "grant took");
	resp_free(&r);
	(void)id2;
}

/* One generation of a thread of its own: no CUnit check here. */
struct gen_run {
	char	 user[NAMESZ];
	long	 status;
	char	 err[32];
};

static void *
gen_run(void *arg)
{
	struct gen_run	*g = arg;
	struct resp	 r;
	const char	*hdrs[] = { "Content-Type: application/json", NULL };
	char		 pw[128], up[512], req[NAMESZ + 64], *body;

	g->status = -1;
	if (password_of(DEV_FLOOD, pw, sizeof(pw)) == -1)
		return NULL;
	snprintf(up, sizeof(up), "%s:%s", DEV_FLOOD, pw);
	snprintf(req, sizeof(req), "{\"username\":\"%s\"}", g->user);
	if ((body = envelope("", req)) == NULL)
		return NULL;
	post_raw(&r, portal_url, "/v1/portal/credential/generate", body,
	    strlen(body), hdrs, up);
	g->status = r.status;
	snprintf(g->err, sizeof(g->err), "%s", str(jstr(r.json,
	    "params.err")));
	resp_free(&r);
	free(body);
	return NULL;
}

/*
 * A developer holds at most portal_max_credentials live credentials and
 * makes at most portal_generations_per_hour (10 each here): one at a
 * time, and 30 at once (before: 30 at once in 0.2 s gave 30).
 */
void
test_portal_caps(void)
{
	struct gen_run	 g[30];
	pthread_t	 t[30];
	struct resp	 r;
	char		 u[NAMESZ], key[HEX32 + 1], retry[32], path[128];
	size_t		 i, made = 0, limit = 0, started = 0;
	long long	 live;

	if (ready() == -1 || approved(DEV_CAPPED, "[\"contentAdmin\"]") < 0 ||
	    approved(DEV_FLOOD, "[\"contentAdmin\"]") < 0)
		return;
	key[0] = '\0';
	for (i = 0; i < 10; i++) {
		generate(&r, DEV_CAPPED, fresh(u, sizeof(u), "capped"),
		    i == 0 ? key : NULL, NULL);
		made += ok("generate within the caps", &r,
		    ID("portal.credential.generate")) != NULL;
		resp_free(&r);
	}
	CHECK(made == 10, "%zu of 10 generations within the caps", made);
	generate(&r, DEV_CAPPED, fresh(u, sizeof(u), "capped"), NULL, NULL);
	refused("the 11th live credential", &r, 409, "CREDENTIAL_LIMIT");
	resp_free(&r);
	/* One revoked: under the live cap, but 10 made this hour. */
	snprintf(path, sizeof(path), "/v1/portal/credential/%s/revoke", key);
	portal(&r, DEV_CAPPED, path, NULL);
	ok("revoke one", &r, ID("portal.credential.revoke"));
	resp_free(&r);
	generate(&r, DEV_CAPPED, fresh(u, sizeof(u), "capped"), NULL, NULL);
	refused("the 11th generation in an hour", &r, 429,
	    "TOO_MANY_REQUESTS");
	CHECK(header(&r, "Retry-After", retry, sizeof(retry)) == 0 &&
	    strtol(retry, NULL, 10) >= 3500 && strtol(retry, NULL, 10) <=
	    3601, "429: Retry-After %s, want the hour left of the oldest",
	    retry);
	resp_free(&r);
	CHECK(sql_num("SELECT COUNT(*) FROM credentials r JOIN consumers c "
	    "ON c.id = r.consumer_id WHERE c.owner = '%s'", DEV_CAPPED) == 10,
	    "more than 10 credentials were made");

	/* 30 at once: 10 made, 20 refused, none half-made. */
	for (i = 0; i < 30; i++) {
		fresh(g[i].user, sizeof(g[i].user), "flood");
		if (pthread_create(&t[i], NULL, gen_run, &g[i]) != 0)
			break;
	}
	started = i;
	for (i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	CHECK(started == 30, "%zu of 30 threads started", started);
	for (i = made = limit = 0; i < started; i++) {
		made += g[i].status == 200;
		limit += g[i].status == 409 && streq(g[i].err,
		    "CREDENTIAL_LIMIT");
	}
	live = sql_num("SELECT COUNT(*) FROM credentials r JOIN consumers c "
	    "ON c.id = r.consumer_id WHERE c.owner = '%s'", DEV_FLOOD);
	CHECK(made == 10 && limit == 20 && live == 10, "30 generations at "
	    "once: %zu made, %zu refused for the limit, %lld credentials; "
	    "want 10, 20, 10", made, limit, live);
	CHECK(sql_num("SELECT COUNT(*) FROM consumers WHERE owner = '%s' AND "
	    "id NOT IN (SELECT consumer_id FROM credentials)", DEV_FLOOD) == 0,
	    "a refused generation left a consumer behind");
}
