/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of self-service access through the portal's nginx
 * server (auth_basic): request, approve or reject, withdraw, notify,
 * generate, and who may reach what.  nginx only: lighttpd serves no
 * portal.
 */
#include "build.h"

#include <sys/socket.h>

#include <netinet/in.h>

#include <dirent.h>
#include <libgen.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "e2e.h"

#define API	 "/content/v1/flag/accept"	/* contentAdmin */

struct file_wait {
	const char	*mark;
};

static int	 file_there(void *);

/* The password of portal user u (E2E_PORTAL_PASSWORDS) into out. */
static int
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
static void
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
static void
portal(struct resp *r, const char *u, const char *path, const char *request)
{
	char	*body = envelope("", request);

	as_user(r, portal_url, u, path, body != NULL ? body : "", NULL);
	free(body);
}

/* The answer is the route's success; its result, or NULL. */
static json_object *
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
static void
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
static void
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

static int
ready(void)
{
	return CHECK(portal_url != NULL && portal_passwords != NULL,
	    "E2E_PORTAL_URL or E2E_PORTAL_PASSWORDS is not set: the web "
	    "server has no portal") ? 0 : -1;
}

/* A new request of u for groups (a JSON array); its id, or -1. */
static long long
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
static void
decide(struct resp *r, const char *u, long long id, const char *how,
    const char *request)
{
	char	 path[128];

	snprintf(path, sizeof(path), "/v1/access/%lld/%s", id, how);
	portal(r, u, path, request);
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
static void
test_portal_flow(void)
{
	struct resp	 r;
	struct file_wait fw;
	json_object	*res, *arr, *g;
	char		 mark[64], user[NAMESZ], req[NAMESZ + 64], *auth = NULL;
	char		 key[HEX32 + 1], secret[HEX32 + 1], path[256];
	long long	 id, n;
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
		if (gw_url != NULL && (auth = hs256_bearer(key, secret)) !=
		    NULL) {
			resp_free(&r);
			fetch(&r, gw_url, "GET", API, NULL, 0);
			CHECK(r.status == 401, "the API without a token: %ld",
			    r.status);
			resp_free(&r);
			{
				struct xfer	 x;

				if (xfer_init(&x, &r, gw_url, "GET", API, NULL,
				    0) == 0) {
					x.hdrs = curl_slist_append(x.hdrs,
					    auth);
					curl_easy_setopt(x.h,
					    CURLOPT_HTTPHEADER, x.hdrs);
					xfer_done(&x, curl_easy_perform(x.h));
				}
			}
			CHECK(r.status == 200, "the generated credential does "
			    "not pass the gateway on %s: HTTP %ld", API,
			    r.status);
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
	free(auth);
}

/*
 * Rejecting wants a reason, which reaches the requester as text; a
 * withdrawn request is not decided; nobody decides their own request;
 * a notification read is no longer unread.
 */
static void
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

/*
 * Who the portal is: no client header signs anyone in, nobody reaches
 * the portal without signing in, nobody reaches the admin plane through
 * it, and a page of another site gets nothing.
 */
static void
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

/* mail */

/*
 * A small SMTP sink on loopback: it takes every mail it is given (the
 * whole DATA) and keeps it, until it is stopped.  One thread, one
 * client at a time, as the sender talks.
 */
#define SINK_MAX	 64

static struct {
	pthread_mutex_t	 lock;
	pthread_t	 thread;
	int		 fd, running;
	char		*mail[SINK_MAX];
	size_t		 n;
} sink = { PTHREAD_MUTEX_INITIALIZER, 0, -1, 0, { NULL }, 0 };

/* Reads one line (CRLF ended) from fd into buf; its length or -1. */
static ssize_t
sink_line(int fd, char *buf, size_t sz)
{
	size_t	 n = 0;
	char	 c;

	while (n + 1 < sz) {
		if (read(fd, &c, 1) != 1)
			return -1;
		buf[n++] = c;
		if (c == '\n')
			break;
	}
	buf[n] = '\0';
	return (ssize_t)n;
}

static void
sink_say(int fd, const char *s)
{
	ssize_t	 n = write(fd, s, strlen(s));

	(void)n;
}

static void
sink_session(int fd)
{
	char	 line[2048], *mail = NULL;
	size_t	 len = 0;
	FILE	*f;

	sink_say(fd, "220 e2e sink\r\n");
	while (sink_line(fd, line, sizeof(line)) > 0) {
		if (strncasecmp(line, "EHLO", 4) == 0)
			sink_say(fd, "250-e2e sink\r\n250 8BITMIME\r\n");
		else if (strncasecmp(line, "HELO", 4) == 0 ||
		    strncasecmp(line, "MAIL", 4) == 0 ||
		    strncasecmp(line, "RCPT", 4) == 0 ||
		    strncasecmp(line, "RSET", 4) == 0 ||
		    strncasecmp(line, "NOOP", 4) == 0)
			sink_say(fd, "250 OK\r\n");
		else if (strncasecmp(line, "DATA", 4) == 0) {
			sink_say(fd, "354 go on\r\n");
			if ((f = open_memstream(&mail, &len)) == NULL)
				break;
			while (sink_line(fd, line, sizeof(line)) > 0 &&
			    strcmp(line, ".\r\n") != 0)
				fputs(line, f);
			fclose(f);
			pthread_mutex_lock(&sink.lock);
			if (sink.n < SINK_MAX)
				sink.mail[sink.n++] = mail;
			else
				free(mail);
			pthread_mutex_unlock(&sink.lock);
			mail = NULL;
			sink_say(fd, "250 kept\r\n");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			sink_say(fd, "221 bye\r\n");
			break;
		} else
			sink_say(fd, "502 no\r\n");
	}
	close(fd);
}

static void *
sink_run(void *arg)
{
	int	 c;

	(void)arg;
	while ((c = accept(sink.fd, NULL, NULL)) != -1)
		sink_session(c);
	return NULL;
}

/* Starts the sink on port (0: any); its port, or -1. */
static int
sink_start(int port)
{
	struct sockaddr_in	 sa;
	socklen_t		 len = sizeof(sa);
	int			 on = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)port);
	if ((sink.fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(sink.fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(sink.fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(sink.fd, 8) == -1 || getsockname(sink.fd,
	    (struct sockaddr *)&sa, &len) == -1 ||
	    pthread_create(&sink.thread, NULL, sink_run, NULL) != 0) {
		close(sink.fd);
		sink.fd = -1;
		return -1;
	}
	sink.running = 1;
	return ntohs(sa.sin_port);
}

static void
sink_stop(void)
{
	if (!sink.running)
		return;
	shutdown(sink.fd, SHUT_RDWR);
	close(sink.fd);
	pthread_join(sink.thread, NULL);
	sink.fd = -1;
	sink.running = 0;
}

/* How many kept mails hold text. */
static size_t
sink_count(const char *text)
{
	size_t	 i, n = 0;

	pthread_mutex_lock(&sink.lock);
	for (i = 0; i < sink.n; i++)
		n += strstr(sink.mail[i], text) != NULL;
	pthread_mutex_unlock(&sink.lock);
	return n;
}

struct sink_wait {
	const char	*text;
};

static int
sink_has(void *arg)
{
	return sink_count(((struct sink_wait *)arg)->text) > 0;
}

/* The outbox row of request id's mail to rcpt: sent, and how often tried. */
static long long
mail_sent(const char *rcpt, const char *mark)
{
	return sql_num("SELECT COUNT(*) FROM outbox WHERE rcpt = '%s' AND "
	    "INSTR(subject, '%s') > 0 AND sent_at IS NOT NULL", rcpt, mark);
}

struct sent_wait {
	const char	*rcpt, *mark;
};

static int
is_sent(void *arg)
{
	struct sent_wait	*w = arg;

	return mail_sent(w->rcpt, w->mark) == 1;
}

/* The text of the mail file that holds mark in mail_dir; NULL. */
static char *
mail_file(const char *mark)
{
	char		 conf[1024], dir[1100], path[1400], *text = NULL;
	DIR		*d;
	struct dirent	*e;
	FILE		*f;
	size_t		 n = 0;

	snprintf(conf, sizeof(conf), "%s", conf_path);
	snprintf(dir, sizeof(dir), "%s/mail", dirname(conf));
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while (text == NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (getdelim(&text, &n, '\0', f) == -1 || strstr(text, mark) ==
		    NULL) {
			free(text);
			text = NULL;
			n = 0;
		}
		fclose(f);
	}
	closedir(d);
	return text;
}

static int
file_there(void *arg)
{
	char	*t = mail_file(((struct file_wait *)arg)->mark);

	free(t);
	return t != NULL;
}

/*
 * The outbox's mails go out, once each: as files in mail_dir (RFC 5322,
 * CRLF, the outbox's Message-ID), then through an SMTP relay; with the
 * relay down a mail waits in the outbox, and goes once it is back.
 */
static void
test_portal_mail(void)
{
	struct file_wait fw;
	struct sink_wait sw;
	struct sent_wait tw;
	char		 mark[64], mark2[64], text[128], *mail, *mid;
	long long	 id, id2;
	long		 len = -1;
	int		 port;

	if (ready() == -1 || (id = request_access("developer",
	    "[\"contentCreate\"]", "mail")) < 0)
		return;
	snprintf(mark, sizeof(mark), "request #%lld ", id);
	fw.mark = mark;
	CHECK(wait_until(file_there, &fw, 10000, 100), "no mail file of "
	    "request %lld in mail_dir within 10 s", id);
	if ((mail = mail_file(mark)) != NULL) {
		CHECK(strstr(mail, "\r\nTo: approvals@example.test\r\n") !=
		    NULL && strstr(mail, "\r\nFrom: ") != NULL &&
		    strstr(mail, "\r\nMessage-ID: <") != NULL &&
		    strstr(mail, "\r\n\r\n") != NULL, "the mail file is not "
		    "RFC 5322 with CRLF, To, From and a Message-ID");
		if ((mid = strstr(mail, "\r\nMessage-ID: ")) != NULL) {
			mid += strlen("\r\nMessage-ID: ");
			mid[strcspn(mid, "\r")] = '\0';
			CHECK(strspn(mid, "<>@.-abcdefghijklmnopqrstuvwxyz"
			    "0123456789") == strlen(mid) && sql_num("SELECT "
			    "COUNT(*) FROM outbox WHERE message_id = '%s' AND "
			    "sent_at IS NOT NULL", mid) == 1, "the file's "
			    "Message-ID is not its sent outbox row's");
		}
		free(mail);
	}
	/* Through a relay: up, then down, then up again. */
	if (!CHECK((port = sink_start(0)) > 0, "cannot start the SMTP sink"))
		return;
	snprintf(text, sizeof(text), "smtp_url = smtp://127.0.0.1:%d\n",
	    port);
	if (reconfigure(text, &len) == -1)
		goto done;
	/* Wrapped, the notes start lines with ".": SMTP doubles the dot. */
	if ((id = request_access("developer", "[\"contentCreate\"]",
	    ".dot .dot .dot .dot .dot .dot .dot .dot .dot .dot .dot .dot .dot "
	    ".dot .dot .dot .dot .dot .dot .dot .dot .dot .dot .dot")) < 0)
		goto done;
	snprintf(mark, sizeof(mark), "request #%lld ", id);
	sw.text = mark;
	CHECK(wait_until(sink_has, &sw, 10000, 100), "the relay did not get "
	    "the mail of request %lld within 10 s", id);
	CHECK(sink_count("\r\n..dot") == 1 && sink_count("\r\n.dot") == 0,
	    "a line that starts with \".\" reached the relay without its dot "
	    "doubled");
	sink_stop();
	if ((id2 = request_access("developer", "[\"contentCreate\"]",
	    "down")) < 0)
		goto done;
	snprintf(mark2, sizeof(mark2), "#%lld", id2);
	sleep_ms(1500);
	CHECK(sql_num("SELECT COUNT(*) FROM outbox WHERE INSTR(subject, '%s') "
	    "> 0 AND sent_at IS NULL AND attempts >= 1 AND last_error IS NOT "
	    "NULL", mark2) == 1, "with the relay down, the mail of request "
	    "%lld does not wait in the outbox, tried", id2);
	if (!CHECK(sink_start(port) == port, "cannot start the sink again"))
		goto done;
	snprintf(mark2, sizeof(mark2), "request #%lld ", id2);
	sw.text = mark2;
	tw.rcpt = "approvals@example.test";
	tw.mark = mark2;
	CHECK(wait_until(sink_has, &sw, 20000, 200) && wait_until(is_sent,
	    &tw, 5000, 100), "the relay back, the waiting mail of request "
	    "%lld did not go within 20 s", id2);
	sleep_ms(1000);
	CHECK(sink_count(mark) == 1 && sink_count(mark2) == 1, "mails went "
	    "%zu and %zu times, want once each", sink_count(mark),
	    sink_count(mark2));
done:
	sink_stop();
	if (len >= 0)
		(void)reconfigure(NULL, &len);
}

/* "developer3" and the others are the harness's (lib-e2e.sh). */
#define DEV_TAKEN	 "developer3"	/* approvals taken back */
#define DEV_CAPPED	 "developer4"	/* the caps, one at a time */
#define DEV_FLOOD	 "developer5"	/* the caps, all at once */
#define OTHER_GROUP	 "courseAdmin"	/* offered, opens no API of ours */

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

/* The HTTP status of API through the gateway with key and secret. */
static long
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
static void
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
static void
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

/* The longest portal user name: 255 bytes (lib-e2e.sh's E2E_LONG_USER). */
static void
long_user(char out[256])
{
	memcpy(out, "longuser", 8);
	memset(out + 8, 'x', 247);
	out[255] = '\0';
}

/* n bytes of text (3-byte characters, then ASCII), in a new string. */
static char *
text_of(size_t n)
{
	char	*s;
	size_t	 i;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	for (i = 0; i + 3 <= n; i += 3)
		memcpy(s + i, "\xe2\x82\xac", 3);	/* U+20AC */
	for (; i < n; i++)
		s[i] = 'x';
	s[n] = '\0';
	return s;
}

/* {"name": text} (and more pairs, NULL-ended) as a JSON text to free. */
static char *
members(const char *name, ...)
{
	json_object	*o = json_object_new_object();
	const char	*v;
	char		*out;
	va_list		 ap;

	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *)) {
		v = va_arg(ap, const char *);
		json_object_object_add(o, name, v[0] == '[' ?
		    json_tokener_parse(v) : json_object_new_string(v));
	}
	va_end(ap);
	out = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return out;
}

/*
 * Every text a person types, at the most each route takes, through
 * every route that stores or mails it, answered without a 500 and kept
 * whole; one byte more is a 400 where it is typed.  Before: every group
 * offered overflowed the notification, a 1,024-byte reason on 91
 * groups too, and a portal user of 227 to 255 bytes the mail's subject.
 */
static void
test_portal_largest(void)
{
	struct resp	 r;
	json_object	*res, *arr;
	char		 lu[256], user[NAMESZ], path[128], all[16384];
	char		*note = NULL, *more = NULL, *mail = NULL, *body = NULL;
	long long	 id = -1, id2 = -1, id3 = -1;
	size_t		 n = 0;

	if (ready() == -1)
		return;
	long_user(lu);
	/* Every group the portal offers. */
	portal(&r, lu, "/v1/portal/groups", NULL);
	all[0] = '[';
	all[1] = '\0';
	if ((res = ok("groups, as the longest name", &r, ID("portal.groups")))
	    != NULL) {
		arr = jget(res, "groups");
		for (n = 0; n < json_object_array_length(arr); n++)
			snprintf(all + strlen(all), sizeof(all) - strlen(all),
			    "%s\"%s\"", n > 0 ? "," : "", str(jstr(
			    json_object_array_get_idx(arr, n), "name")));
	}
	strcat(all, "]");
	resp_free(&r);
	CHECK(n >= 100, "the portal offers %zu groups, want the ACL file's "
	    "(over 100)", n);
	if ((note = text_of(1024)) == NULL || (more = text_of(1025)) == NULL ||
	    (mail = malloc(256)) == NULL)
		goto done;
	memset(mail, 'm', 254 - 13);
	memcpy(mail + 254 - 13, "@example.test", 14);	/* 254 bytes */

	/* One byte more, where it is typed: 400. */
	body = members("groups", "[\"contentAdmin\"]", "notes", more, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	refused("notes of 1,025 bytes", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	free(body);
	mail[254] = 'x';
	mail[255] = '\0';
	body = members("groups", "[\"contentAdmin\"]", "email", mail, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	refused("a mail address of 255 bytes", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	free(body);
	memcpy(mail + 254 - 13, "@example.test", 14);

	/* The most of each: a request, rejected with the longest reason. */
	body = members("groups", all, "notes", note, "email", mail, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	if ((res = ok("a request of every group, the longest notes, name and "
	    "mail", &r, ID("portal.access.request"))) != NULL)
		id = json_object_get_int64(jget(res, "request.id"));
	resp_free(&r);
	free(body);
	body = members("reason", note, NULL);
	snprintf(path, sizeof(path), "/v1/access/%lld/reject", id);
	portal(&r, "approver", path, body);
	ok("reject it with a reason of 1,024 bytes", &r, ID("access.reject"));
	resp_free(&r);
	snprintf(path, sizeof(path), "/v1/access/%lld/reject", id);
	free(body);
	body = members("reason", more, NULL);
	portal(&r, "approver", path, body);
	refused("a reason of 1,025 bytes", &r, 400, "BAD_REQUEST");
	resp_free(&r);
	free(body);

	/* Approved with the longest note, generated, taken back. */
	body = members("groups", all, "notes", note, "email", mail, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	if ((res = ok("a second request of every group", &r,
	    ID("portal.access.request"))) != NULL)
		id2 = json_object_get_int64(jget(res, "request.id"));
	resp_free(&r);
	free(body);
	body = members("note", note, NULL);
	snprintf(path, sizeof(path), "/v1/access/%lld/approve", id2);
	portal(&r, "approver", path, body);
	ok("approve it with a note of 1,024 bytes", &r, ID("access.approve"));
	resp_free(&r);
	free(body);
	memset(user, 'u', 255);
	user[255] = '\0';
	memcpy(user, "largest", 7);
	snprintf(user + 240, 16, "%015lld", now_ms());
	body = members("username", user, "notes", note, NULL);
	portal(&r, lu, "/v1/portal/credential/generate", body);
	ok("generate with a name of 255 bytes and notes of 1,024", &r,
	    ID("portal.credential.generate"));
	resp_free(&r);
	free(body);
	body = members("reason", note, NULL);
	snprintf(path, sizeof(path), "/v1/access/%lld/revoke", id2);
	portal(&r, "approver", path, body);
	ok("revoke the approval with a reason of 1,024 bytes", &r,
	    ID("access.revoke"));
	resp_free(&r);
	free(body);
	/* And one withdrawn. */
	body = members("groups", all, "notes", note, NULL);
	portal(&r, lu, "/v1/portal/access/request", body);
	if ((res = ok("a third request", &r, ID("portal.access.request"))) !=
	    NULL)
		id3 = json_object_get_int64(jget(res, "request.id"));
	resp_free(&r);
	free(body);
	snprintf(path, sizeof(path), "/v1/portal/access/%lld/withdraw", id3);
	portal(&r, lu, path, NULL);
	ok("withdraw it", &r, ID("portal.access.withdraw"));
	resp_free(&r);

	/* Kept whole: notifications, mails, the request itself. */
	portal(&r, lu, "/v1/portal/notification/list", NULL);
	ok("the longest name's notifications", &r,
	    ID("portal.notification.list"));
	resp_free(&r);
	portal(&r, lu, "/v1/portal/access/list", NULL);
	ok("the longest name's requests", &r, ID("portal.access.list"));
	resp_free(&r);
	/* Each ends with the whole reason: 341 euro signs and an x. */
	CHECK(sql_num("SELECT COUNT(*) FROM notifications WHERE recipient = "
	    "'%s' AND INSTR(message, '%s') > 0 AND HEX(RIGHT(message, 343)) = "
	    "CONCAT('20', REPEAT('E282AC', 341), '78')", lu, OTHER_GROUP) == 2,
	    "the notifications of the rejection "
	    "and the revocation are not kept whole (every group, the whole "
	    "reason)");
	CHECK(sql_num("SELECT COUNT(*) FROM notifications WHERE INSTR(message, "
	    "'%s') > 0 AND INSTR(message, 'request #%lld') > 0", lu, id) >= 1,
	    "the approver's notification of the request does not name the "
	    "longest name whole");
	CHECK(sql_num("SELECT COUNT(*) FROM outbox WHERE INSTR(subject, '%s') "
	    "> 0", lu) >= 2 && sql_num("SELECT COUNT(*) FROM outbox WHERE "
	    "rcpt = '%s'", mail) == 3, "the mails of the longest name and "
	    "address are not all in the outbox");
	CHECK(sql_num("SELECT COUNT(*) FROM access_requests WHERE id IN "
	    "(%lld, %lld) AND LENGTH(notes) = 1024 AND LENGTH(reason) = 1024",
	    id, id2) == 2, "the notes or reasons are not kept whole");
done:
	free(note);
	free(more);
	free(mail);
}

/*
 * 1 if every line of mail is CRLF ended and at most 78 octets (what
 * the tests write allows it), 998 for sure (RFC 5322 2.1.1).
 */
static int
mail_lines_fit(const char *mail, size_t *longest)
{
	const char	*p, *e;

	*longest = 0;
	for (p = mail; (e = strstr(p, "\r\n")) != NULL; p = e + 2) {
		if (memchr(p, '\n', (size_t)(e - p)) != NULL)
			return 0;
		if ((size_t)(e - p) > *longest)
			*longest = (size_t)(e - p);
	}
	return *p == '\0' && *longest <= 78;
}

/* Text of n octets or fewer: unit again and again. */
static void
repeat(char *buf, size_t n, const char *unit)
{
	size_t	 u = strlen(unit), i;

	for (i = 0; i + u < n; i += u)
		memcpy(buf + i, unit, u);
	buf[i] = '\0';
}

/*
 * Notes and a reason of 1000 octets, in CJK, emoji and accents: the
 * mails in mail_dir keep their lines within 78 octets, and a parser
 * reads them (tests/e2e/mails.py, over every mail of the run).
 */
static void
test_portal_mail_lines(void)
{
	struct file_wait fw;
	struct resp	 r;
	json_object	*o;
	char		 notes[1001], reason[1001], req[1200], mark[96], *mail;
	long long	 id;
	size_t		 longest;
	int		 fit;

	if (ready() == -1)
		return;
	repeat(notes, sizeof(notes), "\xe6\x97\xa5\xe6\x9c\xac\xf0\x9f\x98\x80"
	    "\xc3\xa9x");
	if ((id = request_access("developer", "[\"contentCreate\"]", notes)) <
	    0)
		return;
	snprintf(mark, sizeof(mark), "request #%lld ", id);
	fw.mark = mark;
	CHECK(wait_until(file_there, &fw, 10000, 100), "no mail of request "
	    "%lld in mail_dir within 10 s", id);
	if ((mail = mail_file(mark)) != NULL) {
		fit = mail_lines_fit(mail, &longest);
		CHECK(fit, "the mail of 1000 octets of notes has a line of %zu "
		    "octets", longest);
	}
	free(mail);
	repeat(reason, sizeof(reason), "r\xc3\xa9sum\xc3\xa9 \xe3\x81\x82 ");
	o = json_object_new_object();
	json_object_object_add(o, "reason", json_object_new_string(reason));
	snprintf(req, sizeof(req), "%s", json_object_to_json_string(o));
	json_object_put(o);
	decide(&r, "approver", id, "reject", req);
	ok("reject with 1000 octets of reason", &r, ID("access.reject"));
	resp_free(&r);
	snprintf(mark, sizeof(mark), "request #%lld was rejected", id);
	CHECK(wait_until(file_there, &fw, 10000, 100), "no mail of the "
	    "rejection of request %lld in mail_dir within 10 s", id);
	if ((mail = mail_file(mark)) != NULL) {
		fit = mail_lines_fit(mail, &longest);
		CHECK(fit, "the mail of 1000 octets of reason has a line of %zu "
		    "octets", longest);
	}
	free(mail);
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
static void
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
static void
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
static void
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
static void
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
