/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of self-service access through the portal's nginx
 * server (auth_basic): request, approve or reject, withdraw, notify,
 * generate, who am I and the approver's desk; the helpers of
 * portal.h, and the list of every portal test (portal-mail.c's and
 * portal-guard.c's too).  nginx only: lighttpd serves no portal.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "e2e.h"
#include "portal.h"

/* The password of portal user u (E2E_PORTAL_PASSWORDS) into out. */
int
password_of(const char *u, char *out, size_t sz)
{
	char	 line[512];
	FILE	*f;
	size_t	 n = strlen(u);
	int	 found = 0;

	if (portal_passwords == NULL || (f = fopen(portal_passwords, "r")) ==
	    NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, u, n) == 0 && line[n] == ' ') {
			snprintf(out, sz, "%s", line + n + 1);
			found = 1;
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

/*
 * POSTs body to path of base as portal user u (NULL: nobody signed in)
 * with the header lines hdrs (NULL-ended, may be NULL).
 */
void
as_user(struct resp *r, const char *base, const char *u, const char *path,
    const char *body, const char *const *hdrs)
{
	const char	*all[8];
	char		 pw[128], up[512] = "";
	size_t		 i, n = 0;
	int		 typed = 0;

	for (i = 0; hdrs != NULL && hdrs[i] != NULL && n < 6; i++) {
		all[n++] = hdrs[i];
		typed |= strncasecmp(hdrs[i], "Content-Type:", 13) == 0;
	}
	if (!typed)
		all[n++] = "Content-Type: application/json";
	all[n] = NULL;
	if (u != NULL && password_of(u, pw, sizeof(pw)) == 0) {
		snprintf(up, sizeof(up), "%s:%s", u, pw);
		explicit_bzero(pw, sizeof(pw));
	}
	post_raw(r, base, path, body, strlen(body), all, up[0] != '\0' ? up :
	    NULL);
	explicit_bzero(up, sizeof(up));
	CHECK(r->error == NULL, "POST %s: %s", path, str(r->error));
}

/* As u on the portal: the envelope of request (NULL: none). */
void
portal(struct resp *r, const char *u, const char *path, const char *request)
{
	char	*body = envelope("", request);

	as_user(r, portal_url, u, path, body != NULL ? body : "", NULL);
	free(body);
}

/* The answer is the route's success; its result, or NULL. */
json_object *
ok(const char *what, const struct resp *r, const char *id)
{
	CHECK(r->status == 200 && streq(jstr(r->json, "params.status"),
	    "successful") && streq(jstr(r->json, "id"), id), "%s: HTTP %ld "
	    "%s %s (%s)", what, r->status, str(jstr(r->json, "id")),
	    str(jstr(r->json, "params.err")), str(jstr(r->json,
	    "params.errmsg")));
	return r->status == 200 ? jget(r->json, "result") : NULL;
}

/* The answer is HTTP status with err (NULL: any envelope or none). */
void
refused(const char *what, const struct resp *r, long status, const char *err)
{
	CHECK(r->status == status && (err == NULL || streq(jstr(r->json,
	    "params.err"), err)), "%s: HTTP %ld %s, want %ld %s", what,
	    r->status, str(jstr(r->json, "params.err")), status, str(err));
}

/*
 * path is refused to a signed-in developer when another site sends it
 * (its Origin, or a cross-site fetch) and when it is not JSON; what
 * names the route in the messages.
 */
void
refused_foreign(const char *what, const char *path)
{
	struct resp	 r;
	char		*body = envelope("", NULL), m[128];

	as_user(&r, portal_url, "developer", path, body != NULL ? body : "",
	    GROUPS("Origin: http://evil.example"));
	snprintf(m, sizeof(m), "%s from another site's Origin", what);
	refused(m, &r, 403, "FORBIDDEN");
	resp_free(&r);
	as_user(&r, portal_url, "developer", path, body != NULL ? body : "",
	    GROUPS("Sec-Fetch-Site: cross-site"));
	snprintf(m, sizeof(m), "%s by a cross-site fetch", what);
	refused(m, &r, 403, "FORBIDDEN");
	resp_free(&r);
	as_user(&r, portal_url, "developer", path, "{}",
	    GROUPS("Content-Type: text/plain"));
	snprintf(m, sizeof(m), "%s by a text/plain post", what);
	refused(m, &r, 415, NULL);
	resp_free(&r);
	free(body);
}

int
ready(void)
{
	return CHECK(portal_url != NULL && portal_passwords != NULL,
	    "E2E_PORTAL_URL or E2E_PORTAL_PASSWORDS is not set: the web "
	    "server has no portal") ? 0 : -1;
}

/* A new request of u for groups (a JSON array); its id, or -1. */
long long
request_access(const char *u, const char *groups, const char *notes)
{
	struct resp	 r;
	json_object	*res, *notes_json;
	char		 req[2048];
	long long	 id = -1;

	notes_json = json_object_new_string(notes);
	snprintf(req, sizeof(req), "{\"groups\":%s,\"notes\":%s,"
	    "\"email\":\"%s@example.test\"}", groups,
	    json_object_to_json_string(notes_json), u);
	json_object_put(notes_json);
	portal(&r, u, "/v1/portal/access/request", req);
	if ((res = ok("access request", &r, ID("portal.access.request"))) !=
	    NULL) {
		CHECK(streq(jstr(res, "request.state"), "pending"),
		    "a new request is %s", str(jstr(res, "request.state")));
		id = json_object_get_int64(jget(res, "request.id"));
	}
	resp_free(&r);
	return id;
}

/* Decides request id as u: "approve" or "reject" with request. */
void
decide(struct resp *r, const char *u, long long id, const char *how,
    const char *request)
{
	char	 path[128];

	snprintf(path, sizeof(path), "/v1/access/%lld/%s", id, how);
	portal(r, u, path, request);
}

/* The HTTP status of API through the gateway with key and secret. */
long
gw_status(const char *key, const char *secret)
{
	struct resp	 r;
	struct xfer	 x;
	char		*auth;
	long		 status = -1;

	if (gw_url == NULL || (auth = hs256_bearer(key, secret)) == NULL)
		return -1;
	if (xfer_init(&x, &r, gw_url, "GET", API, NULL, 0) == 0) {
		x.hdrs = curl_slist_append(x.hdrs, auth);
		curl_easy_setopt(x.h, CURLOPT_HTTPHEADER, x.hdrs);
		xfer_done(&x, curl_easy_perform(x.h));
		status = r.status;
	}
	resp_free(&r);
	free(auth);
	return status;
}

/* u's unread notifications, and whether one holds text. */
static long long
unread(const char *u, const char *text, int *has)
{
	struct resp	 r;
	json_object	*res, *arr;
	long long	 n = -1;
	size_t		 i;

	*has = 0;
	portal(&r, u, "/v1/portal/notification/list", NULL);
	if ((res = ok("notifications", &r, ID("portal.notification.list"))) !=
	    NULL) {
		n = json_object_get_int64(jget(res, "unread"));
		arr = jget(res, "notifications");
		for (i = 0; i < json_object_array_length(arr); i++)
			if (strstr(str(jstr(json_object_array_get_idx(arr, i),
			    "text")), text) != NULL)
				*has = 1;
	}
	resp_free(&r);
	return n;
}

/* A mail to rcpt whose subject holds text waits in the outbox. */
static long long
outbox_has(const char *rcpt, const char *text)
{
	return sql_num("SELECT COUNT(*) FROM outbox WHERE rcpt = '%s' AND "
	    "INSTR(subject, '%s') > 0", rcpt, text);
}

/*
 * The whole flow: groups offered (no admin group), a request, the
 * approver told in the portal and by mail, no credentials before the
 * approval, the approval, the developer told, credentials generated
 * with the approved groups, shown once, and a token of them through
 * the gateway; the notes stay text.
 */
void
test_portal_flow(void)
{
	struct resp	 r;
	struct file_wait fw;
	json_object	*res, *arr, *g;
	char		 mark[64], user[NAMESZ], req[NAMESZ + 64];
	char		 key[HEX32 + 1], secret[HEX32 + 1], path[256];
	long long	 id, n;
	long		 st;
	size_t		 i;
	int		 has, content = 0, admin = 0;
	const char	*notes = "<script>alert(1)</script> & \"quotes\"";

	if (ready() == -1)
		return;
	portal(&r, "developer", "/v1/portal/groups", NULL);
	if ((res = ok("groups", &r, ID("portal.groups"))) != NULL) {
		arr = jget(res, "groups");
		for (i = 0; i < json_object_array_length(arr); i++) {
			g = json_object_array_get_idx(arr, i);
			content |= streq(jstr(g, "name"), "contentAdmin") &&
			    strstr(jtext(jget(g, "apis")), API) != NULL;
			admin |= streq(jstr(g, "name"), "adminutilAdmin") ||
			    streq(jstr(g, "name"), "adminutilReader");
		}
		CHECK(content, "groups: contentAdmin with %s is not offered",
		    API);
		CHECK(!admin, "groups: an admin group is offered");
	}
	resp_free(&r);
	if ((id = request_access("developer", "[\"contentAdmin\"]", notes)) <
	    0)
		return;
	snprintf(mark, sizeof(mark), "#%lld", id);
	n = unread("approver", mark, &has);
	CHECK(n >= 1 && has, "the approver is not told of request %s", mark);
	CHECK(outbox_has("approvals@example.test", mark) == 1, "no mail of "
	    "request %s to notify_approvers in the outbox", mark);
	snprintf(req, sizeof(req), "{\"username\":\"%s\"}",
	    fresh(user, sizeof(user), "portalapp"));
	portal(&r, "developer", "/v1/portal/credential/generate", req);
	refused("generate before an approval", &r, 403, "FORBIDDEN");
	resp_free(&r);
	portal(&r, "developer", "/v1/access/list", NULL);
	refused("a developer lists the approvals", &r, 403, "FORBIDDEN");
	resp_free(&r);
	decide(&r, "developer", id, "approve", NULL);
	refused("a developer approves", &r, 403, "FORBIDDEN");
	resp_free(&r);
	portal(&r, "approver", "/v1/access/list", "{\"state\":\"pending\"}");
	if ((res = ok("approvals", &r, ID("access.list"))) != NULL)
		CHECK(strstr(jtext(jget(res, "requests")), "\"requester\":"
		    "\"developer\"") != NULL, "the approver does not see the "
		    "request");
	resp_free(&r);
	decide(&r, "approver", id, "approve", "{\"note\":\"ok\"}");
	if ((res = ok("approve", &r, ID("access.approve"))) != NULL)
		CHECK(streq(jstr(res, "request.state"), "approved") &&
		    streq(jstr(res, "request.decided_by"), "approver") &&
		    streq(jstr(res, "request.notes"), notes), "approve: not "
		    "approved by the approver, or the notes changed");
	resp_free(&r);
	decide(&r, "approver", id, "approve", NULL);
	refused("approved twice", &r, 409, "REQUEST_DECIDED");
	resp_free(&r);
	decide(&r, "approver", id, "reject", "{\"reason\":\"late\"}");
	refused("rejected after its approval", &r, 409, "REQUEST_DECIDED");
	resp_free(&r);
	n = unread("developer", "approved", &has);
	CHECK(n >= 1 && has, "the developer is not told of the approval");
	CHECK(outbox_has("developer@example.test", "approved") == 1, "no mail "
	    "of the approval to the developer in the outbox");
	snprintf(path, sizeof(path), "Subject: Your API access request #%lld "
	    "was approved", id);
	fw.mark = path;
	CHECK(wait_until(file_there, &fw, 10000, 100), "the developer's mail "
	    "of the approval was not delivered (mail_dir) within 10 s");
	CHECK(sql_num("SELECT COUNT(*) FROM outbox WHERE INSTR(body, '%s') > 0 "
	    "OR INSTR(subject, '%s') > 0", "<script>", "<script>") <= 1,
	    "the notes are in more than the new request's mail");

	portal(&r, "developer", "/v1/portal/credential/generate", req);
	if ((res = ok("generate", &r, ID("portal.credential.generate"))) !=
	    NULL) {
		snprintf(key, sizeof(key), "%s", str(jstr(res, "key")));
		snprintf(secret, sizeof(secret), "%s", str(jstr(res,
		    "secret")));
		CHECK(is_hex(key, HEX32) && is_hex(secret, HEX32) &&
		    check_strings("generate", "groups", jget(res, "groups"),
		    GROUPS("contentAdmin")), "generate: no key and secret, or "
		    "not the approved groups");
		if (gw_url != NULL) {
			resp_free(&r);
			fetch(&r, gw_url, "GET", API, NULL, 0);
			CHECK(r.status == 401, "the API without a token: %ld",
			    r.status);
			st = gw_status(key, secret);
			CHECK(st == 200, "the generated credential does not "
			    "pass the gateway on %s: HTTP %ld", API, st);
		}
	}
	resp_free(&r);
	portal(&r, "developer", "/v1/portal/credential/list", NULL);
	if ((res = ok("credential list", &r, ID("portal.credential.list"))) !=
	    NULL) {
		CHECK(strstr(jtext(res), key) != NULL && strstr(r.body.p,
		    secret) == NULL && strstr(r.body.p, "\"secret\"") == NULL,
		    "credential list: the key is missing, or a secret shown");
	}
	resp_free(&r);
	/* An operator's consumer is not the portal's to take. */
	if (create(fresh(path, sizeof(path), "opmade"), NULL, NULL) == 0) {
		snprintf(req, sizeof(req), "{\"username\":\"%s\"}", path);
		portal(&r, "developer", "/v1/portal/credential/generate", req);
		refused("an operator's username", &r, 409,
		    "CREATE_CREDENTIAL_ERROR");
		resp_free(&r);
		snprintf(req, sizeof(req), "{\"username\":\"%s\"}", user);
	}
	/* Another developer reaches neither the consumer nor its key. */
	portal(&r, "developer2", "/v1/portal/credential/generate", req);
	refused("another's username", &r, 409, "CREATE_CREDENTIAL_ERROR");
	resp_free(&r);
	snprintf(path, sizeof(path), "/v1/portal/credential/%s/revoke", key);
	portal(&r, "developer2", path, NULL);
	refused("another's credential revoked", &r, 404, "CONSUMER_NOT_FOUND");
	resp_free(&r);
	snprintf(path, sizeof(path), "/v1/portal/access/%lld/withdraw", id);
	portal(&r, "developer2", path, NULL);
	refused("another's request withdrawn", &r, 404, "NOT_FOUND");
	resp_free(&r);
	snprintf(path, sizeof(path), "/v1/portal/credential/%s/revoke", key);
	portal(&r, "developer", path, NULL);
	ok("revoke own credential", &r, ID("portal.credential.revoke"));
	resp_free(&r);
	CHECK(sql_num("SELECT COUNT(*) FROM audit_log WHERE actor_kind = "
	    "'portal' AND actor = 'developer' AND `key` = '%s'", key) == 2,
	    "no audit rows of the generation and the revocation as the "
	    "developer");
}

/*
 * Rejecting wants a reason, which reaches the requester as text; a
 * withdrawn request is not decided; nobody decides their own request;
 * a notification read is no longer unread.
 */
void
test_portal_reject_withdraw(void)
{
	struct resp	 r;
	json_object	*res, *arr;
	char		 path[128], ids[256];
	long long	 id, id2, id3, n;
	size_t		 i;
	int		 has;

	if (ready() == -1 || (id = request_access("developer",
	    "[\"contentCreate\"]", "")) < 0)
		return;
	decide(&r, "approver", id, "reject", NULL);
	refused("reject without a reason", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	decide(&r, "approver", id, "reject", "{\"reason\":\"   \"}");
	refused("reject with a blank reason", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	decide(&r, "approver", id, "reject",
	    "{\"reason\":\"<b>not now</b>\"}");
	if ((res = ok("reject", &r, ID("access.reject"))) != NULL)
		CHECK(streq(jstr(res, "request.state"), "rejected") &&
		    streq(jstr(res, "request.reason"), "<b>not now</b>"),
		    "reject: not rejected, or the reason changed");
	resp_free(&r);
	n = unread("developer", "<b>not now</b>", &has);
	CHECK(has, "the developer is not told the reason as it was written");
	/* Withdrawn, then not decided. */
	if ((id2 = request_access("developer", "[\"contentCreate\"]", "w")) <
	    0)
		return;
	snprintf(path, sizeof(path), "/v1/portal/access/%lld/withdraw", id2);
	portal(&r, "developer", path, NULL);
	if ((res = ok("withdraw", &r, ID("portal.access.withdraw"))) != NULL)
		CHECK(streq(jstr(res, "request.state"), "withdrawn"),
		    "withdraw: state %s", str(jstr(res, "request.state")));
	resp_free(&r);
	decide(&r, "approver", id2, "approve", NULL);
	refused("approve a withdrawn request", &r, 409, "REQUEST_DECIDED");
	resp_free(&r);
	/* An approver's own request is another approver's to decide. */
	if ((id3 = request_access("approver", "[\"contentCreate\"]", "")) < 0)
		return;
	decide(&r, "approver", id3, "approve", NULL);
	refused("an approver approves its own request", &r, 403, "FORBIDDEN");
	resp_free(&r);
	/* The developer's own list: its requests, with states and reasons. */
	portal(&r, "developer", "/v1/portal/access/list", NULL);
	if ((res = ok("own requests", &r, ID("portal.access.list"))) != NULL) {
		CHECK(strstr(jtext(res), "\"state\":\"withdrawn\"") != NULL &&
		    strstr(jtext(res), "not now") != NULL && strstr(jtext(res),
		    "\"requester\"") == NULL, "own requests: states or reasons "
		    "missing, or another's shown");
	}
	resp_free(&r);
	/* Reading marks them read. */
	portal(&r, "developer", "/v1/portal/notification/list", NULL);
	ids[0] = '\0';
	if ((res = ok("notifications", &r, ID("portal.notification.list"))) !=
	    NULL) {
		arr = jget(res, "notifications");
		for (i = 0; i < json_object_array_length(arr) && i < 20; i++)
			snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids),
			    "%s%lld", i > 0 ? "," : "", (long long)
			    json_object_get_int64(jget(
			    json_object_array_get_idx(arr, i), "id")));
	}
	resp_free(&r);
	snprintf(path, sizeof(path), "{\"ids\":[%s]}", ids);
	portal(&r, "developer", "/v1/portal/notification/read", path);
	if ((res = ok("notifications read", &r,
	    ID("portal.notification.read"))) != NULL)
		CHECK(json_object_get_int64(jget(res, "unread")) == 0,
		    "unread after reading them all: %s",
		    jtext(jget(res, "unread")));
	resp_free(&r);
	(void)n;
}

/* who am I, groups a person reads, the approver's desk */

/* The me of u, or NULL (the answer in *r, to be freed). */
static json_object *
me(struct resp *r, const char *u)
{
	portal(r, u, "/v1/portal/me", NULL);
	return ok("me", r, ID("portal.me"));
}

/* The number member name of o, or -1. */
static long long
num(json_object *o, const char *name)
{
	json_object	*v = jget(o, name);

	return json_object_is_type(v, json_type_int) ?
	    json_object_get_int64(v) : -1;
}

/* How many of the requests of access/list as u with body are pending. */
static long long
listed(const char *u, const char *body, const char *state, long long *n)
{
	struct resp	 r;
	json_object	*res, *arr;
	long long	 k = -1;
	size_t		 i;

	*n = -1;
	portal(&r, u, "/v1/access/list", body);
	if ((res = ok("access list", &r, ID("access.list"))) != NULL) {
		arr = jget(res, "requests");
		*n = (long long)json_object_array_length(arr);
		for (i = 0, k = 0; i < (size_t)*n; i++)
			k += streq(jstr(json_object_array_get_idx(arr, i),
			    "state"), state);
	}
	resp_free(&r);
	return k;
}

/*
 * Who am I: the signed-in user, their roles, the product and the URLs
 * the settings give, what waits for them; nobody else's, whatever the
 * body says; the same browser defences as every portal route.
 */
void
test_portal_me(void)
{
	struct resp	 r;
	json_object	*res;
	const char	*name = getenv("E2E_PRODUCT_NAME");
	char		*body;
	long long	 unread_dev, pending, n, id;
	int		 has;

	if (ready() == -1)
		return;
	if (name == NULL)
		name = "Sunbird APIs & <partners>";
	if ((id = request_access("developer", "[\"contentCreate\"]",
	    "me")) < 0)
		return;
	if ((res = me(&r, "developer")) != NULL) {
		CHECK(streq(jstr(res, "user"), "developer"), "me: user %s",
		    str(jstr(res, "user")));
		CHECK(streq(jtext(jget(res, "roles")), "[\"developer\"]"),
		    "me: a developer's roles are %s", jtext(jget(res, "roles")));
		/* The setting's text as it is: the page puts it as text. */
		CHECK(streq(jstr(res, "product.name"), name), "me: product "
		    "name %s, want %s", str(jstr(res, "product.name")), name);
		CHECK(streq(jstr(res, "product.logo_url"), "/logo.svg") &&
		    streq(jstr(res, "portal_url"),
		    "https://portal.example.test/") &&
		    streq(jstr(res, "gateway_url"), "https://api.example.test/"),
		    "me: the logo, portal or gateway URL is not the setting's");
		CHECK(num(res, "pending") == 0, "me: a developer has %lld "
		    "requests to decide", num(res, "pending"));
		unread_dev = num(res, "unread");
		CHECK(unread_dev == unread("developer", "", &has), "me: the "
		    "developer's unread is not notification/list's");
	}
	resp_free(&r);
	/* An approver: the requests of others that wait. */
	(void)listed("approver", "{\"state\":\"pending\"}", "pending", &n);
	if ((res = me(&r, "approver")) != NULL) {
		CHECK(streq(jtext(jget(res, "roles")),
		    "[\"developer\",\"approver\"]"), "me: an approver's roles "
		    "are %s", jtext(jget(res, "roles")));
		pending = num(res, "pending");
		CHECK(pending >= 1 && pending <= n, "me: the approver has "
		    "%lld pending of %lld listed", pending, n);
		CHECK(pending == sql_num("SELECT COUNT(*) FROM access_requests "
		    "WHERE state = 'pending' AND requester <> 'approver'"),
		    "me: pending is not the others' pending requests");
		CHECK(num(res, "unread") >= 1 && num(res, "unread") ==
		    unread("approver", "", &has), "me: the approver's unread "
		    "is %lld", num(res, "unread"));
	}
	resp_free(&r);
	/* One's own, whatever the body names. */
	as_user(&r, portal_url, "developer2", "/v1/portal/me",
	    "{\"request\":{\"user\":\"approver\"},\"user\":\"approver\"}", NULL);
	if ((res = ok("me of another named in the body", &r,
	    ID("portal.me"))) != NULL)
		CHECK(streq(jstr(res, "user"), "developer2") &&
		    streq(jtext(jget(res, "roles")), "[\"developer\"]") &&
		    num(res, "pending") == 0, "me: the body made developer2 "
		    "someone else (%s)", jtext(res));
	resp_free(&r);
	/* Nobody signed in, another site, another type, the admin plane. */
	body = envelope("", NULL);
	as_user(&r, portal_url, NULL, "/v1/portal/me", body, NULL);
	refused("me without signing in", &r, 401, NULL);
	resp_free(&r);
	refused_foreign("me", "/v1/portal/me");
	post(&r, "/v1/portal/me", "{}");
	refused("me through the admin plane", &r, 401, "UNAUTHORIZED");
	resp_free(&r);
	free(body);
	decide(&r, "approver", id, "reject", "{\"reason\":\"me done\"}");
	ok("reject the request of me", &r, ID("access.reject"));
	resp_free(&r);
}

/* Every group of the shipped ACL is described; a description is text. */
void
test_portal_descriptions(void)
{
	struct resp	 r;
	json_object	*res, *arr, *g;
	size_t		 i, described = 0, n = 0;
	int		 content = 0;

	if (ready() == -1)
		return;
	portal(&r, "developer", "/v1/portal/groups", NULL);
	if ((res = ok("groups", &r, ID("portal.groups"))) != NULL) {
		arr = jget(res, "groups");
		n = json_object_array_length(arr);
		for (i = 0; i < n; i++) {
			g = json_object_array_get_idx(arr, i);
			described += jstr(g, "description") != NULL;
			if (streq(jstr(g, "name"), "contentCreate"))
				content = streq(jstr(g, "description"),
				    "Create, copy, import and upload content, "
				    "assets, collections and questions; take "
				    "editing locks") &&
				    json_object_array_length(jget(g, "apis")) >
				    0;
		}
		/* The 126 of the Sunbird table, every one offered. */
		CHECK(described == 126 && n == 126, "groups: %zu of %zu "
		    "described", described, n);
		CHECK(content, "groups: contentCreate lacks its description "
		    "or its APIs");
	}
	resp_free(&r);
}

/*
 * The approver's desk: who asked, their mail, when, the groups with
 * their APIs; the history of decisions; acting clears what the approver
 * was told of the request, and only that.
 */
void
test_portal_desk(void)
{
	struct resp	 r;
	json_object	*res, *arr, *q = NULL;
	long long	 id, id2, before, after, n, k;
	size_t		 i;
	int		 has;
	char		 mark[64];

	if (ready() == -1 || (id = request_access("developer6",
	    "[\"contentCreate\",\"courseAccess\"]", "at the desk")) < 0 ||
	    (id2 = request_access("developer6", "[\"noteAccess\"]",
	    "at the desk 2")) < 0)
		return;
	portal(&r, "approver", "/v1/access/list", "{\"state\":\"pending\"}");
	if ((res = ok("pending", &r, ID("access.list"))) != NULL) {
		arr = jget(res, "requests");
		for (i = 0; i < json_object_array_length(arr); i++)
			if (json_object_get_int64(jget(
			    json_object_array_get_idx(arr, i), "id")) == id)
				q = json_object_array_get_idx(arr, i);
		CHECK(q != NULL, "request %lld is not pending", id);
		if (q != NULL) {
			CHECK(streq(jstr(q, "requester"), "developer6") &&
			    streq(jstr(q, "mail"), "developer6@example.test") &&
			    num(q, "created_at") > 1700000000000LL &&
			    jget(q, "decided_at") == NULL &&
			    jget(q, "decided_by") == NULL &&
			    streq(jstr(q, "state"), "pending"), "desk: "
			    "requester, mail, date or state wrong: %s",
			    jtext(q));
			CHECK(strstr(jtext(jget(q, "apis.contentCreate")),
			    "/content/v1/create") != NULL &&
			    strstr(jtext(jget(q, "apis.courseAccess")),
			    "/course/v1/enrol") != NULL &&
			    json_object_object_length(jget(q, "apis")) == 2,
			    "desk: the groups' APIs are not there: %s",
			    jtext(jget(q, "apis")));
		}
	}
	resp_free(&r);
	/* Acting clears the approver's notification of it, that one only. */
	snprintf(mark, sizeof(mark), "#%lld ", id);
	before = unread("approver", mark, &has);
	CHECK(has, "the approver was not told of request %lld", id);
	decide(&r, "approver", id, "approve", NULL);
	ok("approve", &r, ID("access.approve"));
	resp_free(&r);
	after = unread("approver", "", &has);
	CHECK(after == before - 1, "unread: %lld before approving, %lld "
	    "after", before, after);
	CHECK(sql_num("SELECT COUNT(*) FROM notifications WHERE recipient = "
	    "'approver' AND request_id = %lld AND read_at IS NULL", id) == 0 &&
	    sql_num("SELECT COUNT(*) FROM notifications WHERE recipient = "
	    "'approver' AND request_id = %lld AND read_at IS NULL", id2) == 1,
	    "approving marked the wrong notifications read");
	portal(&r, "approver", "/v1/portal/me", NULL);
	if ((res = ok("me", &r, ID("portal.me"))) != NULL)
		CHECK(num(res, "unread") == after, "me: unread %lld, want %lld",
		    num(res, "unread"), after);
	resp_free(&r);
	decide(&r, "approver", id2, "reject", "{\"reason\":\"no notes\"}");
	ok("reject", &r, ID("access.reject"));
	resp_free(&r);
	CHECK(unread("approver", "", &has) == after - 1, "rejecting did not "
	    "clear the approver's notification");
	/* The history: decided ones, newest first; all; and the default. */
	k = listed("approver", "{\"state\":\"decided\"}", "pending", &n);
	CHECK(n >= 2 && k == 0, "decided: %lld pending among %lld", k, n);
	portal(&r, "approver", "/v1/access/list", "{\"state\":\"decided\"}");
	if ((res = ok("decided", &r, ID("access.list"))) != NULL) {
		q = json_object_array_get_idx(jget(res, "requests"), 0);
		CHECK(num(q, "id") == id2 && streq(jstr(q, "state"),
		    "rejected") && streq(jstr(q, "reason"), "no notes") &&
		    streq(jstr(q, "decided_by"), "approver") &&
		    num(q, "decided_at") >= num(q, "created_at"), "decided: "
		    "the newest is not the rejection: %s", jtext(q));
	}
	resp_free(&r);
	(void)listed("approver", "{\"state\":\"all\"}", "", &n);
	(void)listed("approver", NULL, "", &k);
	CHECK(n > 0 && n == k, "all: %lld requests, none given: %lld", n, k);
	portal(&r, "approver", "/v1/access/list", "{\"state\":\"done\"}");
	refused("a state that is none", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	/* Another developer's requests stay theirs. */
	portal(&r, "developer", "/v1/portal/access/list", NULL);
	if ((res = ok("own list", &r, ID("portal.access.list"))) != NULL)
		CHECK(strstr(jtext(res), "at the desk") == NULL &&
		    jget(res, "requests") != NULL, "a developer sees "
		    "developer6's requests");
	resp_free(&r);
	portal(&r, "developer", "/v1/access/list", "{\"state\":\"decided\"}");
	refused("a developer reads the history", &r, 403, "FORBIDDEN");
	resp_free(&r);
}

const struct e2e_test portal_tests[] = {
	{ "portal: request, approve, notify, generate, the gateway passes",
	    test_portal_flow, FULL },
	{ "portal: me says who is signed in, their roles, what waits, "
	    "and no one else's", test_portal_me, FULL },
	{ "portal: every Sunbird group is described", test_portal_descriptions,
	    FULL },
	{ "headers: each security header once, admin plane and portal, "
	    "answers and errors", test_headers_once, FULL | SMOKE },
	{ "portal: the approver's desk: mail, dates, APIs, history; acting "
	    "clears the count", test_portal_desk, FULL },
	{ "portal: reject with a reason, withdraw, not one's own, read",
	    test_portal_reject_withdraw, FULL },
	{ "portal: no header signs in, no admin plane, no other site",
	    test_portal_identity, FULL },
	{ "portal: mails go out once, to files and through a relay that "
	    "was down", test_portal_mail, FULL },
	{ "portal: an approval taken back, and an admin's revoke, grant or "
	    "delete, stay so through generate; no portal secret read back",
	    test_portal_taken_back, FULL },
	{ "portal: caps on live credentials and generations an hour, one "
	    "at a time and 30 at once", test_portal_caps, FULL },
	{ "portal: the largest texts each route takes are kept whole; one "
	    "byte more is refused", test_portal_largest, FULL },
	{ "portal: 1000 octets of notes and of reason in CJK and emoji, "
	    "mail lines within 78", test_portal_mail_lines, FULL },
};

const size_t portal_ntests = sizeof(portal_tests) / sizeof(portal_tests[0]);
