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
	char		 pw[128], up[256] = "";
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
	body = envelope("", NULL);
	as_user(&r, portal_url, "developer", "/v1/portal/groups", body,
	    GROUPS("Origin: http://evil.example"));
	refused("another site's Origin", &r, 403, "FORBIDDEN");
	resp_free(&r);
	as_user(&r, portal_url, "developer", "/v1/portal/groups", body,
	    GROUPS("Sec-Fetch-Site: cross-site"));
	refused("a cross-site fetch", &r, 403, "FORBIDDEN");
	resp_free(&r);
	as_user(&r, portal_url, "developer", "/v1/portal/groups", "{}",
	    GROUPS("Content-Type: text/plain"));
	refused("a text/plain post", &r, 415, NULL);
	resp_free(&r);
	free(body);
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
	if ((id = request_access("developer", "[\"contentCreate\"]", "smtp")) <
	    0)
		goto done;
	snprintf(mark, sizeof(mark), "request #%lld ", id);
	sw.text = mark;
	CHECK(wait_until(sink_has, &sw, 10000, 100), "the relay did not get "
	    "the mail of request %lld within 10 s", id);
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

const struct e2e_test portal_tests[] = {
	{ "portal: request, approve, notify, generate, the gateway passes",
	    test_portal_flow, FULL },
	{ "portal: reject with a reason, withdraw, not one's own, read",
	    test_portal_reject_withdraw, FULL },
	{ "portal: no header signs in, no admin plane, no other site",
	    test_portal_identity, FULL },
	{ "portal: mails go out once, to files and through a relay that "
	    "was down", test_portal_mail, FULL },
};

const size_t portal_ntests = sizeof(portal_tests) / sizeof(portal_tests[0]);
