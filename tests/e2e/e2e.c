/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of adminutil: HTTP through a real web server (nginx
 * or lighttpd) to a real adminutil on a real MariaDB.  tests/e2e/run-*.sh
 * start all of that in a temporary directory and say where it is:
 *
 *   E2E_URL		the web server in front of the instance under test
 *   E2E_DOWN_URL	the one in front of an instance without a database
 *   E2E_MASTER_PID	the master process of the instance under test
 *   E2E_DB_SOCK	MariaDB's socket (root, no password)
 *   E2E_DB_NAME	the service's database
 *   E2E_CONF		the configuration of the instance under test
 *   E2E_BIN		the adminutil program under test
 *   E2E_GW_URL		the web server's gateway, which asks the instance
 *			under test about every request (gateway*.c)
 *   E2E_WEB		the web server: nginx or lighttpd
 *   E2E_ADMIN_TOKEN	a file holding a token of the admin the tests act as
 *   E2E_ADMIN_CREDS	a file of its username= and key= (and secret=) lines
 *   E2E_PORTAL_URL	the web server's portal (nginx only; portal*.c)
 *   E2E_PORTAL_PASSWORDS its people: "user password" lines
 *   E2E_SUITE		"full", everything (its last test stops the
 *			instance), or "smoke", a sample
 *   E2E_ONLY		optional: only the tests whose name has this text
 *   E2E_ANSWERS	optional: a file each answer is appended to, one
 *			JSON line (tests/docs/openapi.mjs checks them
 *			against docs/openapi.yaml)
 *
 * The gateway's tests are in gateway*.c (their helpers in gateway.h),
 * the harness all use in e2e.h.
 * Every test makes its own consumers, so the tests are independent.
 * Nothing secret is printed: secrets and tokens are compared, never
 * shown.  Exit status: 0 all passed, 1 a test failed, 99 hard error.
 */
#include "build.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>
#include <curl/curl.h>
#include <json-c/json.h>
#include <mysql.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "e2e.h"

#define NCONCURRENT	 50
#define MAX_KIDS	 64

/* The environment (see above). */
const char	*url, *down_url, *conf_path, *db_sock, *db_name;
const char	*gw_url, *web, *portal_url, *portal_passwords;
const char		*bin;		/* E2E_BIN: the adminutil under test */
const char		*probe_lib;	/* E2E_PROBE: tests/e2e/probe.c's */
unsigned	 suite;
pid_t		 master;
pid_t		 db_pid;		/* E2E_DB_PID: MariaDB's */
MYSQL		*db;
char		*admin_auth;
char		 admin_user[NAMESZ], admin_key[NAMESZ];

#define EMPTY_GROUPS	 "{\"username\":\"\",\"groups\":[]}"

const struct e2e_route routes[] = {
	[RT_CREATE] = { "/v1/consumer/create", "POST", ID("consumer.create"),
	    "{\"key\":\"\",\"secret\":\"\",\"username\":\"\"}" },
	[RT_GRANT] = { "/v1/consumer/%s/grant", "POST", ID("consumer.grant"),
	    EMPTY_GROUPS },
	[RT_READ] = { "/v1/consumer/%s/read", "POST", ID("consumer.read"),
	    "{\"username\":\"\",\"groups\":[],\"limits\":{}}" },
	[RT_REVOKE] = { "/v1/consumer/%s/revoke", "POST",
	    ID("consumer.revoke"), EMPTY_GROUPS },
	[RT_DELETE] = { "/v1/consumer/%s/delete", "POST",
	    ID("consumer.delete"), "{\"username\":\"\"}" },
	[RT_LIST] = { "/v1/consumer/list", "POST", ID("consumer.list"),
	    "{\"count\":0,\"consumers\":[]}" },
	[RT_CRED_REGISTER] = { "/v1/consumer/%s/credential/register", "POST",
	    ID("credential.register"),
	    "{\"key\":\"\",\"secret\":\"\",\"token\":\"\"}" },
	[RT_CRED_LIST] = { "/v1/consumer/%s/credential/list", "POST",
	    ID("credential.list"), "{\"username\":\"\",\"credentials\":[]}" },
	[RT_CRED_REVOKE] = { "/v1/consumer/%s/credential/%s/revoke", "POST",
	    ID("credential.revoke"), "{\"username\":\"\",\"key\":\"\"}" },
	[RT_HEALTH] = { "/health", "GET", "ekstep.am.adminutil.health", NULL },
	[RT_AUTH] = { "/v1/auth", "GET", ID("auth"), EMPTY_GROUPS },
	[RT_INTROSPECT] = { "/v1/token/introspect", "POST",
	    ID("token.introspect"), "{}" },
	[RT_AUDIT] = { "/v1/audit/list", "POST", ID("audit.list"),
	    "{\"count\":0,\"entries\":[]}" },
	[RT_LIMITS] = { "/v1/consumer/%s/limits", "POST", ID("consumer.limits"),
	    "{\"username\":\"\",\"limits\":{}}" },
	[RT_NONE] = { "", "POST", NULL, "{}" },
};

/* checks */

const char *
str(const char *s)
{
	return s != NULL ? s : "(none)";
}

int
streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

int
check(int ok, const char *file, unsigned line, const char *func,
    const char *fmt, ...)
{
	char	 msg[1024] = "";
	va_list	 ap;

	if (!ok) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	CU_assertImplementation(ok ? CU_TRUE : CU_FALSE, line, msg, file, func,
	    CU_FALSE);
	return ok;
}

long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
sleep_ms(long ms)
{
	struct timespec	 ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Polls cond(arg) every step ms for at most ms; its last answer. */
int
wait_until(int (*cond)(void *), void *arg, long ms, long step)
{
	long	 waited;

	for (waited = 0; !cond(arg); waited += step) {
		if (waited >= ms)
			return cond(arg);
		sleep_ms(step);
	}
	return 1;
}

/* A name unique in this run: "e2e-<tag>-<pid>-<n>". */
const char *
fresh(char *buf, size_t sz, const char *tag)
{
	static unsigned	 n;

	snprintf(buf, sz, "e2e-%s-%ld-%u", tag, (long)getpid(), ++n);
	return buf;
}

static int
is_lowhex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* len lowercase hex digits. */
int
is_hex(const char *s, size_t len)
{
	size_t	 i;

	if (s == NULL || strlen(s) != len)
		return 0;
	for (i = 0; i < len; i++)
		if (!is_lowhex(s[i]))
			return 0;
	return 1;
}

/* A lowercase RFC 4122 version 4 UUID. */
static int
is_uuid4(const char *s)
{
	size_t	 i;

	if (s == NULL || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!is_lowhex(s[i]))
			return 0;
	return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

/* json */

/* The member at a dotted path; *found tells a JSON null from absence. */
static json_object *
jpath(json_object *o, const char *path, int *found)
{
	char		 name[64];
	const char	*dot;
	size_t		 len;

	if (found != NULL)
		*found = 0;
	for (;;) {
		if (o == NULL || !json_object_is_type(o, json_type_object))
			return NULL;
		dot = strchr(path, '.');
		len = dot != NULL ? (size_t)(dot - path) : strlen(path);
		if (len >= sizeof(name))
			return NULL;
		memcpy(name, path, len);
		name[len] = '\0';
		if (!json_object_object_get_ex(o, name, &o))
			return NULL;
		if (dot == NULL)
			break;
		path = dot + 1;
	}
	if (found != NULL)
		*found = 1;
	return o;
}

json_object *
jget(json_object *o, const char *path)
{
	return jpath(o, path, NULL);
}

/* The string at path, or NULL when it is absent or no string. */
const char *
jstr(json_object *o, const char *path)
{
	json_object	*v = jget(o, path);

	return json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : NULL;
}

int
jisnull(json_object *o, const char *path)
{
	int	 found;

	return jpath(o, path, &found) == NULL && found;
}

const char *
jtext(json_object *o)
{
	return o != NULL ? json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) : "null";
}

/* Whether the object's keys are exactly keys, in that order. */
int
check_keys(const char *what, const char *name, json_object *o,
    const char *const *keys)
{
	char	 got[256] = "", want[256] = "";
	size_t	 i = 0;
	int	 ok = json_object_is_type(o, json_type_object);

	if (ok) {
		json_object_object_foreach(o, k, v) {
			(void)v;
			if (keys[i] == NULL || strcmp(k, keys[i]) != 0)
				ok = 0;
			else
				i++;
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    " %s", k);
		}
		ok = ok && keys[i] == NULL;
	}
	for (i = 0; keys[i] != NULL; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
		    " %s", keys[i]);
	return CHECK(ok, "%s: %s keys [%s ], want [%s ]", what, name, got,
	    want);
}

/* Whether arr is the array of the strings of want (NULL-ended). */
int
check_strings(const char *what, const char *name, json_object *arr,
    const char *const *want)
{
	char	 w[512] = "";
	size_t	 i, n;
	int	 ok = json_object_is_type(arr, json_type_array);

	for (n = 0; want[n] != NULL; n++)
		snprintf(w + strlen(w), sizeof(w) - strlen(w), "%s\"%s\"",
		    n > 0 ? "," : "", want[n]);
	if (ok && json_object_array_length(arr) != n)
		ok = 0;
	for (i = 0; ok && i < n; i++)
		ok = json_object_is_type(json_object_array_get_idx(arr, i),
		    json_type_string) && streq(json_object_get_string(
		    json_object_array_get_idx(arr, i)), want[i]);
	return CHECK(ok, "%s: %s %s, want [%s]", what, name, jtext(arr), w);
}

/* base64url, as JWTs have it: no padding. */
void
b64url(char *out, const unsigned char *in, size_t n)
{
	char	*p;
	int	 len;

	len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
	while (len > 0 && out[len - 1] == '=')
		len--;
	out[len] = '\0';
	for (p = out; *p != '\0'; p++)
		if (*p == '+')
			*p = '-';
		else if (*p == '/')
			*p = '_';
}

/*
 * "Authorization: Bearer <HS256 token {iss: key, iat: now}>" signed
 * with secret, in a new string; NULL.
 */
char *
hs256_bearer(const char *key, const char *secret)
{
	char		 h[64], p[NAMESZ * 2], claims[NAMESZ + 64], in[NAMESZ * 3];
	char		 sig[128], *out;
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0;
	static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";

	snprintf(claims, sizeof(claims), "{\"iss\":\"%s\",\"iat\":%lld}", key,
	    now_ms() / 1000);
	b64url(h, (const unsigned char *)hdr, strlen(hdr));
	b64url(p, (const unsigned char *)claims, strlen(claims));
	snprintf(in, sizeof(in), "%s.%s", h, p);
	if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)in, strlen(in), mac, &len) == NULL)
		return NULL;
	b64url(sig, mac, len);
	return asprintf(&out, "Authorization: Bearer %s.%s", in, sig) == -1 ?
	    NULL : out;
}

/* The JSON in a base64url part of a token, or NULL. */
json_object *
b64url_json(const char *s, size_t len)
{
	char		 b64[1028];
	unsigned char	 out[800];
	size_t		 i, pad = (4 - len % 4) % 4;
	int		 n;

	if (len + pad >= sizeof(b64))
		return NULL;
	for (i = 0; i < len; i++)
		b64[i] = s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i];
	for (i = 0; i < pad; i++)
		b64[len + i] = '=';
	if ((n = EVP_DecodeBlock(out, (unsigned char *)b64,
	    (int)(len + pad))) < 0 || (size_t)n < pad)
		return NULL;
	out[n - pad] = '\0';
	return json_tokener_parse((char *)out);
}

/* http */

static size_t
buf_add(char *data, size_t size, size_t n, void *arg)
{
	struct buf	*b = arg;
	char		*p;

	if ((p = realloc(b->p, b->len + size * n + 1)) == NULL)
		return 0;
	memcpy(p + b->len, data, size * n);
	b->len += size * n;
	p[b->len] = '\0';
	b->p = p;
	return size * n;
}

void
resp_free(struct resp *r)
{
	free(r->ctype);
	free(r->error);
	free(r->head.p);
	free(r->body.p);
	json_object_put(r->json);
	memset(r, 0, sizeof(*r));
}

/* Sets up method base+path with body (len bytes; POST only). */
int
xfer_init(struct xfer *x, struct resp *r, const char *base,
    const char *method, const char *path, const char *body, size_t len)
{
	char	*u = NULL;

	memset(x, 0, sizeof(*x));
	memset(r, 0, sizeof(*r));
	x->r = r;
	if ((x->h = curl_easy_init()) == NULL ||
	    asprintf(&u, "%s%s", base, path) == -1)
		return -1;
	curl_easy_setopt(x->h, CURLOPT_URL, u);
	free(u);
	curl_easy_setopt(x->h, CURLOPT_ERRORBUFFER, x->err);
	curl_easy_setopt(x->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, buf_add);
	curl_easy_setopt(x->h, CURLOPT_WRITEDATA, &r->body);
	curl_easy_setopt(x->h, CURLOPT_HEADERFUNCTION, buf_add);
	curl_easy_setopt(x->h, CURLOPT_HEADERDATA, &r->head);
	x->hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	/* Every admin route is a POST: as the admin, unless told else. */
	if (strcmp(method, "POST") == 0 && admin_auth != NULL)
		x->hdrs = curl_slist_append(x->hdrs, admin_auth);
	curl_easy_setopt(x->h, CURLOPT_HTTPHEADER, x->hdrs);
	if (strcmp(method, "POST") == 0) {
		curl_easy_setopt(x->h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)len);
		curl_easy_setopt(x->h, CURLOPT_COPYPOSTFIELDS,
		    body != NULL ? body : "");
	} else if (strcmp(method, "GET") == 0)
		curl_easy_setopt(x->h, CURLOPT_HTTPGET, 1L);
	else
		curl_easy_setopt(x->h, CURLOPT_CUSTOMREQUEST, method);
	return 0;
}

/* Whether u is at base: base itself, or base then a '/' or a '?'. */
static int
at_base(const char *u, const char *base)
{
	size_t	 n;

	if (base == NULL || (n = strlen(base)) == 0 || strncmp(u, base, n) != 0)
		return 0;
	return u[n] == '\0' || u[n] == '/' || u[n] == '?';
}

/*
 * Appends the answer of a finished transfer to the file E2E_ANSWERS
 * names, one JSON line {plane, method, url, status, ctype, head, body}:
 * the plane says which of the web server's faces answered.  The
 * gateway's passes (tens of thousands) are left out.  One write(2)
 * of O_APPEND per line, so the threads' lines never mix.  The file may
 * hold secrets: it is made 0600, in the run's own directory.
 */
static void
answer_keep(struct xfer *x)
{
	const char	*path = getenv("E2E_ANSWERS"), *u = NULL, *m = NULL;
	const char	*plane = "other", *s;
	static char	 nl[] = "\n";
	struct iovec	 iov[2];
	json_object	*o;
	size_t		 len;
	int		 fd;

	if (path == NULL || *path == '\0' || x->h == NULL ||
	    x->r->status == 0)
		return;
	curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_URL, &u);
	curl_easy_getinfo(x->h, CURLINFO_EFFECTIVE_METHOD, &m);
	if (u == NULL || m == NULL)
		return;
	if (at_base(u, url) || at_base(u, down_url))
		plane = "admin";
	else if (at_base(u, gw_url)) {
		/* A pass is the API's answer, not adminutil's: not kept. */
		if (x->r->status < 400)
			return;
		plane = "gateway";
	} else if (at_base(u, portal_url))
		plane = "portal";
	if ((o = json_object_new_object()) == NULL)
		return;
	json_object_object_add(o, "plane", json_object_new_string(plane));
	json_object_object_add(o, "method", json_object_new_string(m));
	json_object_object_add(o, "url", json_object_new_string(u));
	json_object_object_add(o, "status",
	    json_object_new_int64(x->r->status));
	json_object_object_add(o, "ctype", x->r->ctype != NULL ?
	    json_object_new_string(x->r->ctype) : NULL);
	json_object_object_add(o, "head", json_object_new_string_len(
	    x->r->head.p != NULL ? x->r->head.p : "", (int)x->r->head.len));
	json_object_object_add(o, "body", json_object_new_string_len(
	    x->r->body.p != NULL ? x->r->body.p : "", (int)x->r->body.len));
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE, &len);
	if (s != NULL &&
	    (fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600)) != -1) {
		iov[0].iov_base = (void *)(uintptr_t)s;
		iov[0].iov_len = len;
		iov[1].iov_base = nl;
		iov[1].iov_len = 1;
		if (writev(fd, iov, 2) != (ssize_t)len + 1)
			fprintf(stderr, "e2e: cannot append to %s\n", path);
		close(fd);
	}
	json_object_put(o);
}

/* Collects the answer of a finished transfer and frees the handle. */
void
xfer_done(struct xfer *x, CURLcode rc)
{
	struct resp	*r = x->r;
	char		*ct = NULL;

	if (x->h == NULL)
		r->error = strdup("cannot set up the transfer");
	else {
		if (rc != CURLE_OK)
			r->error = strdup(x->err[0] != '\0' ? x->err :
			    curl_easy_strerror(rc));
		curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &r->status);
		if (curl_easy_getinfo(x->h, CURLINFO_CONTENT_TYPE, &ct) ==
		    CURLE_OK && ct != NULL)
			r->ctype = strdup(ct);
		answer_keep(x);
	}
	if (r->body.p != NULL && r->ctype != NULL &&
	    strncmp(r->ctype, "application/json", 16) == 0)
		r->json = json_tokener_parse(r->body.p);
	curl_slist_free_all(x->hdrs);
	curl_easy_cleanup(x->h);
	x->h = NULL;
	x->hdrs = NULL;
}

/* One request, no checks (safe in any thread). */
void
fetch(struct resp *r, const char *base, const char *method, const char *path,
    const char *body, size_t len)
{
	struct xfer	 x;

	if (xfer_init(&x, r, base, method, path, body, len) == -1) {
		xfer_done(&x, CURLE_FAILED_INIT);
		return;
	}
	xfer_done(&x, curl_easy_perform(x.h));
}

/* One request; a transport error is a failed check. */
void
http(struct resp *r, const char *base, const char *method, const char *path,
    const char *body, size_t len)
{
	fetch(r, base, method, path, body, len);
	CHECK(r->error == NULL, "%s %s: %s", method, path, str(r->error));
}

void
post_raw(struct resp *r, const char *base, const char *path,
    const char *body, size_t len, const char *const *hdrs,
    const char *userpwd)
{
	struct xfer	 x;
	size_t		 i;

	if (xfer_init(&x, r, base, "POST", path, body, len) == -1) {
		xfer_done(&x, CURLE_FAILED_INIT);
		return;
	}
	curl_slist_free_all(x.hdrs);
	x.hdrs = curl_slist_append(NULL, "Expect:");
	for (i = 0; hdrs != NULL && hdrs[i] != NULL; i++)
		x.hdrs = curl_slist_append(x.hdrs, hdrs[i]);
	curl_easy_setopt(x.h, CURLOPT_HTTPHEADER, x.hdrs);
	curl_easy_setopt(x.h, CURLOPT_PATH_AS_IS, 1L);
	if (userpwd != NULL)
		curl_easy_setopt(x.h, CURLOPT_USERPWD, userpwd);
	xfer_done(&x, curl_easy_perform(x.h));
}

/* POSTs body (a string) to path of E2E_URL. */
void
post(struct resp *r, const char *path, const char *body)
{
	http(r, url, "POST", path, body, strlen(body));
}

void
get(struct resp *r, const char *base, const char *path)
{
	http(r, base, "GET", path, NULL, 0);
}

/* The contract's request envelope around request (NULL: none). */
char *
envelope(const char *msgid, const char *request)
{
	char	*s;

	if (asprintf(&s, "{\"id\":\"e2e\",\"ver\":\"1.0\",\"ets\":%lld,"
	    "\"params\":{\"msgid\":\"%s\"}%s%s}", now_ms(), msgid,
	    request != NULL ? ",\"request\":" : "",
	    request != NULL ? request : "") == -1)
		return NULL;
	return s;
}

/*
 * Calls rt at base for user and key (as the path has them) with the
 * envelope of request (JSON text; NULL for none).
 */
void
api(struct resp *r, const char *base, enum rt rt, const char *user,
    const char *key, const char *request)
{
	char	 path[1024];
	char	*body = NULL;

	snprintf(path, sizeof(path), routes[rt].path, user, key);
	if (strcmp(routes[rt].method, "POST") == 0)
		body = envelope("", request);
	http(r, base, routes[rt].method, path, body,
	    body != NULL ? strlen(body) : 0);
	free(body);
}

void
call(struct resp *r, enum rt rt, const char *user, const char *request)
{
	api(r, url, rt, user, NULL, request);
}

/* The value of header name (case-insensitive) into out; 0 or -1. */
int
header(const struct resp *r, const char *name, char *out, size_t sz)
{
	const char	*p = r->head.p, *e;
	size_t		 n = strlen(name);

	for (; p != NULL && *p != '\0'; p = e + 1) {
		if ((e = strchr(p, '\n')) == NULL)
			e = p + strlen(p) - 1;
		if (strncasecmp(p, name, n) != 0 || p[n] != ':')
			continue;
		for (p += n + 1; *p == ' '; p++)
			;
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n'))
			n--;
		snprintf(out, sz, "%.*s", (int)n, p);
		return 0;
	}
	return -1;
}

/* the envelope */

static const char *const envelope_keys[] = {
	"id", "ver", "ets", "params", "result", NULL
};
static const char *const params_keys[] = {
	"status", "err", "errmsg", "msgid", "resmsgid", NULL
};
/* Both, as they must follow each other in the text. */
static const char *const text_keys[] = {
	"id", "ver", "ets", "params", "status", "err", "errmsg", "msgid",
	"resmsgid", "result", NULL
};

/* Whether "key": of each of keys occurs in text, in that order. */
static int
text_in_order(const char *text, const char *const *keys)
{
	char	 pat[64];

	for (; text != NULL && *keys != NULL; keys++) {
		snprintf(pat, sizeof(pat), "\"%s\":", *keys);
		if ((text = strstr(text, pat)) != NULL)
			text += strlen(pat);
	}
	return text != NULL;
}

/* The contract's envelope of rt with HTTP status. */
int
check_envelope(const char *what, const struct resp *r, enum rt rt,
    long status)
{
	json_object	*ets;
	long long	 t;
	int		 ok;

	ok = CHECK(r->status == status, "%s: HTTP %ld, want %ld", what,
	    r->status, status);
	ok &= CHECK(streq(r->ctype, CTYPE_JSON), "%s: Content-Type %s, "
	    "want %s", what, str(r->ctype), CTYPE_JSON);
	if (!CHECK(json_object_is_type(r->json, json_type_object),
	    "%s: the body is no JSON object", what))
		return 0;
	ok &= check_keys(what, "envelope", r->json, envelope_keys);
	ok &= check_keys(what, "params", jget(r->json, "params"),
	    params_keys);
	ok &= CHECK(text_in_order(r->body.p, text_keys), "%s: the body text "
	    "does not have id, ver, ets, params{status, err, errmsg, msgid, "
	    "resmsgid}, result in that order", what);
	if (routes[rt].id != NULL)
		ok &= CHECK(streq(jstr(r->json, "id"), routes[rt].id),
		    "%s: id %s, want %s", what, str(jstr(r->json, "id")),
		    routes[rt].id);
	else
		ok &= CHECK(jstr(r->json, "id") != NULL, "%s: no id", what);
	ok &= CHECK(streq(jstr(r->json, "ver"), "1.0"), "%s: ver %s", what,
	    str(jstr(r->json, "ver")));
	ets = jget(r->json, "ets");
	t = json_object_get_int64(ets);
	ok &= CHECK(json_object_is_type(ets, json_type_int) &&
	    llabs(t - now_ms()) <= SKEW_MS, "%s: ets %s is not the epoch "
	    "milliseconds of now", what, jtext(ets));
	ok &= CHECK(streq(jstr(r->json, "params.status"),
	    status == 200 ? "successful" : "failed"), "%s: params.status %s",
	    what, str(jstr(r->json, "params.status")));
	ok &= CHECK(jstr(r->json, "params.msgid") != NULL,
	    "%s: params.msgid is no string", what);
	ok &= CHECK(is_uuid4(jstr(r->json, "params.resmsgid")),
	    "%s: params.resmsgid %s is no lowercase UUIDv4", what,
	    str(jstr(r->json, "params.resmsgid")));
	if (status == 200)
		ok &= CHECK(jisnull(r->json, "params.err") &&
		    jisnull(r->json, "params.errmsg") &&
		    strstr(r->body.p, "\"err\":null,\"errmsg\":null,") != NULL,
		    "%s: err and errmsg are not written out as null", what);
	else
		ok &= CHECK(jstr(r->json, "params.err") != NULL &&
		    jstr(r->json, "params.errmsg") != NULL,
		    "%s: a failure without err and errmsg", what);
	ok &= CHECK(json_object_is_type(jget(r->json, "result"),
	    json_type_object), "%s: result is no object", what);
	return ok;
}

/* A success of rt: its result (owned by r), or NULL after a failure. */
json_object *
expect_ok(const char *what, const struct resp *r, enum rt rt)
{
	if (!check_envelope(what, r, rt, 200))
		return NULL;
	return jget(r->json, "result");
}

/*
 * A failure of rt: HTTP status, err, errmsg (NULL: any text) and the
 * route's fields, empty, as the result.
 */
void
expect_err(const char *what, const struct resp *r, enum rt rt, long status,
    const char *err, const char *errmsg)
{
	json_object	*want;
	const char	*msg;

	check_envelope(what, r, rt, status);
	if (!json_object_is_type(r->json, json_type_object))
		return;
	CHECK(streq(jstr(r->json, "params.err"), err), "%s: err %s, want %s",
	    what, str(jstr(r->json, "params.err")), err);
	msg = jstr(r->json, "params.errmsg");
	if (errmsg != NULL)
		CHECK(streq(msg, errmsg), "%s: errmsg \"%s\", want \"%s\"",
		    what, str(msg), errmsg);
	else
		CHECK(msg != NULL && *msg != '\0', "%s: errmsg is empty", what);
	if (routes[rt].empty == NULL)
		return;
	want = json_tokener_parse(routes[rt].empty);
	/* A result with a secret in it is not shown. */
	CHECK(json_object_equal(jget(r->json, "result"), want),
	    "%s: result %s, want %s", what, jstr(r->json, "result.secret") !=
	    NULL && *jstr(r->json, "result.secret") != '\0' ?
	    "(with a secret)" : jtext(jget(r->json, "result")),
	    routes[rt].empty);
	json_object_put(want);
}

/* The result of create or credential/register: key, secret, third. */
static int
check_credential(const char *what, json_object *res, const char *third,
    const char *value)
{
	const char *const keys[] = { "key", "secret", third, NULL };
	int		 ok;

	ok = check_keys(what, "result", res, keys);
	ok &= CHECK(is_hex(jstr(res, "secret"), HEX32),
	    "%s: the secret is not 32 lowercase hex digits", what);
	if (value != NULL)
		ok &= CHECK(streq(jstr(res, third), value),
		    "%s: %s %s, want %s",
		    what, third, str(jstr(res, third)), value);
	return ok;
}

/*
 * The result {username, groups} of a grant or revoke, or {username,
 * groups, limits} of a read or a listing, with groups want (NULL-ended)
 * and limits {}: these tests' consumers have none of their own.
 */
static int
check_groups(const char *what, json_object *res, const char *user,
    const char *const *want)
{
	static const char *const keys[] = { "username", "groups", NULL };
	static const char *const rkeys[] = { "username", "groups", "limits",
	    NULL };
	json_object	*lim = NULL;
	int		 ok;

	if (json_object_object_get_ex(res, "limits", &lim)) {
		ok = check_keys(what, "result", res, rkeys);
		ok &= CHECK(json_object_is_type(lim, json_type_object) &&
		    json_object_object_length(lim) == 0, "%s: limits %s, "
		    "want {}", what, jtext(lim));
	} else
		ok = check_keys(what, "result", res, keys);
	ok &= CHECK(streq(jstr(res, "username"), user), "%s: username %s, "
	    "want %s", what, str(jstr(res, "username")), user);
	return ok & check_strings(what, "groups", jget(res, "groups"), want);
}

/*
 * Creates user and checks the answer; copies its key (NAMESZ bytes: a
 * registered key may be the answer) and secret (HEX32 + 1) when they
 * are not NULL.  0, or -1 after a failed check.
 */
static int
create_any(const char *user, char *key, char *secret)
{
	struct resp	 r;
	json_object	*res;
	char		 req[NAMESZ + 32];
	int		 rc = -1;

	snprintf(req, sizeof(req), "{\"username\":\"%s\"}", user);
	call(&r, RT_CREATE, NULL, req);
	if ((res = expect_ok("create", &r, RT_CREATE)) != NULL &&
	    check_credential("create", res, "username", user)) {
		if (key != NULL)
			snprintf(key, NAMESZ, "%s", str(jstr(res, "key")));
		if (secret != NULL)
			snprintf(secret, HEX32 + 1, "%s", jstr(res, "secret"));
		rc = 0;
	}
	resp_free(&r);
	return rc;
}

/* create_any of a new user: the key is generated, 32 hex digits too. */
int
create(const char *user, char *key, char *secret)
{
	char	 k[NAMESZ];

	if (create_any(user, k, secret) == -1 || !CHECK(is_hex(k, HEX32),
	    "create: the key is not 32 lowercase hex digits"))
		return -1;
	if (key != NULL)
		snprintf(key, HEX32 + 1, "%s", k);
	return 0;
}

/* The gateway's copy of user's groups, consumers.group_list, is want. */
static void
check_group_list(const char *what, const char *user,
    const char *const *want)
{
	char	 joined[1536], uhex[2 * NAMESZ + 1], *jhex;
	size_t	 n = 0, i, len;

	for (i = 0; want[i] != NULL; i++) {
		len = strlen(want[i]);
		if (n + len + 1 >= sizeof(joined) || strlen(user) > NAMESZ)
			return;		/* too long for sql_num()'s query */
		if (i > 0)
			joined[n++] = ',';
		memcpy(joined + n, want[i], len);
		n += len;
	}
	if ((jhex = malloc(2 * n + 1)) == NULL)
		return;
	mysql_hex_string(jhex, joined, n);
	mysql_hex_string(uhex, user, strlen(user));
	CHECK(sql_num("SELECT COUNT(*) FROM consumers WHERE HEX(username) = "
	    "'%s' AND HEX(group_list) = '%s'", uhex, jhex) == 1, "%s: "
	    "consumers.group_list is not the groups, comma-joined", what);
	free(jhex);
}

/* Calls rt (read, grant, revoke) and checks user's groups are want. */
void
expect_groups(const char *what, enum rt rt, const char *user,
    const char *request, const char *const *want)
{
	struct resp	 r;
	json_object	*res;

	call(&r, rt, user, request);
	if ((res = expect_ok(what, &r, rt)) != NULL && rt == RT_READ)
		CHECK(jget(res, "limits") != NULL, "%s: a read without limits",
		    what);
	if (res != NULL && check_groups(what, res, user, want))
		check_group_list(what, user, want);
	resp_free(&r);
}

/* sql */

MYSQL *
sql_open(void)
{
	MYSQL	*m;

	if ((m = mysql_init(NULL)) == NULL)
		return NULL;
	if (mysql_real_connect(m, NULL, "root", NULL, db_name, 0, db_sock,
	    0) == NULL) {
		fprintf(stderr, "e2e: MariaDB as root on %s: %s\n", db_sock,
		    mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

/* Runs the formatted SQL on m; its result (maybe NULL) in *res. */
static int
sql_vrun(MYSQL *m, MYSQL_RES **res, const char *fmt, va_list ap)
{
	char	 q[4096];

	*res = NULL;
	vsnprintf(q, sizeof(q), fmt, ap);
	if (!CHECK(m != NULL && mysql_query(m, q) == 0, "SQL %s: %s", q,
	    m != NULL ? mysql_error(m) : "no connection"))
		return -1;
	*res = mysql_store_result(m);
	return 0;
}

/* Runs SQL on m, any result discarded; 0, or -1 after a failed check. */
int
sql(MYSQL *m, const char *fmt, ...)
{
	MYSQL_RES	*res;
	va_list		 ap;
	int		 rc;

	va_start(ap, fmt);
	rc = sql_vrun(m, &res, fmt, ap);
	va_end(ap);
	mysql_free_result(res);
	return rc;
}

long long
sql_num_on(MYSQL *m, const char *fmt, ...)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	va_list		 ap;
	long long	 n = -1;

	va_start(ap, fmt);
	if (sql_vrun(m, &res, fmt, ap) == 0 && res != NULL &&
	    (row = mysql_fetch_row(res)) != NULL && row[0] != NULL)
		n = strtoll(row[0], NULL, 10);
	va_end(ap);
	mysql_free_result(res);
	return n;
}

/*
 * Rows that belong to the consumer named user (len bytes, any bytes) in
 * table: consumers, credentials or consumer_groups.
 */
static long long
rows_of(const char *table, const char *user, size_t len)
{
	char	 hex[2 * NAMESZ + 1];

	if (len > NAMESZ)
		return -1;
	mysql_hex_string(hex, user, len);
	if (strcmp(table, "consumers") == 0)
		return sql_num("SELECT COUNT(*) FROM consumers "
		    "WHERE HEX(username) = '%s'", hex);
	return sql_num("SELECT COUNT(*) FROM %s t JOIN consumers c "
	    "ON c.id = t.consumer_id WHERE HEX(c.username) = '%s'", table, hex);
}

long long
rows(const char *table, const char *user)
{
	return rows_of(table, user, strlen(user));
}

/* KILLs every connection of the service's user; how many. */
int
kill_connections(void)
{
	MYSQL_RES	*res = NULL;
	MYSQL_ROW	 row;
	long long	 ids[256];
	char		 q[64];
	int		 n = 0, i;

	if (mysql_query(db, "SELECT id FROM information_schema.processlist "
	    "WHERE user = 'adminutil'") != 0 ||
	    (res = mysql_store_result(db)) == NULL)
		return 0;
	while (n < 256 && (row = mysql_fetch_row(res)) != NULL)
		ids[n++] = strtoll(row[0], NULL, 10);
	mysql_free_result(res);
	/* One may have gone meanwhile: that is no failure. */
	for (i = 0; i < n; i++) {
		snprintf(q, sizeof(q), "KILL CONNECTION %lld", ids[i]);
		(void)mysql_query(db, q);
	}
	return n;
}

/* processes */

/* The state letter and parent of pid, from /proc; 0 or -1. */
static int
proc_stat(pid_t pid, char *state, pid_t *ppid)
{
	char	 path[64], buf[512], *p;
	FILE	*f;
	size_t	 n;
	int	 pp;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %c %d", state, &pp) != 2)
		return -1;
	*ppid = pp;
	return 0;
}

/* Whether pid runs (a zombie has exited: its parent reaps it). */
static int
alive(pid_t pid)
{
	char	 st;
	pid_t	 pp;

	return kill(pid, 0) == 0 && proc_stat(pid, &st, &pp) == 0 &&
	    st != 'Z';
}

size_t
children(pid_t parent, pid_t *out, size_t max)
{
	DIR		*d;
	struct dirent	*e;
	pid_t		 pid, pp;
	size_t		 n = 0;
	char		 st;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid = (pid_t)strtol(e->d_name, NULL, 10);
		if (proc_stat(pid, &st, &pp) == 0 && pp == parent &&
		    st != 'Z') {
			if (n < max)
				out[n] = pid;
			n++;
		}
	}
	closedir(d);
	return n;
}

/* The value of key in E2E_CONF into out; 0 or -1. */
int
conf_get(const char *key, char *out, size_t sz)
{
	FILE	*f;
	char	 line[1024], *p, *v;
	size_t	 n = strlen(key);
	int	 rc = -1;

	if ((f = fopen(conf_path, "r")) == NULL)
		return -1;
	while (rc == -1 && fgets(line, sizeof(line), f) != NULL) {
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (strncmp(p, key, n) != 0)
			continue;
		for (v = p + n; *v == ' ' || *v == '\t'; v++)
			;
		if (*v++ != '=')
			continue;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, " \t\r\n#")] = '\0';
		snprintf(out, sz, "%s", v);
		rc = 0;
	}
	fclose(f);
	return rc;
}

/* The number of children the instance under test runs. */
size_t
conf_workers(void)
{
	char	 v[32];
	size_t	 n;

	n = conf_get("workers", v, sizeof(v)) == 0 ?
	    (size_t)strtoul(v, NULL, 10) : 4;
	/* The gateway's own pool, when there is one. */
	if (conf_get("auth_listen", v, sizeof(v)) == 0 && v[0] != '\0')
		n += conf_get("auth_workers", v, sizeof(v)) == 0 ?
		    (size_t)strtoul(v, NULL, 10) : 2;
	/* The sender of the outbox, when there is mail to send. */
	if ((conf_get("mail_dir", v, sizeof(v)) == 0 && v[0] != '\0') ||
	    (conf_get("smtp_url", v, sizeof(v)) == 0 && v[0] != '\0'))
		n++;
	/* The follower of the change feed, always. */
	n++;
	return n;
}

/* The instance's max_body in bytes (k and m suffixes). */
static size_t
conf_max_body(void)
{
	char	 v[32], *end;
	size_t	 n;

	if (conf_get("max_body", v, sizeof(v)) == -1)
		return 64 * 1024;
	n = strtoul(v, &end, 10);
	if (*end == 'k' || *end == 'K')
		n *= 1024;
	else if (*end == 'm' || *end == 'M')
		n *= 1024 * 1024;
	return n;
}

/* the tests */

static const char seed_create[] =
    "{\n\n"
    "  \"id\": \"ekstep.api.am.adminutil.consumer.create\",\n\n"
    "  \"ver\": \"1.0\",\n\n"
    "  \"ets\": 1489054878488,\n\n"
    "  \"params\": {\n\n"
    "    \"msgid\": \"\"\n\n"
    " }, \n\n"
    " \"request\": {\n\n"
    "    \"username\": \"XYZ-Corp\"\n\n"
    " }\n\n"
    "}";

static const char seed_grant[] =
    "{\n\n"
    "  \"id\": \"ekstep.api.am.adminutil.consumer.grant\",\n\n"
    "  \"ver\": \"1.0\",\n\n"
    "  \"ets\": 1489054878488,\n\n"
    "  \"params\": {\n\n"
    "    \"msgid\": \"\"\n\n"
    " }, \n\n"
    " \"request\": {\n\n"
    "    \"groups\": [\"contentUser\", \"contentAdmin\"]\n\n"
    " }\n\n"
    "}";

static const char seed_read[] =
    "{\n\n"
    "  \"id\": \"ekstep.api.am.adminutil.consumer.read\",\n\n"
    "  \"ver\": \"1.0\",\n\n"
    "  \"ets\": 1489054878488,\n\n"
    "  \"params\": {\n\n"
    "    \"msgid\": \"\"\n\n"
    " }\n\n"
    "}";

/* The seed document's three requests, as its curl commands send them. */
static void
test_seed(void)
{
	static const struct {
		enum rt		 rt;
		const char	*path;
		const char	*body;
	} steps[] = {
		{ RT_CREATE, "/v1/consumer/create", seed_create },
		{ RT_GRANT, "/v1/consumer/XYZ-Corp/grant", seed_grant },
		{ RT_READ, "/v1/consumer/XYZ-Corp/read", seed_read },
	};
	struct resp	 r;
	json_object	*res;
	char		 ids[3][40] = { "", "", "" };
	size_t		 i;

	for (i = 0; i < 3; i++) {
		post(&r, steps[i].path, steps[i].body);
		res = expect_ok(steps[i].path, &r, steps[i].rt);
		if (res != NULL && steps[i].rt == RT_CREATE) {
			check_credential("seed create", res, "username",
			    "XYZ-Corp");
			CHECK(is_hex(jstr(res, "key"), HEX32), "seed create: "
			    "the key is not 32 lowercase hex digits");
		} else if (res != NULL)
			check_groups(steps[i].path, res, "XYZ-Corp",
			    GROUPS("contentUser", "contentAdmin"));
		snprintf(ids[i], sizeof(ids[i]), "%s",
		    str(jstr(r.json, "params.resmsgid")));
		resp_free(&r);
	}
	CHECK(strcmp(ids[0], ids[1]) != 0 && strcmp(ids[1], ids[2]) != 0 &&
	    strcmp(ids[0], ids[2]) != 0, "resmsgid repeats: %s %s %s",
	    ids[0], ids[1], ids[2]);
}

static void
test_idempotent(void)
{
	char	 u[NAMESZ], v[NAMESZ];
	char	 k1[HEX32 + 1], s1[HEX32 + 1], k2[HEX32 + 1], s2[HEX32 + 1];

	fresh(u, sizeof(u), "idem");
	if (create(u, k1, s1) == -1 || create(u, k2, s2) == -1)
		return;
	CU_ASSERT(strcmp(k1, k2) == 0);
	CU_ASSERT(strcmp(s1, s2) == 0);
	CHECK(rows("consumers", u) == 1 && rows("credentials", u) == 1,
	    "a second create made a second consumer or credential");
	expect_groups("read", RT_READ, u, NULL, GROUPS("contentUser"));

	/* The default group comes back, after the granted ones. */
	fresh(v, sizeof(v), "dflt");
	if (create(v, k1, NULL) == -1)
		return;
	expect_groups("grant", RT_GRANT, v, "{\"groups\":[\"a\"]}",
	    GROUPS("a"));
	if (create(v, k2, NULL) == -1)
		return;
	CU_ASSERT(strcmp(k1, k2) == 0);
	expect_groups("read", RT_READ, v, NULL, GROUPS("a", "contentUser"));
}

static void
test_concurrent_create(void)
{
	struct xfer	 x[NCONCURRENT];
	struct resp	 r[NCONCURRENT];
	CURLcode	 rcs[NCONCURRENT];
	CURLM		*m;
	CURLMsg		*msg;
	json_object	*res;
	char		 u[NAMESZ], req[NAMESZ + 32], what[64], *body;
	const char	*key0 = NULL, *secret0 = NULL;
	int		 running = 0, most = 0, left, same = 1;
	size_t		 i;

	fresh(u, sizeof(u), "conc");
	snprintf(req, sizeof(req), "{\"username\":\"%s\"}", u);
	if ((body = envelope("", req)) == NULL ||
	    (m = curl_multi_init()) == NULL) {
		free(body);
		CU_FAIL("out of memory");
		return;
	}
	for (i = 0; i < NCONCURRENT; i++) {
		rcs[i] = CURLE_FAILED_INIT;
		if (xfer_init(&x[i], &r[i], url, "POST", routes[RT_CREATE].path,
		    body, strlen(body)) == 0)
			curl_multi_add_handle(m, x[i].h);
	}
	free(body);
	do {
		if (curl_multi_perform(m, &running) != CURLM_OK)
			break;
		if (running > most)
			most = running;
		if (running > 0 && curl_multi_poll(m, NULL, 0, 1000, NULL) !=
		    CURLM_OK)
			break;
	} while (running > 0);
	while ((msg = curl_multi_info_read(m, &left)) != NULL)
		for (i = 0; i < NCONCURRENT; i++)
			if (msg->msg == CURLMSG_DONE &&
			    x[i].h == msg->easy_handle)
				rcs[i] = msg->data.result;
	CHECK(most == NCONCURRENT, "only %d of %d requests were in flight at "
	    "once", most, NCONCURRENT);
	for (i = 0; i < NCONCURRENT; i++) {
		if (x[i].h != NULL)
			curl_multi_remove_handle(m, x[i].h);
		xfer_done(&x[i], rcs[i]);
		snprintf(what, sizeof(what), "concurrent create %zu", i);
		CHECK(r[i].error == NULL, "%s: %s", what, str(r[i].error));
		if ((res = expect_ok(what, &r[i], RT_CREATE)) == NULL)
			continue;
		if (key0 == NULL) {
			key0 = jstr(res, "key");
			secret0 = jstr(res, "secret");
		}
		same &= streq(jstr(res, "key"), key0) &&
		    streq(jstr(res, "secret"), secret0);
	}
	curl_multi_cleanup(m);
	CHECK(key0 != NULL && same, "the concurrent creates did not all "
	    "return the same key and secret");
	CHECK(rows("consumers", u) == 1, "%lld consumers, want 1",
	    rows("consumers", u));
	CHECK(rows("credentials", u) == 1, "%lld credentials, want 1",
	    rows("credentials", u));
	CHECK(rows("consumer_groups", u) == 1, "%lld groups, want 1",
	    rows("consumer_groups", u));
	for (i = 0; i < NCONCURRENT; i++)
		resp_free(&r[i]);
}

static void
test_grant_replaces(void)
{
	struct resp	 g, rd;
	char		 u[NAMESZ];

	if (create(fresh(u, sizeof(u), "grant"), NULL, NULL) == -1)
		return;
	expect_groups("grant x y", RT_GRANT, u, "{\"groups\":[\"x\",\"y\"]}",
	    GROUPS("x", "y"));
	/* Replaced, in order, once each; and what read then says. */
	call(&g, RT_GRANT, u, "{\"groups\":[\"b\",\"a\",\"b\",\"c\"]}");
	call(&rd, RT_READ, u, NULL);
	if (expect_ok("grant b a b c", &g, RT_GRANT) != NULL &&
	    check_groups("grant b a b c", jget(g.json, "result"), u,
	    GROUPS("b", "a", "c")) && expect_ok("read", &rd, RT_READ) != NULL)
		/* A read shows the consumer's limits too. */
		CHECK(json_object_equal(jget(g.json, "result.groups"),
		    jget(rd.json, "result.groups")) && streq(jstr(g.json,
		    "result.username"), jstr(rd.json, "result.username")),
		    "grant answered %s, read %s",
		    jtext(jget(g.json, "result")),
		    jtext(jget(rd.json, "result")));
	CHECK(rows("consumer_groups", u) == 3, "%lld group rows, want 3",
	    rows("consumer_groups", u));
	resp_free(&g);
	resp_free(&rd);
}

/* Validation: one failing request, what it must answer. */
struct vcase {
	const char	*name;
	enum rt		 rt;		/* create, grant or register */
	const char	*body;
	const char	*errmsg;
	const char	*user;		/* the username the body carries */
	int		 sample;	/* in the smoke suite */
};

static void
run_validation(int sample_only)
{
	char		 u[NAMESZ], path[NAMESZ + 64];
	char		 longuser[257], longbody[400], groups[300 * 6 + 64];
	long long	 before;
	struct resp	 r;
	size_t		 i, n;

	memset(longuser, 'x', 256);
	longuser[256] = '\0';
	snprintf(longbody, sizeof(longbody),
	    "{\"request\":{\"username\":\"%s\"}}", longuser);
	n = (size_t)snprintf(groups, sizeof(groups), "{\"request\":"
	    "{\"groups\":[");
	for (i = 0; i < 257; i++)
		n += (size_t)snprintf(groups + n, sizeof(groups) - n,
		    "%s\"g%zu\"", i > 0 ? "," : "", i);
	snprintf(groups + n, sizeof(groups) - n, "]}}");

	const struct vcase cases[] = {
		{ "create {}", RT_CREATE, "{}", "REQUEST IS MANDATORY", NULL,
		    1 },
		{ "create, empty body", RT_CREATE, "", "REQUEST IS MANDATORY",
		    NULL, 0 },
		{ "create, no username", RT_CREATE, "{\"request\":{}}",
		    "USERNAME IS MANDATORY", NULL, 1 },
		{ "create, username with space", RT_CREATE,
		    "{\"request\":{\"username\":\"XYZ Corp\"}}",
		    "USERNAME MUST NOT HAVE SPACE", "XYZ Corp", 1 },
		{ "create, username a UUID", RT_CREATE,
		    "{\"request\":{\"username\":"
		    "\"123e4567-e89b-42d3-a456-426614174000\"}}",
		    "USERNAME MUST NOT BE A UUID",
		    "123e4567-e89b-42d3-a456-426614174000", 1 },
		{ "create, username an upper-case UUID", RT_CREATE,
		    "{\"request\":{\"username\":"
		    "\"123E4567-E89B-42D3-A456-426614174000\"}}",
		    "USERNAME MUST NOT BE A UUID",
		    "123E4567-E89B-42D3-A456-426614174000", 0 },
		{ "grant, no groups", RT_GRANT, "{\"request\":{}}",
		    "GROUPS ARE MANDATORY", NULL, 1 },
		{ "register, no key", RT_CRED_REGISTER, "{\"request\":{}}",
		    "KEY IS MANDATORY", NULL, 0 },
		{ "register, key with space", RT_CRED_REGISTER,
		    "{\"request\":{\"key\":\"a key\"}}",
		    "KEY MUST NOT HAVE SPACE", NULL, 0 },
		{ "register, key a UUID", RT_CRED_REGISTER,
		    "{\"request\":{\"key\":"
		    "\"123e4567-e89b-42d3-a456-426614174000\"}}",
		    "KEY MUST NOT BE A UUID", NULL, 0 },
		{ "create, body not JSON", RT_CREATE, "{\"request\":",
		    "REQUEST BODY IS NOT VALID JSON", NULL, 1 },
		{ "create, body not an object", RT_CREATE,
		    "[{\"request\":{\"username\":\"XYZ-Array\"}}]",
		    "REQUEST BODY MUST BE A JSON OBJECT", "XYZ-Array", 0 },
		{ "create, username a number", RT_CREATE,
		    "{\"request\":{\"username\":42}}",
		    "USERNAME MUST BE A STRING", "42", 1 },
		{ "create, username of 256 bytes", RT_CREATE, longbody,
		    "USERNAME MUST NOT BE LONGER THAN 255 BYTES", longuser, 0 },
		{ "create, username not UTF-8", RT_CREATE,
		    "{\"request\":{\"username\":\"XYZ\xff" "Corp\"}}",
		    "REQUEST BODY IS NOT VALID UTF-8", "XYZ\xff" "Corp", 0 },
		{ "create, username with a control character", RT_CREATE,
		    "{\"request\":{\"username\":\"XYZ\\u0001Corp\"}}",
		    "USERNAME MUST NOT HAVE CONTROL CHARACTERS",
		    "XYZ\001Corp", 0 },
		/* Names that print like "XYZ-Corp" are not another one. */
		{ "create, username with a zero-width space", RT_CREATE,
		    "{\"request\":{\"username\":\"XYZ-Corp\\u200b\"}}",
		    "USERNAME MUST NOT HAVE FORMAT CHARACTERS (ZERO-WIDTH, "
		    "SOFT HYPHEN, BIDI CONTROLS)", "XYZ-Corp\xe2\x80\x8b", 1 },
		{ "create, username with a soft hyphen", RT_CREATE,
		    "{\"request\":{\"username\":\"XYZ-Co\\u00adrp\"}}",
		    "USERNAME MUST NOT HAVE FORMAT CHARACTERS (ZERO-WIDTH, "
		    "SOFT HYPHEN, BIDI CONTROLS)", "XYZ-Co\xc2\xadrp", 0 },
		{ "create, username with a right-to-left override", RT_CREATE,
		    "{\"request\":{\"username\":\"XYZ\\u202e-Corp\"}}",
		    "USERNAME MUST NOT HAVE FORMAT CHARACTERS (ZERO-WIDTH, "
		    "SOFT HYPHEN, BIDI CONTROLS)", "XYZ\xe2\x80\xae-Corp", 0 },
		{ "create, username not in NFC", RT_CREATE,
		    "{\"request\":{\"username\":\"Cafe\\u0301-Corp\"}}",
		    "USERNAME MUST BE IN UNICODE NORMALIZATION FORM C (NFC)",
		    "Cafe\xcc\x81-Corp", 1 },
		{ "grant, group with comma", RT_GRANT,
		    "{\"request\":{\"groups\":[\"a,b\"]}}",
		    "GROUP NAME MUST NOT HAVE SPACE OR COMMA", NULL, 0 },
		{ "grant, group with space", RT_GRANT,
		    "{\"request\":{\"groups\":[\"a b\"]}}",
		    "GROUP NAME MUST NOT HAVE SPACE OR COMMA", NULL, 0 },
		{ "grant, 257 groups", RT_GRANT, groups,
		    "TOO MANY GROUPS: AT MOST 256", NULL, 0 },
		{ "grant, groups not an array", RT_GRANT,
		    "{\"request\":{\"groups\":\"g1\"}}",
		    "GROUPS MUST BE AN ARRAY OF STRINGS", NULL, 0 },
		{ "grant, an empty group", RT_GRANT,
		    "{\"request\":{\"groups\":[\"g1\",\"\"]}}",
		    "GROUP NAME MUST NOT BE EMPTY", NULL, 0 },
		{ "grant, request not an object", RT_GRANT,
		    "{\"request\":[\"g1\"]}", "REQUEST MUST BE AN OBJECT",
		    NULL, 0 },
		{ "create, msgid not a string", RT_CREATE,
		    "{\"params\":{\"msgid\":7},"
		    "\"request\":{\"username\":\"XYZ-Msgid\"}}",
		    "MSGID MUST BE A STRING", "XYZ-Msgid", 0 },
	};

	if (create(fresh(u, sizeof(u), "valid"), NULL, NULL) == -1)
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (sample_only && !cases[i].sample)
			continue;
		before = sql_num("SELECT COUNT(*) FROM consumers");
		snprintf(path, sizeof(path), routes[cases[i].rt].path, u);
		post(&r, path, cases[i].body);
		expect_err(cases[i].name, &r, cases[i].rt, 400, "BAD_REQUEST",
		    cases[i].errmsg);
		resp_free(&r);
		if (cases[i].user != NULL)
			CHECK(rows("consumers", cases[i].user) == 0,
			    "%s: the consumer was created", cases[i].name);
		CHECK(sql_num("SELECT COUNT(*) FROM consumers") == before,
		    "%s: a consumer was created", cases[i].name);
	}
	/* The failed grants and registers changed nothing. */
	expect_groups("read after", RT_READ, u, NULL, GROUPS("contentUser"));
	CHECK(rows("credentials", u) == 1, "the failed registers left %lld "
	    "credentials, want 1", rows("credentials", u));
}

static void
test_validation(void)
{
	run_validation(0);
}

static void
test_validation_sample(void)
{
	run_validation(1);
}

/*
 * The limits themselves pass: a 255-byte name with 256 groups, all of
 * which come back from read and from list.
 */
static void
test_limits(void)
{
	char		 u[256], req[256 * 8 + 300], names[256][8];
	const char	*want[257];
	struct resp	 r;
	json_object	*res, *list;
	size_t		 i, n;

	fresh(u, sizeof(u), "limit");
	n = strlen(u);
	memset(u + n, 'y', 255 - n);
	u[255] = '\0';
	if (create(u, NULL, NULL) == -1)
		return;
	n = (size_t)snprintf(req, sizeof(req), "{\"groups\":[");
	for (i = 0; i < 256; i++) {
		snprintf(names[i], sizeof(names[i]), "g%zu", i);
		want[i] = names[i];
		n += (size_t)snprintf(req + n, sizeof(req) - n, "%s\"%s\"",
		    i > 0 ? "," : "", names[i]);
	}
	want[256] = NULL;
	snprintf(req + n, sizeof(req) - n, "]}");
	expect_groups("grant 256 groups", RT_GRANT, u, req, want);
	expect_groups("read 256 groups", RT_READ, u, NULL, want);

	snprintf(req, sizeof(req), "{\"prefix\":\"%s\"}", u);
	call(&r, RT_LIST, NULL, req);
	if ((res = expect_ok("list", &r, RT_LIST)) != NULL) {
		list = jget(res, "consumers");
		if (CHECK(json_object_array_length(list) == 1, "list: %zu "
		    "consumers, want 1", json_object_array_length(list)))
			check_groups("list 256 groups",
			    json_object_array_get_idx(list, 0), u, want);
	}
	resp_free(&r);
}

/* The errors of the store: unknown consumers, a key taken. */
static void
test_errors(void)
{
	char		 ghost[NAMESZ], a[NAMESZ], b[NAMESZ], key[HEX32 + 1];
	char		 msg[1024], req[NAMESZ + 32];
	struct resp	 r;

	fresh(ghost, sizeof(ghost), "ghost");
	fresh(a, sizeof(a), "holder");
	fresh(b, sizeof(b), "taker");
	if (create(a, key, NULL) == -1 || create(b, NULL, NULL) == -1)
		return;

	call(&r, RT_READ, ghost, NULL);
	snprintf(msg, sizeof(msg), "ERROR WHEN FETCHING GROUPS OF CONSUMER, "
	    "USERNAME: %s. CONSUMER DOES NOT EXISTS", ghost);
	expect_err("read unknown", &r, RT_READ, 404, "GROUP_FETCH_ERROR", msg);
	resp_free(&r);

	call(&r, RT_REVOKE, ghost, "{\"groups\":[\"g1\"]}");
	expect_err("revoke unknown", &r, RT_REVOKE, 404, "GROUP_FETCH_ERROR",
	    msg);
	resp_free(&r);

	call(&r, RT_CRED_LIST, ghost, NULL);
	expect_err("credential/list unknown", &r, RT_CRED_LIST, 404,
	    "GROUP_FETCH_ERROR", msg);
	resp_free(&r);

	call(&r, RT_GRANT, ghost, "{\"groups\":[\"g1\",\"g2\"]}");
	expect_err("grant unknown", &r, RT_GRANT, 404, "GROUP_ASSIGN_ERROR",
	    "ERROR WHEN GRANTING CONSUMER ACCESS TO API GROUP : g1. "
	    "CONSUMER DOES NOT EXISTS");
	resp_free(&r);

	/* a's key, asked for by b. */
	snprintf(req, sizeof(req), "{\"key\":\"%s\"}", key);
	call(&r, RT_CRED_REGISTER, b, req);
	snprintf(msg, sizeof(msg), "ERROR WHEN CREATING CREDENTIAL FOR "
	    "CONSUMER. KEY : %s, already exists.", key);
	expect_err("register another's key", &r, RT_CRED_REGISTER, 409,
	    "CREATE_CREDENTIAL_ERROR", msg);
	resp_free(&r);
	CHECK(rows("credentials", b) == 1, "b has %lld credentials, want 1",
	    rows("credentials", b));

	call(&r, RT_CRED_REGISTER, ghost, "{\"key\":\"e2e-ghost-key\"}");
	expect_err("register for unknown", &r, RT_CRED_REGISTER, 404,
	    "CREATE_CREDENTIAL_ERROR", "ERROR WHEN CREATING CREDENTIAL FOR "
	    "CONSUMER. KEY : e2e-ghost-key, CONSUMER DOES NOT EXISTS.");
	resp_free(&r);

	call(&r, RT_DELETE, ghost, NULL);
	expect_err("delete unknown", &r, RT_DELETE, 404, "CONSUMER_NOT_FOUND",
	    NULL);
	resp_free(&r);

	api(&r, url, RT_CRED_REVOKE, ghost, "e2e-ghost-key", NULL);
	expect_err("credential revoke, unknown consumer", &r, RT_CRED_REVOKE,
	    404, "CONSUMER_NOT_FOUND", NULL);
	resp_free(&r);

	api(&r, url, RT_CRED_REVOKE, a, "e2e-no-such-key", NULL);
	expect_err("credential revoke, unknown key", &r, RT_CRED_REVOKE, 404,
	    "CONSUMER_NOT_FOUND", NULL);
	resp_free(&r);
	CHECK(rows("consumers", ghost) == 0, "the unknown consumer exists");
}

/* The errors of HTTP: no route, wrong method, too large a body. */
static void
test_http_errors(void)
{
	struct resp	 r;
	char		 allow[64], *big;
	size_t		 max = conf_max_body();

	post(&r, "/v1/nothing/here", "{}");
	expect_err("unknown route", &r, RT_NONE, 404, "NOT_FOUND", NULL);
	resp_free(&r);

	post(&r, "/v1/consumer/a/b/read", "{}");
	expect_err("unknown route below /v1/consumer", &r, RT_NONE, 404,
	    "NOT_FOUND", NULL);
	resp_free(&r);

	get(&r, url, routes[RT_CREATE].path);
	expect_err("GET create", &r, RT_CREATE, 405, "METHOD_NOT_ALLOWED",
	    NULL);
	CHECK(header(&r, "Allow", allow, sizeof(allow)) == 0 &&
	    strstr(allow, "POST") != NULL, "GET create: Allow is %s, want "
	    "POST", header(&r, "Allow", allow, sizeof(allow)) == 0 ? allow :
	    "absent");
	resp_free(&r);

	post(&r, "/health", "");
	expect_err("POST /health", &r, RT_HEALTH, 405, "METHOD_NOT_ALLOWED",
	    NULL);
	CHECK(header(&r, "Allow", allow, sizeof(allow)) == 0 &&
	    strstr(allow, "GET") != NULL, "POST /health: no Allow: GET");
	resp_free(&r);

	/* One byte over max_body; then exactly max_body, which passes. */
	if ((big = malloc(max + 2)) == NULL) {
		CU_FAIL("out of memory");
		return;
	}
	memset(big, ' ', max + 1);
	big[max + 1] = '\0';
	memcpy(big, "{\"request\":{\"username\":\"e2e-big\"}}", 34);
	post(&r, routes[RT_CREATE].path, big);
	expect_err("body over max_body", &r, RT_CREATE, 413, "BAD_REQUEST",
	    NULL);
	resp_free(&r);
	CHECK(rows("consumers", "e2e-big") == 0, "the large body made a "
	    "consumer");
	http(&r, url, "POST", routes[RT_CREATE].path, big, max);
	expect_ok("body of exactly max_body", &r, RT_CREATE);
	resp_free(&r);
	free(big);
}

/* The token of credential/register: HS256 over the secret's bytes. */
static void
check_token(const char *what, const char *token, const char *key,
    const char *secret)
{
	const char	*d1 = NULL, *d2 = NULL;
	json_object	*h = NULL, *p = NULL, *iat;
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		 sig[2 * EVP_MAX_MD_SIZE];

	if (!CHECK(token != NULL && secret != NULL &&
	    (d1 = strchr(token, '.')) != NULL &&
	    (d2 = strchr(d1 + 1, '.')) != NULL && strchr(d2 + 1, '.') == NULL,
	    "%s: the token is not three dot-separated parts", what))
		return;
	h = b64url_json(token, (size_t)(d1 - token));
	p = b64url_json(d1 + 1, (size_t)(d2 - d1 - 1));
	CHECK(json_object_object_length(h) == 2 &&
	    streq(jstr(h, "alg"), "HS256") && streq(jstr(h, "typ"), "JWT"),
	    "%s: token header %s, want {\"alg\":\"HS256\",\"typ\":\"JWT\"}",
	    what, jtext(h));
	iat = jget(p, "iat");
	CHECK(json_object_object_length(p) == 2 &&
	    streq(jstr(p, "iss"), key) &&
	    json_object_is_type(iat, json_type_int) &&
	    llabs(json_object_get_int64(iat) - (long long)time(NULL)) <= 60,
	    "%s: token payload %s, want {\"iss\":\"%s\",\"iat\":<now "
	    "seconds>}", what, jtext(p), key);
	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)token, (size_t)(d2 - token), mac, &maclen);
	b64url(sig, mac, maclen);
	CHECK(strcmp(sig, d2 + 1) == 0, "%s: the token's signature is not "
	    "HMAC-SHA256 with the secret's bytes", what);
	json_object_put(h);
	json_object_put(p);
}

/* The credentials listed: keys in order, revoked flags, no secret. */
static void
expect_credentials(const char *what, const char *user,
    const char *const *keys, const int *revoked)
{
	static const char *const fields[] = {
		"key", "algorithm", "created_at", "revoked", NULL
	};
	struct resp	 r;
	json_object	*res, *c;
	size_t		 i, n;

	call(&r, RT_CRED_LIST, user, NULL);
	if ((res = expect_ok(what, &r, RT_CRED_LIST)) == NULL) {
		resp_free(&r);
		return;
	}
	CHECK(streq(jstr(res, "username"), user), "%s: username %s", what,
	    str(jstr(res, "username")));
	for (n = 0; keys[n] != NULL; n++)
		;
	CHECK(json_object_array_length(jget(res, "credentials")) == n,
	    "%s: credentials %s, want %zu", what,
	    jtext(jget(res, "credentials")), n);
	for (i = 0; i < n && i < json_object_array_length(jget(res,
	    "credentials")); i++) {
		c = json_object_array_get_idx(jget(res, "credentials"), i);
		check_keys(what, "credential", c, fields);
		CHECK(streq(jstr(c, "key"), keys[i]) &&
		    streq(jstr(c, "algorithm"), "HS256") &&
		    json_object_is_type(jget(c, "created_at"), json_type_int) &&
		    llabs(json_object_get_int64(jget(c, "created_at")) -
		    now_ms()) < 3600 * 1000 &&
		    json_object_get_boolean(jget(c, "revoked")) == revoked[i],
		    "%s: credential %s, want key %s, revoked %s", what,
		    jtext(c), keys[i], revoked[i] ? "true" : "false");
	}
	CHECK(strstr(r.body.p, "secret") == NULL, "%s: the list shows a "
	    "secret", what);
	resp_free(&r);
}

/* create of the existing user answers with key and secret. */
static void
expect_create_gives(const char *user, const char *key, const char *secret)
{
	char	 k[NAMESZ], s[HEX32 + 1];

	if (create_any(user, k, s) == 0)
		CHECK(strcmp(k, key) == 0 && strcmp(s, secret) == 0,
		    "create gave key %s, want %s (the oldest active)", k, key);
}

static void
revoke_credential(const char *user, const char *key)
{
	struct resp	 r;

	api(&r, url, RT_CRED_REVOKE, user, key, NULL);
	expect_ok("credential revoke", &r, RT_CRED_REVOKE);
	resp_free(&r);
}

static void
test_credentials(void)
{
	char		 u[NAMESZ], k[NAMESZ], k2[NAMESZ], req[NAMESZ + 32];
	char		 key[NAMESZ];
	char		 key0[HEX32 + 1], secret0[HEX32 + 1];
	char		 secret[HEX32 + 1] = "";
	struct resp	 r;
	json_object	*res;

	fresh(u, sizeof(u), "cred");
	fresh(k, sizeof(k), "key");
	if (create(u, key0, secret0) == -1)
		return;
	snprintf(req, sizeof(req), "{\"key\":\"%s\"}", k);
	api(&r, url, RT_CRED_REGISTER, u, NULL, req);
	if ((res = expect_ok("register", &r, RT_CRED_REGISTER)) != NULL &&
	    check_credential("register", res, "token", NULL)) {
		CHECK(streq(jstr(res, "key"), k), "register: key %s, want %s",
		    str(jstr(res, "key")), k);
		snprintf(secret, sizeof(secret), "%s", jstr(res, "secret"));
		CU_ASSERT(strcmp(secret, secret0) != 0);
		check_token("register", jstr(res, "token"), k, secret);
	}
	resp_free(&r);

	/* Again: the same credential. */
	api(&r, url, RT_CRED_REGISTER, u, NULL, req);
	if ((res = expect_ok("register again", &r, RT_CRED_REGISTER)) != NULL) {
		CHECK(streq(jstr(res, "secret"), secret), "register again: "
		    "another secret");
		check_token("register again", jstr(res, "token"), k, secret);
	}
	resp_free(&r);
	CHECK(rows("credentials", u) == 2, "%lld credentials, want 2",
	    rows("credentials", u));
	expect_credentials("credential/list", u, GROUPS(key0, k),
	    (const int []){ 0, 0 });

	api(&r, url, RT_CRED_REVOKE, u, k, NULL);
	if ((res = expect_ok("credential revoke", &r, RT_CRED_REVOKE)) != NULL)
		CHECK(streq(jstr(res, "username"), u) &&
		    streq(jstr(res, "key"), k), "credential revoke: result %s",
		    jtext(res));
	resp_free(&r);
	expect_credentials("credential/list after revoke", u, GROUPS(key0, k),
	    (const int []){ 0, 1 });
	api(&r, url, RT_CRED_REVOKE, u, k, NULL);
	expect_ok("credential revoke again", &r, RT_CRED_REVOKE);
	resp_free(&r);
	expect_create_gives(u, key0, secret0);

	/* create hands out the oldest active credential, else a new one. */
	fresh(k2, sizeof(k2), "key");
	snprintf(req, sizeof(req), "{\"key\":\"%s\"}", k2);
	api(&r, url, RT_CRED_REGISTER, u, NULL, req);
	if ((res = expect_ok("register k2", &r, RT_CRED_REGISTER)) != NULL)
		snprintf(secret, sizeof(secret), "%s",
		    str(jstr(res, "secret")));
	resp_free(&r);
	revoke_credential(u, key0);
	expect_create_gives(u, k2, secret);
	revoke_credential(u, k2);
	if (create(u, key, NULL) == 0)
		CHECK(strcmp(key, key0) != 0 && strcmp(key, k) != 0 &&
		    strcmp(key, k2) != 0, "create with every credential "
		    "revoked gave a revoked one: %s", key);
	CHECK(rows("credentials", u) == 4, "%lld credentials, want 4",
	    rows("credentials", u));
}

/* revoke (groups), list, delete. */
static void
test_consumer_admin(void)
{
	char		 p[64], a[NAMESZ], b[NAMESZ], c[NAMESZ];
	char		 req[NAMESZ + 64];
	struct resp	 r;
	json_object	*res, *list;
	long long	 id;

	snprintf(p, sizeof(p), "e2e-list-%ld-", (long)getpid());
	snprintf(a, sizeof(a), "%sa", p);
	snprintf(b, sizeof(b), "%sb", p);
	snprintf(c, sizeof(c), "%sc", p);
	if (create(c, NULL, NULL) == -1 || create(a, NULL, NULL) == -1 ||
	    create(b, NULL, NULL) == -1)
		return;

	expect_groups("grant", RT_GRANT, a,
	    "{\"groups\":[\"g1\",\"g2\",\"g3\"]}", GROUPS("g1", "g2", "g3"));
	expect_groups("revoke", RT_REVOKE, a,
	    "{\"groups\":[\"g2\",\"not-granted\"]}", GROUPS("g1", "g3"));
	expect_groups("read after revoke", RT_READ, a, NULL,
	    GROUPS("g1", "g3"));

	/* list: by name, with the count of all that match. */
	snprintf(req, sizeof(req), "{\"prefix\":\"%s\"}", p);
	call(&r, RT_LIST, NULL, req);
	if ((res = expect_ok("list", &r, RT_LIST)) != NULL) {
		list = jget(res, "consumers");
		CHECK(json_object_get_int64(jget(res, "count")) == 3 &&
		    json_object_array_length(list) == 3, "list: %s",
		    jtext(res));
		check_groups("list[0]", json_object_array_get_idx(list, 0), a,
		    GROUPS("g1", "g3"));
		check_groups("list[1]", json_object_array_get_idx(list, 1), b,
		    GROUPS("contentUser"));
		check_groups("list[2]", json_object_array_get_idx(list, 2), c,
		    GROUPS("contentUser"));
	}
	resp_free(&r);
	snprintf(req, sizeof(req), "{\"prefix\":\"%s\",\"limit\":1,"
	    "\"offset\":1}", p);
	call(&r, RT_LIST, NULL, req);
	if ((res = expect_ok("list limit 1 offset 1", &r, RT_LIST)) != NULL) {
		list = jget(res, "consumers");
		CHECK(json_object_get_int64(jget(res, "count")) == 3 &&
		    json_object_array_length(list) == 1 &&
		    streq(jstr(json_object_array_get_idx(list, 0), "username"),
		    b), "list limit 1 offset 1: %s", jtext(res));
	}
	resp_free(&r);
	snprintf(req, sizeof(req), "{\"prefix\":\"%s\",\"offset\":3}", p);
	call(&r, RT_LIST, NULL, req);
	if ((res = expect_ok("list offset 3", &r, RT_LIST)) != NULL)
		CHECK(json_object_get_int64(jget(res, "count")) == 3 &&
		    json_object_array_length(jget(res, "consumers")) == 0,
		    "list offset 3: %s", jtext(res));
	resp_free(&r);
	/* The prefix is text, not a LIKE pattern. */
	snprintf(req, sizeof(req), "{\"prefix\":\"e2e_list%%%ld\"}",
	    (long)getpid());
	call(&r, RT_LIST, NULL, req);
	if ((res = expect_ok("list prefix with _ and %", &r, RT_LIST)) != NULL)
		CHECK(json_object_get_int64(jget(res, "count")) == 0,
		    "list prefix with _ and %%: %s", jtext(res));
	resp_free(&r);
	call(&r, RT_LIST, NULL, "{\"limit\":-1}");
	expect_err("list limit -1", &r, RT_LIST, 400, "BAD_REQUEST", NULL);
	resp_free(&r);

	/* delete: the consumer with its groups and credentials. */
	id = sql_num("SELECT id FROM consumers WHERE username = '%s'", b);
	call(&r, RT_DELETE, b, NULL);
	if ((res = expect_ok("delete", &r, RT_DELETE)) != NULL)
		CHECK(json_object_object_length(res) == 1 &&
		    streq(jstr(res, "username"), b), "delete: result %s",
		    jtext(res));
	resp_free(&r);
	CHECK(rows("consumers", b) == 0 && sql_num("SELECT (SELECT COUNT(*) "
	    "FROM credentials WHERE consumer_id = %lld) + (SELECT COUNT(*) "
	    "FROM consumer_groups WHERE consumer_id = %lld)", id, id) == 0,
	    "delete left rows behind");
	call(&r, RT_READ, b, NULL);
	expect_err("read deleted", &r, RT_READ, 404, "GROUP_FETCH_ERROR",
	    NULL);
	resp_free(&r);
	call(&r, RT_DELETE, b, NULL);
	expect_err("delete again", &r, RT_DELETE, 404, "CONSUMER_NOT_FOUND",
	    NULL);
	resp_free(&r);
	snprintf(req, sizeof(req), "{\"prefix\":\"%s\"}", p);
	call(&r, RT_LIST, NULL, req);
	if ((res = expect_ok("list after delete", &r, RT_LIST)) != NULL)
		CHECK(json_object_get_int64(jget(res, "count")) == 2,
		    "list after delete: %s", jtext(res));
	resp_free(&r);
}

/* {username} in a path is percent-decoded. */
static void
test_percent(void)
{
	static const struct {
		enum rt		 rt;
		const char	*inpath;
		const char	*request;
		const char	*user;
		const char	*group;
	} cases[] = {
		{ RT_READ, "XYZ%2FCorp", NULL, "XYZ/Corp", "contentUser" },
		{ RT_GRANT, "XYZ%2fCorp", "{\"groups\":[\"g\"]}", "XYZ/Corp",
		    "g" },
		{ RT_READ, "%58YZ%2FCorp", NULL, "XYZ/Corp", "g" },
		{ RT_READ, "Zo%C3%AB", NULL, "Zo\xc3\xab", "contentUser" },
	};
	struct resp	 r;
	size_t		 i;

	if (create("XYZ/Corp", NULL, NULL) == -1 ||
	    create("Zo\xc3\xab", NULL, NULL) == -1)
		return;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		call(&r, cases[i].rt, cases[i].inpath, cases[i].request);
		if (expect_ok(cases[i].inpath, &r, cases[i].rt) != NULL)
			check_groups(cases[i].inpath, jget(r.json, "result"),
			    cases[i].user, GROUPS(cases[i].group));
		resp_free(&r);
	}

	/* A bad escape; the web server may refuse it before adminutil. */
	call(&r, RT_READ, "XYZ%zzCorp", NULL);
	CHECK(r.status == 400, "read XYZ%%zzCorp: HTTP %ld, want 400",
	    r.status);
	if (r.json != NULL)
		expect_err("read XYZ%zzCorp", &r, RT_READ, 400, "BAD_REQUEST",
		    NULL);
	resp_free(&r);
}

static void
expect_msgid(const char *what, const struct resp *r, const char *msgid)
{
	CHECK(streq(jstr(r->json, "params.msgid"), msgid), "%s: msgid %s, "
	    "want \"%s\"", what, str(jstr(r->json, "params.msgid")), msgid);
}

/*
 * The request envelope: params.msgid echoed ("" when absent), unknown
 * fields ignored, an empty body where no request is needed.
 */
static void
test_request_envelope(void)
{
	char		 u[NAMESZ], path[NAMESZ + 64], body[NAMESZ + 256];
	struct resp	 r;

	fresh(u, sizeof(u), "msgid");
	snprintf(body, sizeof(body), "{\"id\":\"any\",\"ver\":\"0\","
	    "\"ets\":\"x\",\"extra\":[1],\"params\":{\"msgid\":\"e2e-msg-1\","
	    "\"did\":\"d\"},\"request\":{\"username\":\"%s\",\"extra\":true}}",
	    u);
	post(&r, routes[RT_CREATE].path, body);
	if (expect_ok("create with msgid and unknown fields", &r,
	    RT_CREATE) != NULL)
		expect_msgid("create", &r, "e2e-msg-1");
	resp_free(&r);

	snprintf(body, sizeof(body), "{\"params\":{\"msgid\":\"e2e-msg-2\"},"
	    "\"request\":{}}");
	post(&r, routes[RT_CREATE].path, body);
	expect_err("failure with msgid", &r, RT_CREATE, 400, "BAD_REQUEST",
	    "USERNAME IS MANDATORY");
	expect_msgid("failure", &r, "e2e-msg-2");
	resp_free(&r);

	snprintf(path, sizeof(path), routes[RT_READ].path, u);
	post(&r, path, "");
	if (expect_ok("read, empty body", &r, RT_READ) != NULL)
		check_groups("read, empty body", jget(r.json, "result"), u,
		    GROUPS("contentUser"));
	expect_msgid("read, empty body", &r, "");
	resp_free(&r);
}

static const char fail_cred_trigger[] =
    "CREATE TRIGGER e2e_fail_credential BEFORE INSERT ON credentials "
    "FOR EACH ROW SIGNAL SQLSTATE '45000' "
    "SET MESSAGE_TEXT = 'e2e: no credentials'";

static const char fail_boom_trigger[] =
    "CREATE TRIGGER e2e_fail_boom BEFORE INSERT ON consumer_groups "
    "FOR EACH ROW BEGIN IF NEW.group_name = 'boom' THEN "
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'e2e: boom'; END IF; END";

/* The rows of the three tables, to see that nothing was written. */
static long long
all_rows(void)
{
	return sql_num("SELECT (SELECT COUNT(*) FROM consumers) * 1000000 + "
	    "(SELECT COUNT(*) FROM credentials) * 1000 + "
	    "(SELECT COUNT(*) FROM consumer_groups)");
}

/* A create whose credential cannot be written leaves nothing. */
static void
test_atomic_create(void)
{
	char		 u[NAMESZ], req[NAMESZ + 32];
	struct resp	 r;
	long long	 before;

	fresh(u, sizeof(u), "atomic");
	snprintf(req, sizeof(req), "{\"username\":\"%s\"}", u);
	sql(db, "DROP TRIGGER IF EXISTS e2e_fail_credential");
	before = all_rows();
	if (sql(db, "%s", fail_cred_trigger) == -1)
		return;
	call(&r, RT_CREATE, NULL, req);
	sql(db, "DROP TRIGGER IF EXISTS e2e_fail_credential");
	expect_err("create, credentials failing", &r, RT_CREATE, 500,
	    "INTERNAL_ERROR",
	    "UNABLE TO CREATE CONSUMER DUE TO INTERNAL ERROR");
	resp_free(&r);
	CHECK(rows("consumers", u) == 0, "half a consumer: the consumer row "
	    "stayed");
	CHECK(all_rows() == before, "half a consumer: rows were written");
	CHECK(sql_num("SELECT COUNT(*) FROM audit_log WHERE consumer = '%s'",
	    u) == 0, "half a consumer: its audit row was written");
	create(u, NULL, NULL);
}

/* A grant that fails half-way keeps the old groups. */
static void
test_atomic_grant(void)
{
	char		 u[NAMESZ];
	struct resp	 r;

	if (create(fresh(u, sizeof(u), "boom"), NULL, NULL) == -1)
		return;
	expect_groups("grant", RT_GRANT, u, "{\"groups\":[\"old1\",\"old2\"]}",
	    GROUPS("old1", "old2"));
	sql(db, "DROP TRIGGER IF EXISTS e2e_fail_boom");
	if (sql(db, "%s", fail_boom_trigger) == -1)
		return;
	call(&r, RT_GRANT, u, "{\"groups\":[\"x\",\"boom\"]}");
	sql(db, "DROP TRIGGER IF EXISTS e2e_fail_boom");
	expect_err("grant, boom failing", &r, RT_GRANT, 500, "INTERNAL_ERROR",
	    "UNABLE TO GRANT GROUPS DUE TO INTERNAL ERROR");
	resp_free(&r);
	CHECK(sql_num("SELECT COUNT(*) FROM audit_log WHERE consumer = '%s' "
	    "AND action = '%s'", u, ID("consumer.grant")) == 1, "a grant "
	    "that failed half-way wrote an audit row");
	expect_groups("read after", RT_READ, u, NULL, GROUPS("old1", "old2"));
}

static void
check_health(const char *what, const char *base, const char *path,
    int healthy)
{
	static const char *const keys[] = {
		"name", "healthy", "checks", "feed", NULL
	};
	static const char *const feed_keys[] = {
		"position", "lag_ms", "polls", "failures", NULL
	};
	struct resp	 r;
	json_object	*res, *c, *f;

	get(&r, base, path);
	if (!check_envelope(what, &r, RT_HEALTH, healthy ? 200 : 503)) {
		resp_free(&r);
		return;
	}
	res = jget(r.json, "result");
	c = json_object_array_get_idx(jget(res, "checks"), 0);
	check_keys(what, "result", res, keys);
	CHECK(streq(jstr(res, "name"), "am.adminutil") &&
	    json_object_is_type(jget(res, "healthy"), json_type_boolean) &&
	    json_object_get_boolean(jget(res, "healthy")) == healthy &&
	    json_object_array_length(jget(res, "checks")) == 1 &&
	    streq(jstr(c, "name"), "database") &&
	    json_object_get_boolean(jget(c, "healthy")) == healthy &&
	    (healthy ? jisnull(c, "err") && jisnull(c, "errmsg") :
	    streq(jstr(c, "err"), "SERVICE_UNAVAILABLE")),
	    "%s: result %s", what, jtext(res));
	if (!healthy)
		CHECK(streq(jstr(r.json, "params.err"), "SERVICE_UNAVAILABLE"),
		    "%s: err %s", what, str(jstr(r.json, "params.err")));
	/*
	 * The change feed: where it is, and the age of its last good read
	 * of the audit trail (null before one, as without a database).
	 */
	f = jget(res, "feed");
	check_keys(what, "feed", f, feed_keys);
	CHECK(json_object_is_type(jget(f, "position"), json_type_int) &&
	    json_object_get_int64(jget(f, "position")) >= 0 && (healthy ?
	    json_object_is_type(jget(f, "lag_ms"), json_type_int) &&
	    json_object_get_int64(jget(f, "lag_ms")) >= 0 &&
	    json_object_get_int64(jget(f, "lag_ms")) < 2000 :
	    jisnull(f, "lag_ms")), "%s: feed %s", what, jtext(f));
	resp_free(&r);
}

static void
test_health(void)
{
	check_health("/health", url, "/health", 1);
	check_health("/v1/health", url, "/v1/health", 1);
}

static void
test_db_down(void)
{
	char		 u[NAMESZ], req[NAMESZ + 32];
	struct resp	 r;

	snprintf(req, sizeof(req), "{\"username\":\"%s\"}",
	    fresh(u, sizeof(u), "down"));
	api(&r, down_url, RT_CREATE, NULL, NULL, req);
	expect_err("create, database down", &r, RT_CREATE, 503,
	    "SERVICE_UNAVAILABLE", NULL);
	resp_free(&r);
	api(&r, down_url, RT_READ, "XYZ-Corp", NULL, NULL);
	expect_err("read, database down", &r, RT_READ, 503,
	    "SERVICE_UNAVAILABLE", NULL);
	resp_free(&r);
	check_health("/health, database down", down_url, "/health", 0);
	check_health("/v1/health, database down", down_url, "/v1/health", 0);
}

/* Every worker loses its connection; each route still works. */
static void
test_reconnect(void)
{
	char		 u[NAMESZ], v[NAMESZ], req[NAMESZ + 32];
	struct resp	 r;
	int		 i;

	if (create(fresh(u, sizeof(u), "reconn"), NULL, NULL) == -1)
		return;
	for (i = 0; i < 8; i++) {
		CHECK(kill_connections() > 0, "no connection of adminutil "
		    "to kill");
		switch (i % 4) {
		case 0:
			expect_groups("read", RT_READ, u, NULL,
			    GROUPS("contentUser"));
			break;
		case 1:
			expect_groups("grant", RT_GRANT, u,
			    "{\"groups\":[\"contentUser\"]}",
			    GROUPS("contentUser"));
			break;
		case 2:
			snprintf(req, sizeof(req), "{\"username\":\"%s\"}",
			    fresh(v, sizeof(v), "reconn"));
			call(&r, RT_CREATE, NULL, req);
			expect_ok("create", &r, RT_CREATE);
			resp_free(&r);
			break;
		default:
			check_health("/health", url, "/health", 1);
			break;
		}
	}
}

/* Children of the master: all of them new, as many as configured. */
struct gen {
	pid_t	 old[MAX_KIDS];
	size_t	 nold;
	size_t	 want;
};

static int
all_new(void *arg)
{
	struct gen	*g = arg;
	pid_t		 now[MAX_KIDS];
	size_t		 n, i, j;

	if ((n = children(master, now, MAX_KIDS)) != g->want)
		return 0;
	for (i = 0; i < n; i++)
		for (j = 0; j < g->nold; j++)
			if (now[i] == g->old[j])
				return 0;
	return 1;
}

/* Takes the current children; 0, or -1 (failed check) if too few. */
static int
gen_take(struct gen *g)
{
	g->want = conf_workers();
	g->nold = children(master, g->old, MAX_KIDS);
	return CHECK(g->nold == g->want, "the master has %zu children, want "
	    "%zu", g->nold, g->want) ? 0 : -1;
}

static void
expect_read(const char *what, const char *user)
{
	expect_groups(what, RT_READ, user, NULL, GROUPS("contentUser"));
}

static void
test_worker_kill(void)
{
	struct gen	 g;
	char		 u[NAMESZ];
	size_t		 i;

	if (create(fresh(u, sizeof(u), "kill"), NULL, NULL) == -1 ||
	    gen_take(&g) == -1)
		return;
	for (i = 0; i < g.nold; i++)
		kill(g.old[i], SIGKILL);
	expect_read("read right after SIGKILL", u);
	CHECK(wait_until(all_new, &g, 2000, 20), "the master did not replace "
	    "its %zu killed workers within 2 s", g.nold);
	expect_read("read after", u);
}

static void
test_sighup(void)
{
	struct gen	 g;
	char		 u[NAMESZ];

	if (create(fresh(u, sizeof(u), "hup"), NULL, NULL) == -1 ||
	    gen_take(&g) == -1)
		return;
	CU_ASSERT_FATAL(kill(master, SIGHUP) == 0);
	expect_read("read during reload", u);
	CHECK(wait_until(all_new, &g, 3000, 20), "SIGHUP: the workers were not "
	    "all replaced within 3 s");
	expect_read("read after reload", u);
	expect_read("read after reload", u);
}

int
reconfigure(const char *text, long *len)
{
	struct gen	 g;
	FILE		*f;

	if (text != NULL) {
		if ((f = fopen(conf_path, "a")) == NULL)
			return -1;
		*len = ftell(f);
		fputs(text, f);
		fclose(f);
	} else if (truncate(conf_path, *len) == -1)
		return -1;
	if (gen_take(&g) == -1 || kill(master, SIGHUP) == -1)
		return -1;
	return CHECK(wait_until(all_new, &g, 3000, 20), "SIGHUP: the workers "
	    "were not all replaced within 3 s") ? 0 : -1;
}

/*
 * secret_readback = no: a secret (and a token made with it) is shown
 * when it is issued, and "secret": null after; yes, as before, again.
 */
static void
test_secret_readback(void)
{
	char		 u[NAMESZ], key[NAMESZ], body[NAMESZ + 64];
	char		 path[NAMESZ + 64], first[HEX32 + 1];
	struct resp	 r;
	long		 len = -1;
	int		 i;

	if (reconfigure("secret_readback = no\n", &len) == -1)
		goto done;
	fresh(u, sizeof(u), "once");
	snprintf(body, sizeof(body), "{\"request\":{\"username\":\"%s\"}}", u);
	for (i = 0; i < 2; i++) {
		post(&r, routes[RT_CREATE].path, body);
		if (expect_ok("create, secret shown once", &r, RT_CREATE) !=
		    NULL) {
			if (i == 0) {
				CHECK(is_hex(jstr(r.json, "result.secret"), HEX32),
				    "create: no secret when it was issued");
				snprintf(first, sizeof(first), "%s",
				    str(jstr(r.json, "result.key")));
			} else
				CHECK(jisnull(r.json, "result.secret") &&
				    streq(jstr(r.json, "result.key"), first),
				    "create again: the secret was shown");
		}
		resp_free(&r);
	}
	snprintf(path, sizeof(path), routes[RT_CRED_REGISTER].path, u);
	snprintf(body, sizeof(body), "{\"request\":{\"key\":\"%s\"}}",
	    fresh(key, sizeof(key), "oncekey"));
	for (i = 0; i < 2; i++) {
		post(&r, path, body);
		if (expect_ok("register, secret shown once", &r,
		    RT_CRED_REGISTER) != NULL)
			CHECK(i == 0 ? is_hex(jstr(r.json, "result.secret"),
			    HEX32) && jstr(r.json, "result.token") != NULL :
			    jisnull(r.json, "result.secret") &&
			    jisnull(r.json, "result.token"), "register, time %d: "
			    "the secret %s", i + 1, i == 0 ? "was not shown" :
			    "or its token was shown again");
		resp_free(&r);
	}
	if (reconfigure(NULL, &len) == -1)
		return;
	len = -1;
	snprintf(body, sizeof(body), "{\"request\":{\"username\":\"%s\"}}", u);
	post(&r, routes[RT_CREATE].path, body);
	if (expect_ok("create, secret_readback back to yes", &r, RT_CREATE))
		CHECK(is_hex(jstr(r.json, "result.secret"), HEX32),
		    "secret_readback = yes: no secret read back");
	resp_free(&r);
done:
	if (len >= 0)
		(void)reconfigure(NULL, &len);
}

/* The grant in flight while the master stops. */
struct inflight {
	char		 user[NAMESZ];
	struct resp	 r;
	atomic_int	 done;
};

void
grant_unchecked(struct resp *r, const char *user, const char *request)
{
	char	 path[NAMESZ + 64], *body;

	snprintf(path, sizeof(path), routes[RT_GRANT].path, user);
	body = envelope("", request);
	fetch(r, url, "POST", path, body, body != NULL ? strlen(body) : 0);
	free(body);
}

static void *
inflight_grant(void *arg)
{
	struct inflight	*f = arg;

	grant_unchecked(&f->r, f->user, "{\"groups\":[\"late\"]}");
	atomic_store(&f->done, 1);
	return NULL;
}

static int
lock_waited(void *arg)
{
	(void)arg;
	return sql_num("SELECT COUNT(*) FROM information_schema.innodb_trx "
	    "WHERE trx_state = 'LOCK WAIT'") > 0;
}

static int
master_gone(void *arg)
{
	(void)arg;
	return !alive(master);
}

static int
socket_gone(void *arg)
{
	struct stat	 st;

	return lstat(arg, &st) == -1 && errno == ENOENT;
}

/* SIGTERM: the request in flight finishes, then the master exits. */
static void
test_sigterm(void)
{
	struct inflight	 f;
	pthread_t	 t;
	MYSQL		*m;
	char		 sock[512], *path;

	memset(&f, 0, sizeof(f));
	atomic_init(&f.done, 0);
	if (conf_get("listen", sock, sizeof(sock)) == -1 ||
	    create(fresh(f.user, sizeof(f.user), "term"), NULL, NULL) == -1 ||
	    (m = sql_open()) == NULL) {
		CU_FAIL("cannot set the test up");
		return;
	}
	path = strncmp(sock, "unix:", 5) == 0 ? sock + 5 : sock;
	if (sql(m, "BEGIN") == -1 || sql(m, "SELECT id FROM consumers "
	    "WHERE username = '%s' FOR UPDATE", f.user) == -1 ||
	    pthread_create(&t, NULL, inflight_grant, &f) != 0) {
		mysql_close(m);
		return;
	}
	/* InnoDB refreshes innodb_trx only when unread for 100 ms. */
	CHECK(wait_until(lock_waited, NULL, 5000, 150), "the grant never "
	    "waited for the locked row");
	sleep_ms(300);
	CHECK(!atomic_load(&f.done), "the grant finished despite the lock");
	CHECK(kill(master, SIGTERM) == 0, "kill: %s", strerror(errno));
	sleep_ms(300);
	CHECK(!atomic_load(&f.done), "the grant finished despite the lock");
	CHECK(alive(master), "the master exited with a request in flight");
	sql(m, "COMMIT");
	pthread_join(t, NULL);
	mysql_close(m);
	CHECK(f.r.error == NULL, "the grant in flight: %s", str(f.r.error));
	if (expect_ok("grant in flight", &f.r, RT_GRANT) != NULL)
		check_groups("grant in flight", jget(f.r.json, "result"),
		    f.user, GROUPS("late"));
	resp_free(&f.r);
	CHECK(wait_until(master_gone, NULL, 5000, 20), "the master did not "
	    "exit within 5 s of SIGTERM");
	CHECK(wait_until(socket_gone, path, 1000, 20), "the socket %s is still "
	    "there", path);
}

/* migrations */

int
run_adminutil(const char *const *args, const char *const *env,
    const char *out)
{
	return run_adminutil_split(conf_path, args, env, out, out);
}

int
run_adminutil_split(const char *conf, const char *const *args,
    const char *const *env, const char *out, const char *errout)
{
	const char	*argv[16];
	pid_t		 pid;
	int		 st, fd, i, n = 0;
	char		 v[2048], *eq;

	argv[n++] = bin;
	if (conf != NULL) {
		argv[n++] = "-c";
		argv[n++] = conf;
	}
	for (i = 0; args != NULL && args[i] != NULL && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;

	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		if ((fd = open(out != NULL ? out : "/dev/null", O_WRONLY |
		    O_CREAT | O_TRUNC, 0600)) != -1)
			dup2(fd, STDOUT_FILENO);
		if (errout != NULL && out != NULL && strcmp(errout, out) == 0)
			dup2(STDOUT_FILENO, STDERR_FILENO);
		else if ((fd = open(errout != NULL ? errout : "/dev/null",
		    O_WRONLY | O_CREAT | O_TRUNC, 0600)) != -1)
			dup2(fd, STDERR_FILENO);
		for (i = 0; env != NULL && env[i] != NULL; i++) {
			snprintf(v, sizeof(v), "%s", env[i]);
			if ((eq = strchr(v, '=')) == NULL)
				_exit(127);
			*eq = '\0';
			setenv(v, eq + 1, 1);
		}
		alarm(15);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * adminutil -c E2E_CONF --migrate against database dbname with the
 * schema files of dir (its output dropped); the exit status, or -1.
 */
static int
migrate(const char *dbname, const char *dir)
{
	char		 d[512], s[1100];
	const char	*env[] = { d, s, NULL };

	snprintf(d, sizeof(d), "ADMINUTIL_DB_NAME=%s", dbname);
	snprintf(s, sizeof(s), "ADMINUTIL_SCHEMA_DIR=%s", dir);
	return run_adminutil(ARGS("--migrate"), env, NULL);
}

/* The number of migrations (NNN_*.sql) in dir. */
static long long
schema_files(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	long long	 n = 0;
	size_t		 len;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (strspn(e->d_name, "0123456789") == 3 &&
		    e->d_name[3] == '_' && len > 8 &&
		    strcmp(e->d_name + len - 4, ".sql") == 0)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * A database made by an older schema (001 alone) with consumers in it:
 * --migrate applies the rest once, and group_list then holds each
 * consumer's groups in granted order.  Again: nothing more happens.
 */
static void
test_migrate(void)
{
	static const char	 dbn[] = "adminutil_e2e_mig";
	char			 full[1024], f001[PATH_MAX], link[64];
	char			 dir[] = "/tmp/e2e-schema.XXXXXX", user[64];
	int			 i, rc, made = 0;
	long long		 nfiles;

	if (!CHECK(conf_get("schema_dir", full, sizeof(full)) == 0 &&
	    conf_get("db_user", user, sizeof(user)) == 0, "%s has no "
	    "schema_dir or db_user", conf_path) ||
	    !CHECK(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno)))
		return;
	nfiles = schema_files(full);
	snprintf(f001, sizeof(f001), "%s/001_initial.sql", full);
	snprintf(link, sizeof(link), "%s/001_initial.sql", dir);
	if (!CHECK(symlink(f001, link) == 0, "symlink: %s", strerror(errno)) ||
	    sql(db, "CREATE DATABASE %s CHARACTER SET utf8mb4 COLLATE "
	    "utf8mb4_bin", dbn) == -1)
		goto done;
	made = 1;
	if (sql(db, "GRANT ALL ON %s.* TO '%s'@'localhost'", dbn, user) == -1)
		goto done;
	rc = migrate(dbn, dir);
	if (!CHECK(rc == 0, "--migrate with 001 alone: exit %d", rc) ||
	    sql(db, "INSERT INTO %s.consumers (id, username) VALUES "
	    "(1, 'ordered'), (2, 'none')", dbn) == -1 ||
	    sql(db, "INSERT INTO %s.consumer_groups (consumer_id, group_name, "
	    "position) VALUES (1, 'zeta', 0), (1, 'alpha', 1), (1, 'mu', 2)",
	    dbn) == -1)
		goto done;
	for (i = 0; i < 2; i++) {
		rc = migrate(dbn, full);
		CHECK(rc == 0, "--migrate, time %d: exit %d", i + 1, rc);
		CHECK(sql_num("SELECT COUNT(*) FROM %s.schema_version", dbn) ==
		    nfiles, "--migrate, time %d: schema_version holds %lld "
		    "rows, want %lld", i + 1, sql_num("SELECT COUNT(*) FROM "
		    "%s.schema_version", dbn), nfiles);
		CHECK(sql_num("SELECT COUNT(*) FROM %s.consumers WHERE "
		    "(id = 1 AND group_list = 'zeta,alpha,mu') OR "
		    "(id = 2 AND group_list = '')", dbn) == 2, "--migrate, "
		    "time %d: group_list is not the groups in granted order",
		    i + 1);
	}
done:
	if (made)
		sql(db, "DROP DATABASE %s", dbn);
	unlink(link);
	rmdir(dir);
}

/* browser safety */

/*
 * POSTs body to path with Content-Type ctype (NULL: none at all) and
 * Host host (NULL: curl's own).
 */
static void
post_as(struct resp *r, const char *path, const char *body,
    const char *ctype, const char *host)
{
	char		 ct[256], hh[256];
	const char	*hdrs[4] = { ct, admin_auth, NULL, NULL };

	snprintf(ct, sizeof(ct), "Content-Type:%s%s", ctype != NULL ? " " :
	    "", ctype != NULL ? ctype : "");
	if (host != NULL) {
		snprintf(hh, sizeof(hh), "Host: %s", host);
		hdrs[2] = hh;
	}
	post_raw(r, url, path, body, strlen(body), hdrs, NULL);
}

/*
 * What a page an operator opens cannot do: post a cross-site form or
 * text/plain (415), or reach the admin plane through a name of its own
 * (DNS rebinding: 421); nothing is created either way.  What is
 * answered is not stored by caches (no-store) nor sniffed (nosniff).
 */
static void
test_browser_safety(void)
{
	static const struct {
		const char	*ctype;	/* NULL: no Content-Type */
		long		 want;
	} types[] = {
		{ "text/plain", 415 },
		{ "text/plain; charset=utf-8", 415 },
		{ "application/x-www-form-urlencoded", 415 },
		{ "multipart/form-data; boundary=x", 415 },
		{ "application/json; charset=latin1", 415 },
		{ "application/jsonx", 415 },
		{ "application/json, text/plain", 415 },
		{ NULL, 415 },
		{ "application/json", 200 },
		{ "Application/JSON; Charset=UTF-8", 200 },
		{ "application/json;charset=\"utf-8\"", 200 },
	};
	static const struct {
		const char	*host;
		long		 want, also;	/* also: nginx's own 400 */
	} hosts[] = {
		{ "evil.example", 421, 421 },
		{ "evil.example:4000", 421, 421 },
		{ "localhost.evil.example", 421, 421 },
		{ "127.0.0.1.evil.example", 421, 421 },
		{ "localhostx", 421, 421 },
		{ "localhost:", 200, 200 },	/* an empty port */
		{ "localhost:80x", 421, 400 },
		{ "localhost", 200, 200 },
		{ "LOCALHOST:4000", 200, 200 },
		{ "127.0.0.1:1", 200, 200 },
		{ "[::1]:4000", 200, 200 },
	};
	char		 u[NAMESZ], body[NAMESZ + 64], what[320], v[64];
	struct resp	 r;
	size_t		 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(body, sizeof(body), "{\"request\":{\"username\":"
		    "\"%s\"}}", fresh(u, sizeof(u), "ctype"));
		snprintf(what, sizeof(what), "create, Content-Type %s",
		    types[i].ctype != NULL ? types[i].ctype : "(none)");
		post_as(&r, routes[RT_CREATE].path, body, types[i].ctype, NULL);
		if (types[i].want == 200)
			expect_ok(what, &r, RT_CREATE);
		else
			expect_err(what, &r, RT_CREATE, 415, "BAD_REQUEST",
			    NULL);
		CHECK(rows("consumers", u) == (types[i].want == 200),
		    "%s: %lld consumers", what, rows("consumers", u));
		resp_free(&r);
	}
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		snprintf(body, sizeof(body), "{\"request\":{\"username\":"
		    "\"%s\"}}", fresh(u, sizeof(u), "host"));
		snprintf(what, sizeof(what), "create, Host %s", hosts[i].host);
		post_as(&r, routes[RT_CREATE].path, body, "application/json",
		    hosts[i].host);
		if (hosts[i].want == 200)
			expect_ok(what, &r, RT_CREATE);
		else if (r.status != hosts[i].also)
			expect_err(what, &r, RT_CREATE, 421, "BAD_REQUEST",
			    NULL);
		CHECK(rows("consumers", u) == (hosts[i].want == 200),
		    "%s: %lld consumers", what, rows("consumers", u));
		resp_free(&r);
	}
	/* A read has no body: no type needed. */
	snprintf(body, sizeof(body), routes[RT_READ].path, u);
	post_as(&r, body, "", NULL, NULL);
	expect_ok("read, no body, no Content-Type", &r, RT_READ);
	resp_free(&r);
	/* The form route takes a form only. */
	post_as(&r, routes[RT_INTROSPECT].path, "{\"token\":\"x\"}",
	    "application/json", NULL);
	CHECK(r.status == 415, "introspect, JSON: HTTP %ld, want 415",
	    r.status);
	resp_free(&r);
	/* A secret is never kept by a cache; nothing is sniffed. */
	snprintf(body, sizeof(body), "{\"request\":{\"username\":\"%s\"}}",
	    fresh(u, sizeof(u), "nostore"));
	post_as(&r, routes[RT_CREATE].path, body, "application/json", NULL);
	CHECK(header(&r, "Cache-Control", v, sizeof(v)) == 0 &&
	    streq(v, "no-store"), "create: Cache-Control %s, want no-store",
	    header(&r, "Cache-Control", v, sizeof(v)) == 0 ? v : "(none)");
	CHECK(header(&r, "X-Content-Type-Options", v, sizeof(v)) == 0 &&
	    streq(v, "nosniff"), "create: no X-Content-Type-Options nosniff");
	resp_free(&r);
	get(&r, url, "/health");
	CHECK(header(&r, "X-Content-Type-Options", v, sizeof(v)) == 0 &&
	    streq(v, "nosniff"), "health: no X-Content-Type-Options nosniff");
	resp_free(&r);
}

/* Every child of the master can gain no privilege (NoNewPrivs). */
static void
test_no_new_privs(void)
{
	pid_t	 kids[MAX_KIDS];
	char	 path[64], line[256];
	FILE	*f;
	size_t	 i, n, ok = 0;

	n = children(master, kids, MAX_KIDS);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%ld/status", (long)kids[i]);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "NoNewPrivs:", 11) == 0 &&
			    strtol(line + 11, NULL, 10) == 1)
				ok++;
		fclose(f);
	}
	CHECK(n >= conf_workers() && ok == n, "%zu of %zu children run with "
	    "NoNewPrivs (want all, and at least %zu)", ok, n, conf_workers());
}

static const struct e2e_test tests[] = {
	{ "seed flow verbatim: create, grant, read", test_seed, FULL | SMOKE },
	{ "create is idempotent and adds the default group", test_idempotent,
	    FULL },
	{ "50 concurrent creates of one name: one consumer, one credential",
	    test_concurrent_create, FULL },
	{ "grant replaces, keeps order, collapses duplicates",
	    test_grant_replaces, FULL },
	{ "validation: every message, nothing created", test_validation,
	    FULL },
	{ "validation: a sample", test_validation_sample, SMOKE },
	{ "secret_readback = no: a secret is shown once",
	    test_secret_readback, FULL },
	{ "browser safety: 415, 421, no-store, nosniff", test_browser_safety,
	    FULL | SMOKE },
	{ "validation: 255-byte name and 256 groups pass", test_limits,
	    FULL },
	{ "errors: unknown consumers, taken key", test_errors, FULL },
	{ "errors: 404 no route, 405 with Allow, 413", test_http_errors,
	    FULL | SMOKE },
	{ "credential register, list, revoke; the token verifies",
	    test_credentials, FULL },
	{ "consumer revoke, list, delete", test_consumer_admin, FULL },
	{ "path names are percent-decoded", test_percent, FULL | SMOKE },
	{ "request envelope: msgid echoed, unknown fields ignored",
	    test_request_envelope, FULL },
	{ "create is atomic (credential insert fails)", test_atomic_create,
	    FULL },
	{ "grant is atomic (a group insert fails)", test_atomic_grant, FULL },
	{ "health: 200 healthy", test_health, FULL | SMOKE },
	{ "database down: 503, health unhealthy", test_db_down,
	    FULL | SMOKE },
	{ "workers reconnect after their connections are killed",
	    test_reconnect, FULL },
	{ "SIGKILLed workers are replaced", test_worker_kill, FULL },
	{ "every child runs with NoNewPrivs", test_no_new_privs, FULL },
	{ "SIGHUP replaces all workers", test_sighup, FULL },
	{ "--migrate brings an older database up to date",
	    test_migrate, FULL },
	/* Last: it stops the instance. */
	{ "SIGTERM lets the request in flight finish", test_sigterm, FULL },
};

/*
 * The admin's Authorization header (admin_auth) from the token file,
 * its name and key from the credentials file.  0, or -1 (said why).
 */
static int
admin_load(const char *token, const char *creds)
{
	char	 line[1024];
	FILE	*f;

	if ((f = fopen(token, "r")) == NULL ||
	    fgets(line, sizeof(line), f) == NULL) {
		fprintf(stderr, "e2e: cannot read E2E_ADMIN_TOKEN\n");
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	if (asprintf(&admin_auth, "Authorization: Bearer %s", line) == -1)
		return -1;
	explicit_bzero(line, sizeof(line));
	if ((f = fopen(creds, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "username=", 9) == 0)
			snprintf(admin_user, sizeof(admin_user), "%.*s",
			    NAMESZ - 1, line + 9);
		else if (strncmp(line, "key=", 4) == 0)
			snprintf(admin_key, sizeof(admin_key), "%.*s",
			    NAMESZ - 1, line + 4);
	}
	explicit_bzero(line, sizeof(line));
	fclose(f);
	if (admin_user[0] == '\0' || admin_key[0] == '\0') {
		fprintf(stderr, "e2e: E2E_ADMIN_CREDS names no admin\n");
		return -1;
	}
	return 0;
}

static const char *
need(const char *name)
{
	const char	*v = getenv(name);

	if (v == NULL || *v == '\0') {
		fprintf(stderr, "e2e: %s is not set; run tests/e2e/run-*.sh\n",
		    name);
		exit(EXIT_HARD);
	}
	return v;
}

/* Adds test t to s when it belongs to the suite and to E2E_ONLY. */
static int
add_test(CU_pSuite s, const struct e2e_test *t)
{
	const char	*only;

	/* E2E_ONLY=text: only the tests whose name has it (debugging). */
	only = getenv("E2E_ONLY");
	if (!(t->suites & suite) || (only != NULL &&
	    strstr(t->name, only) == NULL))
		return 0;
	return CU_add_test(s, t->name, t->fn) == NULL ? -1 : 0;
}

int
main(void)
{
	const char	*which;
	CU_pSuite	 s;
	size_t		 i, n = sizeof(tests) / sizeof(tests[0]);
	int		 rc;

	url = need("E2E_URL");
	down_url = need("E2E_DOWN_URL");
	master = (pid_t)strtol(need("E2E_MASTER_PID"), NULL, 10);
	db_pid = (pid_t)strtol(need("E2E_DB_PID"), NULL, 10);
	db_sock = need("E2E_DB_SOCK");
	db_name = need("E2E_DB_NAME");
	conf_path = need("E2E_CONF");
	bin = need("E2E_BIN");
	probe_lib = getenv("E2E_PROBE");
	if (admin_load(need("E2E_ADMIN_TOKEN"), need("E2E_ADMIN_CREDS")) ==
	    -1)
		return EXIT_HARD;
	if ((gw_url = getenv("E2E_GW_URL")) != NULL && *gw_url == '\0')
		gw_url = NULL;
	if ((portal_url = getenv("E2E_PORTAL_URL")) != NULL &&
	    *portal_url == '\0')
		portal_url = NULL;
	portal_passwords = getenv("E2E_PORTAL_PASSWORDS");
	web = getenv("E2E_WEB") != NULL ? getenv("E2E_WEB") : "";
	which = need("E2E_SUITE");
	if (strcmp(which, "full") == 0)
		suite = FULL;
	else if (strcmp(which, "smoke") == 0)
		suite = SMOKE;
	else {
		fprintf(stderr, "e2e: E2E_SUITE is full or smoke\n");
		return EXIT_HARD;
	}
	if (master <= 1 || !alive(master)) {
		fprintf(stderr, "e2e: E2E_MASTER_PID %ld does not run\n",
		    (long)master);
		return EXIT_HARD;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    mysql_library_init(0, NULL, NULL) != 0 ||
	    (db = sql_open()) == NULL)
		return EXIT_HARD;
	if (CU_initialize_registry() != CUE_SUCCESS ||
	    (s = CU_add_suite(suite == FULL ? "e2e full" : "e2e smoke", NULL,
	    NULL)) == NULL)
		return EXIT_HARD;
	/* The gateway's tests before the last, which stops the instance. */
	for (i = 0; i + 1 < n; i++)
		if (add_test(s, &tests[i]) == -1)
			return EXIT_HARD;
	for (i = 0; i < gateway_ntests; i++)
		if (add_test(s, &gateway_tests[i]) == -1)
			return EXIT_HARD;
	for (i = 0; i < limits_ntests; i++)
		if (add_test(s, &limits_tests[i]) == -1)
			return EXIT_HARD;
	for (i = 0; i < admin_ntests; i++)
		if (add_test(s, &admin_tests[i]) == -1)
			return EXIT_HARD;
	for (i = 0; i < portal_ntests; i++)
		if (add_test(s, &portal_tests[i]) == -1)
			return EXIT_HARD;
	for (i = 0; i < catalogue_ntests; i++)
		if (add_test(s, &catalogue_tests[i]) == -1)
			return EXIT_HARD;
	if (add_test(s, &tests[n - 1]) == -1)
		return EXIT_HARD;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		rc = EXIT_HARD;
	else
		rc = CU_get_number_of_failures() != 0 ||
		    CU_get_number_of_tests_failed() != 0 ? 1 : 0;
	CU_cleanup_registry();
	mysql_close(db);
	mysql_library_end();
	curl_global_cleanup();
	return rc;
}
