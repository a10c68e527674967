/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The bad-input catalogue: one table of what a client (or an operator's
 * configuration) can get wrong, crossed with the routes it applies to,
 * each answered with the contract's envelope, its code and status, and
 * the database the same byte for byte afterwards (a checksum of every
 * table).  Configuration lines go to adminutil -t.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "e2e.h"

/* Every table's checksum, one number; -1 on error. */
static long long
checksum(void)
{
	static const char *const tables[] = { "consumers", "credentials",
	    "consumer_groups", "audit_log", "access_requests", "notifications",
	    "outbox" };
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	long long	 sum = 0;
	size_t		 i;
	char		 q[128];

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(q, sizeof(q), "CHECKSUM TABLE %s", tables[i]);
		if (mysql_query(db, q) != 0 || (res = mysql_store_result(db)) ==
		    NULL)
			return -1;
		if ((row = mysql_fetch_row(res)) != NULL && row[1] != NULL)
			sum = sum * 31 + strtoll(row[1], NULL, 10);
		mysql_free_result(res);
	}
	return sum;
}

/* The routes that read a JSON body, with their ids. */
static const struct {
	const char	*path, *id;
} json_routes[] = {
	{ "/v1/consumer/create", ID("consumer.create") },
	{ "/v1/consumer/cat-user/grant", ID("consumer.grant") },
	{ "/v1/consumer/cat-user/revoke", ID("consumer.revoke") },
	{ "/v1/consumer/cat-user/read", ID("consumer.read") },
	{ "/v1/consumer/cat-user/delete", ID("consumer.delete") },
	{ "/v1/consumer/cat-user/limits", ID("consumer.limits") },
	{ "/v1/consumer/list", ID("consumer.list") },
	{ "/v1/consumer/cat-user/credential/register",
	    ID("credential.register") },
	{ "/v1/consumer/cat-user/credential/list", ID("credential.list") },
	{ "/v1/consumer/cat-user/credential/cat-key/revoke",
	    ID("credential.revoke") },
	{ "/v1/consumer/cat-user/credential/cat-key/rotate",
	    ID("credential.rotate") },
	{ "/v1/audit/list", ID("audit.list") },
	{ "/v1/access/list", ID("access.list") },
	{ "/v1/access/1/revoke", ID("access.revoke") },
};

#define NJSON	 (sizeof(json_routes) / sizeof(json_routes[0]))

/* A bad body: every JSON route answers it the same way. */
struct bad_body {
	const char	*what;
	const char	*body;		/* NULL: made by the code */
	size_t		 len;		/* 0: strlen */
	long		 status;
};

static const struct bad_body bodies[] = {
	{ "not JSON", "{request", 0, 400 },
	{ "a JSON array", "[]", 0, 400 },
	{ "a JSON number", "42", 0, 400 },
	{ "a JSON string", "\"x\"", 0, 400 },
	{ "JSON null", "null", 0, 400 },
	{ "trailing garbage", "{} x", 0, 400 },
	{ "two objects", "{}{}", 0, 400 },
	{ "a NUL byte", "{\"request\":{\"username\":\"a\0b\"}}", 30, 400 },
	{ "invalid UTF-8", "{\"params\":{\"msgid\":\"\xff\"}}", 0, 400 },
	{ "an overlong UTF-8 slash", "{\"params\":{\"msgid\":\"\xc0\xaf\"}}",
	    0, 400 },
	{ "a lone surrogate", "{\"params\":{\"msgid\":\"\\ud800\"}}", 0,
	    400 },
	{ "msgid a number", "{\"params\":{\"msgid\":7}}", 0, 400 },
	{ "msgid an object", "{\"params\":{\"msgid\":{}}}", 0, 400 },
	{ "unterminated string", "{\"request\":{\"username\":\"ab", 0, 400 },
	{ "a comment", "{/* x */}", 0, 400 },
	{ "single quotes", "{'request':{}}", 0, 400 },
	{ "deep nesting", NULL, 0, 400 },
	{ "over max_body", NULL, 0, 413 },
};

#define NBODIES	 (sizeof(bodies) / sizeof(bodies[0]))

/* The deep and the large bodies, made once. */
static char	*deep, *large;

static void
make_bodies(void)
{
	size_t	 i, n = 2000;

	if ((deep = malloc(2 * n + 1)) != NULL) {
		for (i = 0; i < n; i++) {
			deep[i] = '[';
			deep[n + i] = ']';
		}
		deep[2 * n] = '\0';
	}
	n = 200 * 1024;
	if ((large = malloc(n + 64)) != NULL) {
		strcpy(large, "{\"request\":{\"username\":\"");
		memset(large + strlen(large), 'a', n);
		large[n] = '\0';
		strcat(large, "\"}}");
	}
}

/* One answer of the catalogue: the status and the envelope's err. */
static int
answered(const char *what, const struct resp *r, long status,
    const char *err, const char *id)
{
	return CHECK(r->error == NULL && r->status == status && r->json !=
	    NULL && streq(jstr(r->json, "params.status"), "failed") &&
	    (err == NULL || streq(jstr(r->json, "params.err"), err)) &&
	    (id == NULL || streq(jstr(r->json, "id"), id)) &&
	    jstr(r->json, "params.errmsg") != NULL && r->ctype != NULL &&
	    strncmp(r->ctype, "application/json", 16) == 0, "%s: HTTP %ld "
	    "%s (%s), want %ld %s in the envelope", what, r->status,
	    str(jstr(r->json, "params.err")), str(jstr(r->json,
	    "params.errmsg")), status, str(err));
}

static size_t	 ncases;

/* Bodies on every JSON route, as the admin. */
static void
bodies_everywhere(void)
{
	const char	*hdrs[] = { "Content-Type: application/json",
	    admin_auth, NULL };
	char		 what[256];
	const char	*b;
	size_t		 i, j, len;
	struct resp	 r;

	for (i = 0; i < NBODIES; i++)
		for (j = 0; j < NJSON; j++) {
			b = bodies[i].body;
			if (b == NULL)
				b = bodies[i].status == 413 ? large : deep;
			if (b == NULL)
				continue;
			len = bodies[i].len != 0 ? bodies[i].len : strlen(b);
			snprintf(what, sizeof(what), "%s on %s",
			    bodies[i].what, json_routes[j].path);
			post_raw(&r, url, json_routes[j].path, b, len, hdrs,
			    NULL);
			answered(what, &r, bodies[i].status, "BAD_REQUEST",
			    json_routes[j].id);
			resp_free(&r);
			ncases++;
		}
}

/* A bad header (or a missing one) on a route. */
struct bad_header {
	const char	*what;
	const char	*h1, *h2;	/* header lines; "AUTH": the admin's */
	long		 status;
	const char	*err;
};

static const struct bad_header headers[] = {
	{ "no token", "Content-Type: application/json", NULL, 401,
	    "UNAUTHORIZED" },
	{ "a Basic authorization", "Content-Type: application/json",
	    "Authorization: Basic YWRtaW46YWRtaW4=", 401, "UNAUTHORIZED" },
	{ "Bearer and nothing", "Content-Type: application/json",
	    "Authorization: Bearer", 401, "UNAUTHORIZED" },
	{ "Bearer, a space", "Content-Type: application/json",
	    "Authorization: Bearer  ", 401, "UNAUTHORIZED" },
	{ "a token of one part", "Content-Type: application/json",
	    "Authorization: Bearer abc", 401, "UNAUTHORIZED" },
	{ "a token of alg none", "Content-Type: application/json",
	    "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.",
	    401, "UNAUTHORIZED" },
	{ "text/plain", "Content-Type: text/plain", "AUTH", 415,
	    "BAD_REQUEST" },
	{ "a form", "Content-Type: application/x-www-form-urlencoded",
	    "AUTH", 415, "BAD_REQUEST" },
	{ "multipart", "Content-Type: multipart/form-data; boundary=x",
	    "AUTH", 415, "BAD_REQUEST" },
	{ "JSON in latin1", "Content-Type: application/json; charset=latin1",
	    "AUTH", 415, "BAD_REQUEST" },
	{ "JSON with a parameter", "Content-Type: application/json; x=y",
	    "AUTH", 415, "BAD_REQUEST" },
	{ "application/jsonx", "Content-Type: application/jsonx", "AUTH",
	    415, "BAD_REQUEST" },
	{ "no type with a body", "Content-Type:", "AUTH", 415,
	    "BAD_REQUEST" },
	{ "another Host", "Host: evil.example", "AUTH", 421, "BAD_REQUEST" },
	{ "a Host with a bad port", "Host: localhost:80x", "AUTH", 421,
	    "BAD_REQUEST" },
	{ "another site's Origin", "Origin: http://evil.example", "AUTH",
	    403, "FORBIDDEN" },
	{ "Origin null", "Origin: null", "AUTH", 403, "FORBIDDEN" },
	{ "a cross-site fetch", "Sec-Fetch-Site: cross-site", "AUTH", 403,
	    "FORBIDDEN" },
	{ "the portal user as a header", "Adminutil-Portal-User: developer",
	    NULL, 401, "UNAUTHORIZED" },
};

#define NHEADERS	 (sizeof(headers) / sizeof(headers[0]))

static void
headers_everywhere(void)
{
	const char	*hdrs[4];
	char		 what[256];
	size_t		 i, j, n;
	struct resp	 r;
	const char	*body = "{\"request\":{\"username\":\"cat-x\","
	    "\"groups\":[\"a\"],\"key\":\"cat-k\"}}";

	for (i = 0; i < NHEADERS; i++)
		for (j = 0; j < NJSON; j++) {
			n = 0;
			hdrs[n++] = headers[i].h1;
			if (headers[i].h2 != NULL)
				hdrs[n++] = strcmp(headers[i].h2, "AUTH") == 0 ?
				    admin_auth : headers[i].h2;
			/* JSON unless the case is about the type. */
			if (strncmp(headers[i].h1, "Content-Type:", 13) != 0)
				hdrs[n++] = "Content-Type: application/json";
			hdrs[n] = NULL;
			snprintf(what, sizeof(what), "%s on %s",
			    headers[i].what, json_routes[j].path);
			post_raw(&r, url, json_routes[j].path, body, strlen(body),
			    hdrs, NULL);
			answered(what, &r, headers[i].status, headers[i].err,
			    json_routes[j].id);
			resp_free(&r);
			ncases++;
		}
}

/* Paths that are no route, or not one's method. */
static const struct {
	const char	*what, *method, *path;
	long		 status;
	const char	*err;
} paths[] = {
	{ "no such route", "POST", "/v1/nothing", 404, "NOT_FOUND" },
	{ "below a route", "POST", "/v1/consumer/create/x", 404,
	    "NOT_FOUND" },
	{ "a trailing slash", "POST", "/v1/consumer/create/", 404,
	    "NOT_FOUND" },
	{ "a doubled slash", "POST", "/v1//consumer/create", 404,
	    "NOT_FOUND" },
	{ "a dot segment", "POST", "/v1/consumer/./create", 404,
	    "NOT_FOUND" },
	{ "a dot-dot segment", "POST", "/v1/x/../consumer/create", 404,
	    "NOT_FOUND" },
	{ "upper case", "POST", "/V1/CONSUMER/CREATE", 404, "NOT_FOUND" },
	{ "GET of a POST route", "GET", "/v1/consumer/create", 405,
	    "METHOD_NOT_ALLOWED" },
	{ "PUT of a POST route", "PUT", "/v1/consumer/list", 405,
	    "METHOD_NOT_ALLOWED" },
	{ "DELETE of a POST route", "DELETE", "/v1/consumer/x/delete", 405,
	    "METHOD_NOT_ALLOWED" },
	{ "POST of a GET route", "POST", "/health", 405,
	    "METHOD_NOT_ALLOWED" },
	/* nginx's own 400, before adminutil: no envelope to ask for. */
	{ "a bad escape in a name", "POST", "/v1/consumer/%zz/read", 400,
	    NULL },
	{ "a NUL escape in a name", "POST", "/v1/consumer/a%00b/read", 400,
	    NULL },
	{ "a half escape", "POST", "/v1/consumer/a%4/read", 400, NULL },
	{ "an escaped space", "POST", "/v1/consumer/a%20b/read", 400,
	    "BAD_REQUEST" },
	{ "an escaped slash made a name", "POST",
	    "/v1/consumer/%2F/read", 404, "GROUP_FETCH_ERROR" },
	{ "a UUID for a name", "POST",
	    "/v1/consumer/123e4567-e89b-12d3-a456-426614174000/read", 400,
	    "BAD_REQUEST" },
	{ "a key with a space", "POST",
	    "/v1/consumer/cat-user/credential/a%20b/revoke", 400,
	    "BAD_REQUEST" },
	{ "a request id that is no number", "POST", "/v1/access/x1/approve",
	    400, "BAD_REQUEST" },
	{ "a request id of zero", "POST", "/v1/access/0/approve", 400,
	    "BAD_REQUEST" },
	{ "a request id too long", "POST",
	    "/v1/access/1234567890123456789/approve", 400, "BAD_REQUEST" },
	{ "a portal route without the portal", "POST", "/v1/portal/groups",
	    401, "UNAUTHORIZED" },
};

static void
paths_everywhere(void)
{
	const char	*hdrs[] = { "Content-Type: application/json",
	    admin_auth, NULL };
	struct xfer	 x;
	struct resp	 r;
	size_t		 i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		if (strcmp(paths[i].method, "POST") == 0)
			post_raw(&r, url, paths[i].path, "{}", 2, hdrs, NULL);
		else {
			if (xfer_init(&x, &r, url, paths[i].method,
			    paths[i].path, NULL, 0) == -1) {
				xfer_done(&x, CURLE_FAILED_INIT);
				continue;
			}
			curl_easy_setopt(x.h, CURLOPT_PATH_AS_IS, 1L);
			xfer_done(&x, curl_easy_perform(x.h));
		}
		if (paths[i].err != NULL) {
			answered(paths[i].what, &r, paths[i].status,
			    paths[i].err, NULL);
			ncases++;
		} else
			CHECK(r.status == paths[i].status, "%s: HTTP %ld, want "
			    "the web server's %ld", paths[i].what, r.status,
			    paths[i].status);
		resp_free(&r);
	}
}

/* Members of a request that are wrong whatever the name they carry. */
static const struct {
	const char	*what, *path, *request, *err;
	long		 status;
} members[] = {
	{ "username a number", "/v1/consumer/create", "{\"username\":1}",
	    "BAD_REQUEST", 400 },
	{ "username null", "/v1/consumer/create", "{\"username\":null}",
	    "BAD_REQUEST", 400 },
	{ "username an array", "/v1/consumer/create",
	    "{\"username\":[\"a\"]}", "BAD_REQUEST", 400 },
	{ "username empty", "/v1/consumer/create", "{\"username\":\"\"}",
	    "BAD_REQUEST", 400 },
	{ "username a tab", "/v1/consumer/create", "{\"username\":\"a\\tb\"}",
	    "BAD_REQUEST", 400 },
	{ "username a zero-width space", "/v1/consumer/create",
	    "{\"username\":\"ab\\u200b\"}", "BAD_REQUEST", 400 },
	{ "username not NFC", "/v1/consumer/create",
	    "{\"username\":\"e\\u0301\"}", "BAD_REQUEST", 400 },
	{ "username a bidi control", "/v1/consumer/create",
	    "{\"username\":\"a\\u202eb\"}", "BAD_REQUEST", 400 },
	{ "groups a string", "/v1/consumer/cat-user/grant",
	    "{\"groups\":\"a\"}", "BAD_REQUEST", 400 },
	{ "groups empty", "/v1/consumer/cat-user/grant", "{\"groups\":[]}",
	    "BAD_REQUEST", 400 },
	{ "a group with a comma", "/v1/consumer/cat-user/grant",
	    "{\"groups\":[\"a,b\"]}", "BAD_REQUEST", 400 },
	{ "a group a number", "/v1/consumer/cat-user/grant",
	    "{\"groups\":[1]}", "BAD_REQUEST", 400 },
	{ "key a UUID", "/v1/consumer/cat-user/credential/register",
	    "{\"key\":\"123e4567-e89b-12d3-a456-426614174000\"}",
	    "BAD_REQUEST", 400 },
	{ "an unknown algorithm",
	    "/v1/consumer/cat-user/credential/register",
	    "{\"key\":\"k1\",\"algorithm\":\"none\"}", "BAD_REQUEST", 400 },
	{ "RS256 without a key", "/v1/consumer/cat-user/credential/register",
	    "{\"key\":\"k1\",\"algorithm\":\"RS256\"}", "BAD_REQUEST", 400 },
	{ "a public key that is no key",
	    "/v1/consumer/cat-user/credential/register",
	    "{\"key\":\"k1\",\"algorithm\":\"RS256\",\"public_key\":\"x\"}",
	    "BAD_REQUEST", 400 },
	{ "limit over 1000", "/v1/consumer/list", "{\"limit\":1001}",
	    "BAD_REQUEST", 400 },
	{ "offset negative", "/v1/consumer/list", "{\"offset\":-1}",
	    "BAD_REQUEST", 400 },
	{ "limit a string", "/v1/consumer/list", "{\"limit\":\"10\"}",
	    "BAD_REQUEST", 400 },
	{ "limit a float", "/v1/consumer/list", "{\"limit\":1.5}",
	    "BAD_REQUEST", 400 },
	{ "prefix a number", "/v1/consumer/list", "{\"prefix\":1}",
	    "BAD_REQUEST", 400 },
	{ "since_id negative", "/v1/audit/list", "{\"since_id\":-5}",
	    "BAD_REQUEST", 400 },
	{ "grace over a week",
	    "/v1/consumer/cat-user/credential/cat-key/rotate",
	    "{\"grace_seconds\":604801}", "BAD_REQUEST", 400 },
	{ "a state that is none", "/v1/access/list", "{\"state\":\"gone\"}",
	    "BAD_REQUEST", 400 },
	{ "a reject without a reason", "/v1/access/1/reject", "{}",
	    "BAD_REQUEST", 400 },
	{ "a revocation without a reason", "/v1/access/1/revoke", "{}",
	    "BAD_REQUEST", 400 },
	{ "a revocation's reason a number", "/v1/access/1/revoke",
	    "{\"reason\":5}", "BAD_REQUEST", 400 },
	{ "a revocation's reason of control bytes", "/v1/access/1/revoke",
	    "{\"reason\":\"a\\u0001b\"}", "BAD_REQUEST", 400 },
	{ "a revocation of request 0", "/v1/access/0/revoke",
	    "{\"reason\":\"r\"}", "BAD_REQUEST", 400 },
	{ "a revocation of no such request", "/v1/access/999999999/revoke",
	    "{\"reason\":\"r\"}", "NOT_FOUND", 404 },
};

static void
members_everywhere(void)
{
	const char	*hdrs[] = { "Content-Type: application/json",
	    admin_auth, NULL };
	char		*body;
	struct resp	 r;
	size_t		 i;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		if ((body = envelope("", members[i].request)) == NULL)
			continue;
		post_raw(&r, url, members[i].path, body, strlen(body), hdrs,
		    NULL);
		answered(members[i].what, &r, members[i].status,
		    members[i].err, NULL);
		resp_free(&r);
		free(body);
		ncases++;
	}
}

/* Configuration lines adminutil -t refuses, naming the key. */
static const struct {
	const char	*line, *needle;
} lines[] = {
	{ "workers = 0", "workers" },
	{ "workers = 257", "workers" },
	{ "workers = four", "workers" },
	{ "backlog = -1", "backlog" },
	{ "socket_mode = 0999", "socket_mode" },
	{ "max_body = 1g", "max_body" },
	{ "max_body = 1", "max_body" },
	{ "log_level = loud", "log_level" },
	{ "log_target = file:relative.log", "log_target" },
	{ "log_target = journald", "log_target" },
	{ "routes = admin,web", "routes" },
	{ "routes =", "routes" },
	{ "acl_default = allow", "acl_default" },
	{ "admin_auth = token", "admin_auth" },
	{ "sandbox = maybe", "sandbox" },
	{ "sandbox = KILL", "sandbox" },
	{ "require_exp = maybe", "require_exp" },
	{ "secret_readback = 2", "secret_readback" },
	{ "clock_skew = 3601", "clock_skew" },
	{ "cache_ttl = -5", "cache_ttl" },
	{ "cache_size = 1", "cache_size" },
	{ "db_port = 70000", "db_port" },
	{ "db_hosts = db1:3306,db2", "db_hosts" },
	{ "db_hosts = db1:0", "db_hosts" },
	{ "db_read_hosts = [::1:3306", "db_read_hosts" },
	{ "listen = 127.0.0.1:99999", "listen" },
	{ "auth_listen = nowhere", "auth_listen" },
	{ "user = no-such-user-e2e", "user" },
	{ "acl_file = /nonexistent/acl", "acl_file" },
	{ "seal_key_file = /nonexistent/key", "seal_key_file" },
	{ "smtp_auth_file = /nonexistent/auth", "smtp_auth_file" },
	{ "no_such_key = 1", "no_such_key" },
	{ "workers 4", "expected key = value" },
	{ "workers = 4\nworkers = 5", "set again" },
	{ "default_group =", "default_group" },
	{ "default_group = a,b", "default_group" },
	{ "key_claim =", "key_claim" },
	{ "admin_groups =", "admin_groups" },
};

static void
config_lines(void)
{
	char	 dir[] = "/tmp/e2e-cat.XXXXXX", conf[64], out[64], text[2048];
	FILE	*f;
	size_t	 i, n;
	int	 rc;

	if (!CHECK(mkdtemp(dir) != NULL, "mkdtemp failed"))
		return;
	snprintf(conf, sizeof(conf), "%s/a.conf", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		if ((f = fopen(conf, "w")) == NULL)
			continue;
		fprintf(f, "%s\n", lines[i].line);
		fclose(f);
		/* adminutil -t with that file alone (run_adminutil's own -c
		 * is the instance's: this one comes after and wins). */
		rc = run_adminutil(ARGS("-c", conf, "-t"), NULL, out);
		text[0] = '\0';
		if ((f = fopen(out, "r")) != NULL) {
			n = fread(text, 1, sizeof(text) - 1, f);
			text[n] = '\0';
			fclose(f);
		}
		CHECK(rc == 1 && strstr(text, lines[i].needle) != NULL,
		    "adminutil -t with \"%s\": exit %d, said \"%.200s\", want "
		    "it to name %s", lines[i].line, rc, text, lines[i].needle);
		ncases++;
	}
	unlink(conf);
	unlink(out);
	rmdir(dir);
}

/*
 * The catalogue: at least 200 cases, each answered with the envelope
 * and its code, and nothing written.
 */
static void
test_catalogue(void)
{
	long long	 before, after;

	make_bodies();
	if (!CHECK((before = checksum()) != -1, "no checksum of the tables"))
		goto done;
	ncases = 0;
	bodies_everywhere();
	headers_everywhere();
	paths_everywhere();
	members_everywhere();
	after = checksum();
	CHECK(after == before, "the bad inputs changed the database");
	config_lines();
	CHECK(ncases >= 200, "the catalogue has %zu cases, want 200 or more",
	    ncases);
	printf("\n    catalogue: %zu cases\n", ncases);
done:
	free(deep);
	free(large);
	deep = large = NULL;
}

const struct e2e_test catalogue_tests[] = {
	{ "bad inputs: a catalogue of 200 and more, each an envelope, "
	    "nothing written", test_catalogue, FULL },
};

const size_t catalogue_ntests = sizeof(catalogue_tests) /
    sizeof(catalogue_tests[0]);
