/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * End-to-end tests of what the gateway reads of a request: a consumer's
 * many groups, every reading of the path, and nginx's pass cache, kept
 * within pass_keep and never forged (see gateway.c).
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "e2e.h"
#include "gateway.h"

/* Longer than src/gateway/acl.h's ACL_PATH_MAX, shorter than nginx's line. */
#define ACL_PATH_MAX_E2E 4200

/* groups */

/*
 * A consumer in many groups: the API sees all of them (nginx: the
 * demo API echoes X-Consumer-Groups), and its name and key.
 */
/*
 * A consumer in n groups named by fmt (with their index; padded with
 * "x" to len bytes), then contentAdmin, the API's: the API sees all of
 * them, whole, through the gateway.
 */
static void
many_groups(const char *what, int n, size_t len)
{
	struct resp	 r;
	json_object	*o;
	FILE		*f, *g;
	char		 u[NAMESZ], key[HEX32 + 1], secret[HEX32 + 1], name[256];
	char		*req = NULL, *joined = NULL, *tok = NULL, *h = NULL;
	size_t		 rlen, jlen;
	int		 i;
	struct gcred	 c;
	struct tok	 t = { .signer = CR_HS256 };

	if (gw_setup() == -1 || create(fresh(u, sizeof(u), "gwmany"), key,
	    secret) == -1)
		return;
	if ((f = open_memstream(&req, &rlen)) == NULL)
		return;
	if ((g = open_memstream(&joined, &jlen)) == NULL) {
		fclose(f);
		goto done;
	}
	fputs("{\"groups\":[", f);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "e2e-group-%03d-", i);
		while (strlen(name) < len && strlen(name) < sizeof(name) - 1)
			strcat(name, "x");
		fprintf(f, "\"%s\",", name);
		fprintf(g, "%s,", name);
	}
	fputs("\"contentAdmin\"]}", f);
	fputs("contentAdmin", g);
	fclose(f);
	fclose(g);
	memset(&c, 0, sizeof(c));
	snprintf(c.key, sizeof(c.key), "%s", key);
	snprintf(c.secret, sizeof(c.secret), "%s", secret);
	if (grant(u, req) == -1 || (tok = mint(&t, &c, "HS256", NULL, key)) ==
	    NULL || (h = bearer(tok)) == NULL)
		goto done;
	gw_get(&r, gw_url, API, (const char *const *)&h, 1);
	CHECK(r.status == 200, "%s: HTTP %ld, want 200", what, r.status);
	if (r.status == 200 && !is_web("lighttpd")) {
		o = api_saw(&r);
		CHECK(streq(jstr(o, "username"), u) &&
		    streq(jstr(o, "key"), key), "%s: the API saw consumer "
		    "\"%s\" key \"%s\", want \"%s\" \"%s\"", what,
		    str(jstr(o, "username")), str(jstr(o, "key")), u, key);
		CHECK(streq(jstr(o, "groups"), joined), "%s: the API saw %zu "
		    "bytes of X-Consumer-Groups, want all %zu", what,
		    jstr(o, "groups") != NULL ? strlen(jstr(o, "groups")) : 0,
		    jlen);
		json_object_put(o);
	}
	resp_free(&r);
done:
	free(h);
	free(tok);
	free(joined);
	free(req);
}

void
test_gw_many_groups(void)
{
	struct resp	 r;
	char		 u[NAMESZ], *req = NULL;
	size_t		 len;
	FILE		*f;
	int		 i;

	/* 40 groups, over 1 KiB comma-joined, the API's last. */
	many_groups("40 groups", 40, 34);
	/* The most a grant may hold: 31 of 255 bytes and more, 7,948. */
	many_groups("31 groups of 255 bytes", 31, 255);
	/* More than the gateway's answer carries is refused at grant time. */
	if (create(fresh(u, sizeof(u), "gwtoomany"), NULL, NULL) == -1 ||
	    (f = open_memstream(&req, &len)) == NULL)
		return;
	fputs("{\"groups\":[\"contentAdmin\"", f);
	for (i = 0; i < 40; i++)
		fprintf(f, ",\"e2e-big-%03d-%0240d\"", i, 0);
	fputs("]}", f);
	fclose(f);
	call(&r, RT_GRANT, u, req);
	expect_err("a grant the gateway cannot carry", &r, RT_GRANT, 400,
	    "BAD_REQUEST", "GROUPS ARE TOO LONG FOR THE GATEWAY: AT MOST 8192 "
	    "BYTES JOINED BY COMMAS");
	resp_free(&r);
	expect_groups("its groups after", RT_READ, u, NULL,
	    GROUPS("contentUser"));
	free(req);
}

/* nginx's pass cache */

/* adminutil's credential lookups so far (its /metrics). */
static long long
lookups(void)
{
	struct resp	 r;
	const char	*p;
	long long	 n = 0;
	int		 seen = 0;

	get(&r, url, "/metrics");
	for (p = r.body.p; p != NULL && *p != '\0'; p = strchr(p, '\n')) {
		p += *p == '\n';
		if (strncmp(p, "adminutil_cache_hits_total ", 27) == 0 ||
		    strncmp(p, "adminutil_cache_misses_total ", 29) == 0) {
			n += strtoll(strchr(p, ' ') + 1, NULL, 10);
			seen++;
		}
	}
	CHECK(r.status == 200 && seen == 2, "/metrics: HTTP %ld, %d of the 2 "
	    "lookup counters", r.status, seen);
	resp_free(&r);
	return n;
}

/*
 * nginx's pass cache (conf/nginx.conf): passes are kept, for pass_keep
 * at most and never past exp + clock_skew; refusals never are; a
 * deleted consumer's token stops passing within the feed's bound
 * (feed_interval, a poll, pass_keep) even while it keeps being sent.
 */
void
test_gw_pass_cache(void)
{
	struct tok	 t = { .signer = CR_HS256 };
	struct gcred	 c;
	struct resp	 r;
	char		 u[NAMESZ], *tok = NULL, *h = NULL;
	char		*bad = NULL, *bh = NULL, *soon = NULL, *sh = NULL;
	long long	 n, t0, last = 0, soon_end, ttl = ttl_ms();
	size_t		 ok;

	if (gw_setup() == -1 || !CHECK(is_web("nginx"), "the pass cache is "
	    "nginx's; the web server is %s", web) || consumer_as("gwkeep",
	    "{\"groups\":[\"contentAdmin\"]}", u, &t, &c, &tok) == -1)
		goto done;
	h = bearer(tok);
	t.mangle = M_BADSIG;
	bh = bearer(bad = mint(&t, &c, "HS256", NULL, c.key));

	/*
	 * Kept: the third request on is nginx's (it keeps what it saw
	 * twice).  nginx keeps whole seconds: a pass of pass_keep (1 s in
	 * this instance, after the feed's last read, at most 250 ms and a
	 * read before) made 500 to 600 ms into a second is kept to that
	 * second's end ("@S"), longer than the burst takes.
	 */
	if (!CHECK(conf_num("pass_keep", 1000) == 1000, "pass_keep %ld ms: "
	    "this test wants 1000", conf_num("pass_keep", 1000)))
		goto done;
	while (now_ms() % 1000 < 500 || now_ms() % 1000 > 600)
		sleep_ms(5);
	n = lookups();
	ok = gw_row(API, h, NBURST, 200);
	n = lookups() - n;
	CHECK(ok == NBURST && n >= 1 && n <= 3, "a pass, %d times: %zu "
	    "answered 200, %lld reached adminutil, want 1 to 3", NBURST, ok,
	    n);
	/* Never kept: refusals, and what expires before nginx would drop it. */
	n = lookups();
	ok = gw_row(API_OTHER, h, NBURST, 403);
	n = lookups() - n;
	/*
	 * At least all: the counters are the whole instance's, and a lookup
	 * not of this burst may fall between the two readings (21 for 20
	 * was seen once on the sanitized build).
	 */
	CHECK(ok == NBURST && n >= NBURST, "a 403, %d times: %zu answered "
	    "403, %lld reached adminutil, want all", NBURST, ok, n);
	n = lookups();
	ok = gw_row(API, bh, NBURST, 401);
	n = lookups() - n;
	CHECK(ok == NBURST && n >= NBURST, "a bad signature, %d times: %zu "
	    "answered 401, %lld reached adminutil, want all", NBURST, ok, n);
	/*
	 * Valid for 1 to 2 s more (exp + clock_skew): kept no longer.  It
	 * passes until then, and is refused at once after, nginx's cache
	 * included.
	 */
	t.mangle = M_NONE;
	t.exp = 2 - SKEW;
	sh = bearer(soon = mint(&t, &c, "HS256", NULL, c.key));
	soon_end = (now_ms() / 1000 + 2) * 1000;	/* or a second later */
	ok = gw_row(API, sh, NBURST / 2, 200);
	CHECK(ok == NBURST / 2, "a token about to expire, %d times: %zu "
	    "answered 200", NBURST / 2, ok);
	while (now_ms() <= soon_end + 20)
		sleep_ms(5);
	ok = gw_row(API, sh, NBURST / 2, 401);
	CHECK(ok == NBURST / 2, "an expired token, %d times: %zu answered "
	    "401 (a pass kept past exp + clock_skew)", NBURST / 2, ok);

	/*
	 * Deleted while its token keeps coming: refused within the feed's
	 * bound.
	 */
	t0 = now_ms();
	call(&r, RT_DELETE, u, NULL);
	ok = expect_ok("delete", &r, RT_DELETE) != NULL;
	resp_free(&r);
	if (!ok)
		goto done;
	for (; (n = now_ms()) < t0 + ttl + 1500; sleep_ms(20))
		if (gw_row(API, h, 1, 200) == 1)
			last = n;
	CHECK(last < t0 + feed_bound_ms(), "deleted: its token passed %lld "
	    "ms later, want under %ld (the feed's bound)", last - t0,
	    feed_bound_ms());
	expect_everywhere("deleted, cache_ttl later", API, h, 401, NULL);
	expect_everywhere("expired", API, sh, 401, NULL);
done:
	free(sh);
	free(soon);
	free(bh);
	free(bad);
	free(h);
	free(tok);
}

/* the path */

/*
 * One reading of each request, through the web server: a path that a
 * servlet container or a case-blind framework reads as a protected API
 * needs that API's groups, whatever weaker rule nginx's reading finds.
 */
void
test_gw_readings(void)
{
	static const struct {
		const char	*path;
		int		 who;	/* 0: no token, 1: contentAccess, 2: both */
		long		 want;
	} t[] = {
		/* /course/v1/hierarchy is @public, .../update courseUpdate. */
		{ "/course/v1/hierarchy/update", 0, 401 },
		{ "/course/v1/hierarchy/update;x", 0, 401 },
		{ "/course/v1/hierarchy/update;jsessionid=1", 0, 401 },
		{ "/course/v1/hierarchy/x/..;/update", 0, 401 },
		{ "/course/v1/hierarchy/update%3Bx", 0, 401 },
		{ "/course/v1/hierarchy/update;x", 1, 403 },
		{ "/course/v1/hierarchy/update;x", 2, 200 },
		{ "/course/v1/hierarchy/read", 0, 200 },
		/* /content/v1/flag is contentAccess, .../accept contentAdmin. */
		{ "/content/v1/flag/accept", 1, 403 },
		{ "/content/v1/flag/ACCEPT", 1, 403 },
		{ "/content/v1/flag/Accept;v=2", 1, 403 },
		{ "/content/v1/flag/%41ccept", 1, 403 },
		{ "/content/v1/flag/ACCEPT", 2, 200 },
		{ "/content/v1/flag/list", 1, 200 },
		/* Too long to look up: refused, never the default. */
		{ "/data/v1/page/assemble/", 0, 401 },
		{ "/data/v1/page/assemble/", 2, 403 },
		{ "/data/v1/page/assemble/x", 0, 200 },
	};
	char		 u1[NAMESZ], u2[NAMESZ], *tok1 = NULL, *tok2 = NULL;
	char		*h1 = NULL, *h2 = NULL, *path, *longseg;
	const char	*hdr;
	struct resp	 r;
	size_t		 i;

	if (gw_setup() == -1 || consumer("gwread1",
	    "{\"groups\":[\"contentAccess\"]}", u1, &tok1) == -1 ||
	    consumer("gwread2", "{\"groups\":[\"contentAccess\","
	    "\"contentAdmin\",\"courseUpdate\"]}", u2, &tok2) == -1 ||
	    (longseg = malloc(ACL_PATH_MAX_E2E + 1)) == NULL)
		goto done;
	memset(longseg, 'a', ACL_PATH_MAX_E2E);
	longseg[ACL_PATH_MAX_E2E] = '\0';
	h1 = bearer(tok1);
	h2 = bearer(tok2);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* A path ending in "/" gets the long segment. */
		if (asprintf(&path, "%s%s", t[i].path, t[i].path[strlen(
		    t[i].path) - 1] == '/' ? longseg : "") == -1)
			break;
		hdr = t[i].who == 0 ? NULL : t[i].who == 1 ? h1 : h2;
		gw_get(&r, gw_url, path, &hdr, hdr != NULL);
		/* lighttpd serves files: a pass to none is its 404. */
		if (is_web("lighttpd") && t[i].want == 200 && r.status == 404)
			r.status = 200;
		CHECK(r.status == t[i].want, "%.60s%s as %s: HTTP %ld, want %ld",
		    path, strlen(path) > 60 ? "..." : "", t[i].who == 0 ?
		    "no token" : t[i].who == 1 ? "contentAccess" :
		    "contentAdmin+courseUpdate", r.status, t[i].want);
		if (r.status == t[i].want && t[i].want != 200)
			expect_err(path, &r, RT_AUTH, t[i].want, t[i].want ==
			    401 ? "UNAUTHORIZED" : "FORBIDDEN", NULL);
		resp_free(&r);
		free(path);
	}
	free(longseg);
done:
	free(h1);
	free(h2);
	free(tok1);
	free(tok2);
}

/* forgery */

/*
 * The path and Authorization header (NULL: none) of a forgery row:
 * formats of the separator and the token, auth "" an empty header.
 * 0, or -1 on no memory.
 */
static int
forged(const char *pathfmt, const char *authfmt, const char *sep,
    const char *tok, char **path, char **hdr)
{
	char	*v = NULL;

	*hdr = NULL;
	if (asprintf(path, pathfmt, sep, tok) == -1)
		return -1;
	if (authfmt == NULL)
		return 0;
	if (asprintf(&v, authfmt, sep, tok) == -1 || asprintf(hdr,
	    v[0] == '\0' ? "Authorization;" : "Authorization: %s", v) == -1) {
		free(v);
		free(*path);
		return -1;
	}
	free(v);
	return 0;
}

/*
 * nginx's pass cache cannot be forged: requests built so that a key
 * joining the decision's inputs with a separator would be the same as a
 * pass's (the separator in the path, in the query, in the Authorization
 * header; an empty header; the location's groups) each get adminutil's
 * own answer.  Each seed is sent three times (nginx keeps what it saw
 * twice), then its twin once.
 */
void
test_gw_forgery(void)
{
	static const char *const seps[] = { "|", "\t", " ", ",", ":", ";",
	    "\\", "\"", "%7C", "%09" };
	static const struct {
		const char	*name;
		const char	*seed_path, *seed_auth;	/* %1$s sep, %2$s token */
		const char	*path, *auth;
		long		 want;
	} t[] = {
		{ "no token, a public API's query",
		    API_PUBLIC "?x%1$sGET%1$s" API, "Z",
		    API, "Z%1$sGET%1$s" API_PUBLIC "?x", 401 },
		{ "no token, a public API's path",
		    API_PUBLIC "/x%1$sGET%1$s" API, "Z",
		    API, "Z%1$sGET%1$s" API_PUBLIC "/x", 401 },
		{ "no header, a public API's query",
		    API_PUBLIC "?%1$sGET%1$s" API, NULL,
		    API, "%1$sGET%1$s" API_PUBLIC "?", 401 },
		{ "a consumer's pass lifted onto another API",
		    API "?%1$sGET%1$s" API_OTHER, "Bearer %2$s",
		    API_OTHER, "Bearer %2$s%1$sGET%1$s" API "?", 401 },
		{ "the same, the token split",
		    API "?%1$s" API_OTHER, "Bearer %2$s%1$sGET",
		    API_OTHER, "Bearer %2$s%1$sGET%1$s" API "?", 401 },
		{ "an empty header after a token's pass",
		    API, "Bearer %2$s", API, "", 401 },
		{ "no header after a token's pass",
		    API, "Bearer %2$s", API, NULL, 401 },
		{ "the location's groups, then the ACL's",
		    API_REPORTS "?%1$sreportViewer reportAdmin", "Bearer %2$s",
		    "/demo/reportsx?%1$sreportViewer reportAdmin",
		    "Bearer %2$s", 403 },
	};
	char		*h, *path, u[NAMESZ], *tok = NULL;
	struct resp	 r;
	size_t		 i, j, k, seeded = 0, tried = 0;

	if (gw_setup() == -1 || !CHECK(is_web("nginx"), "the pass cache is "
	    "nginx's; the web server is %s", web) || consumer("gwforge",
	    "{\"groups\":[\"contentAdmin\",\"reportViewer\"]}", u,
	    &tok) == -1)
		goto done;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		for (j = 0; j < sizeof(seps) / sizeof(seps[0]); j++) {
			if (forged(t[i].seed_path, t[i].seed_auth, seps[j], tok,
			    &path, &h) == -1)
				goto done;
			for (k = 0; k < 3; k++) {
				gw_get_quiet(&r, gw_url, path,
				    (const char *const *)&h, h != NULL);
				seeded += k == 2 && r.status == 200;
				resp_free(&r);
			}
			free(h);
			free(path);
			if (forged(t[i].path, t[i].auth, seps[j], tok, &path,
			    &h) == -1)
				goto done;
			gw_get_quiet(&r, gw_url, path, (const char *const *)&h,
			    h != NULL);
			if (r.error == NULL) {
				tried++;
				CHECK(r.status == t[i].want, "%s, separator "
				    "\"%s\": HTTP %ld, want %ld", t[i].name,
				    seps[j], r.status, t[i].want);
			}
			resp_free(&r);
			free(h);
			free(path);
		}
	/* Most seeds must have passed, or nothing was tried. */
	CHECK(seeded >= sizeof(t) / sizeof(t[0]) * 4 && tried >=
	    sizeof(t) / sizeof(t[0]) * 4, "%zu seeds passed, %zu twins sent",
	    seeded, tried);
done:
	free(tok);
}
