/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * One call of the admin plane: the request in its envelope, POSTed by
 * libcurl, the answer's envelope taken off.  What the server refused
 * goes to standard error as its err and errmsg, and the HTTP status
 * picks the exit code (ctl.h).
 */

#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "ctl/ctl.h"

/* An answer larger than this is not the admin plane's. */
#define ANSWER_MAX	(64 * 1024 * 1024)

/* The connection kept by call_keep(), and where call_err() wants a
 * refusal. */
static CURL		*kept;
static struct call_err	*capture;

size_t
call_body_write(char *p, size_t size, size_t n, void *arg)
{
	struct call_body	*b = arg;
	char			*nb;
	size_t			 add = size * n, cap;

	if (b->len + add > b->max) {
		b->over = 1;
		return 0;
	}
	/*
	 * Not realloc: the pages may hold secrets (Kong's /jwts, a new
	 * credential), and realloc would leave the old copy in the heap
	 * unwiped.  Doubled, so that the copies cost O(n) in all.
	 */
	if (b->len + add + 1 > b->cap) {
		cap = b->cap < 16384 ? 16384 : b->cap * 2;
		while (cap < b->len + add + 1)
			cap *= 2;
		if ((nb = malloc(cap)) == NULL)
			return 0;
		if (b->buf != NULL) {
			memcpy(nb, b->buf, b->len);
			explicit_bzero(b->buf, b->cap);
			free(b->buf);
		}
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, add);
	b->len += add;
	b->buf[b->len] = '\0';
	return add;
}

void
call_body_free(struct call_body *b)
{
	if (b->buf != NULL)
		explicit_bzero(b->buf, b->cap);
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

void
call_global_init(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
call_global_cleanup(void)
{
	if (kept != NULL)
		curl_easy_cleanup(kept);
	kept = NULL;
	curl_global_cleanup();
}

void
call_keep(void)
{
	if (kept == NULL)
		kept = curl_easy_init();
}

char *
call_escape(const char *s)
{
	char	*e, *r;

	if ((e = curl_easy_escape(NULL, s, 0)) == NULL)
		return NULL;
	r = strdup(e);
	curl_free(e);
	return r;
}

/* The request's envelope around request (taken). */
static struct json_object *
envelope(const char *route, struct json_object *request)
{
	struct json_object	*o, *params;
	struct timespec		 ts;
	int64_t			 ms;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (request == NULL)
		request = json_object_new_object();
	o = json_object_new_object();
	params = json_object_new_object();
	if (o == NULL || params == NULL || request == NULL) {
		json_object_put(o);
		json_object_put(params);
		json_object_put(request);
		return NULL;
	}
	json_object_object_add(o, "id", json_object_new_string(route));
	json_object_object_add(o, "ver", json_object_new_string("1.0"));
	json_object_object_add(o, "ets", json_object_new_int64(ms));
	json_object_object_add(params, "msgid", json_object_new_string(""));
	json_object_object_add(o, "params", params);
	json_object_object_add(o, "request", request);
	return o;
}

/* The exit code of an HTTP status that is not a success. */
static int
status_exit(long status)
{
	if (status == 404)
		return CTL_NOT_FOUND;
	if (status >= 400 && status < 500)
		return CTL_REFUSED;
	return CTL_UNREACHABLE;
}

/* Prints s for a terminal: control bytes as \xNN. */
static void
print_safe(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fprintf(fp, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, fp);
	}
}

/*
 * Reads the answer: the envelope of the admin plane, or for
 * introspection (bare) the RFC 7662 object itself on a success.
 */
static int
answer_read(const char *path, long status, const struct call_body *a,
    int bare, struct json_object **result)
{
	struct json_object	*o, *params, *v;
	const char		*st, *err, *msg, *resmsgid;
	int			 rc;

	o = a->buf != NULL ? json_tokener_parse(a->buf) : NULL;
	if (o == NULL || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		fprintf(stderr, "adminutil-ctl: %s: HTTP %ld, not an answer "
		    "of adminutil (is the URL its admin server?)\n", path,
		    status);
		return status >= 200 && status < 300 ? CTL_UNREACHABLE :
		    status_exit(status);
	}
	if (!json_object_object_get_ex(o, "params", &params) ||
	    !json_object_is_type(params, json_type_object)) {
		if (bare && status == 200) {
			*result = o;
			return CTL_OK;
		}
		json_object_put(o);
		fprintf(stderr, "adminutil-ctl: %s: HTTP %ld, an answer "
		    "without the envelope\n", path, status);
		return status >= 200 && status < 300 ? CTL_UNREACHABLE :
		    status_exit(status);
	}
	st = json_object_object_get_ex(params, "status", &v) ?
	    json_object_get_string(v) : NULL;
	if (status >= 200 && status < 300 && st != NULL &&
	    strcmp(st, "successful") == 0) {
		if (!json_object_object_get_ex(o, "result", &v) ||
		    !json_object_is_type(v, json_type_object)) {
			json_object_put(o);
			fprintf(stderr, "adminutil-ctl: %s: an answer without "
			    "a result\n", path);
			return CTL_UNREACHABLE;
		}
		*result = json_object_get(v);
		json_object_put(o);
		return CTL_OK;
	}
	err = json_object_object_get_ex(params, "err", &v) &&
	    json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : "FAILED";
	msg = json_object_object_get_ex(params, "errmsg", &v) &&
	    json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : "";
	rc = status >= 200 && status < 300 ? CTL_UNREACHABLE :
	    status_exit(status);
	if (capture != NULL) {
		capture->status = status;
		snprintf(capture->err, sizeof(capture->err), "%s", err);
		snprintf(capture->msg, sizeof(capture->msg), "%s", msg);
		json_object_put(o);
		return rc;
	}
	resmsgid = json_object_object_get_ex(params, "resmsgid", &v) &&
	    json_object_is_type(v, json_type_string) ?
	    json_object_get_string(v) : "";
	fputs("adminutil-ctl: ", stderr);
	print_safe(stderr, err);
	fputs(": ", stderr);
	print_safe(stderr, msg);
	fprintf(stderr, " (HTTP %ld, resmsgid ", status);
	print_safe(stderr, resmsgid);
	fputs(")\n", stderr);
	json_object_put(o);
	return rc;
}

int
call(const struct ctl *c, const char *route, const char *path,
    struct json_object *request, const char *form,
    struct json_object **result)
{
	struct json_object	*env = NULL;
	struct curl_slist	*hdrs = NULL, *h;
	struct call_body	 a = { NULL, 0, ANSWER_MAX, 0, 0 };
	CURL			*cu = NULL;
	CURLcode		 cc;
	char			*url = NULL, *auth = NULL, errbuf[CURL_ERROR_SIZE];
	const char		*body;
	long			 status = 0;
	int			 rc = CTL_UNREACHABLE;

	*result = NULL;
	if (form != NULL) {
		json_object_put(request);
		body = form;
	} else {
		if ((env = envelope(route, request)) == NULL)
			goto nomem;
		body = json_object_to_json_string_ext(env,
		    JSON_C_TO_STRING_PLAIN);
	}
	if (asprintf(&url, "%s%s", c->url, path) == -1) {
		url = NULL;
		goto nomem;
	}
	if ((h = curl_slist_append(hdrs, form != NULL ? "Content-Type: "
	    "application/x-www-form-urlencoded" :
	    "Content-Type: application/json")) == NULL)
		goto nomem;
	hdrs = h;
	if ((h = curl_slist_append(hdrs, "Accept: application/json")) == NULL)
		goto nomem;
	hdrs = h;
	/* No "Expect: 100-continue": one round trip a call. */
	if ((h = curl_slist_append(hdrs, "Expect:")) == NULL)
		goto nomem;
	hdrs = h;
	if (c->token != NULL) {
		if (asprintf(&auth, "Authorization: Bearer %s",
		    c->token) == -1) {
			auth = NULL;
			goto nomem;
		}
		h = curl_slist_append(hdrs, auth);
		explicit_bzero(auth, strlen(auth));
		if (h == NULL)
			goto nomem;
		hdrs = h;
	}
	if (kept != NULL)
		curl_easy_reset(cu = kept);
	else if ((cu = curl_easy_init()) == NULL)
		goto nomem;
	errbuf[0] = '\0';
	curl_easy_setopt(cu, CURLOPT_URL, url);
	/* Never another scheme, never a redirect: the token goes to the
	 * URL given, nowhere else. */
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT, c->timeout);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT,
	    c->timeout < 10 ? c->timeout : 10L);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(cu, CURLOPT_POST, 1L);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, call_body_write);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(cu, CURLOPT_USERAGENT, "adminutil-ctl/"
	    PACKAGE_VERSION);
	cc = curl_easy_perform(cu);
	if (cc != CURLE_OK) {
		fprintf(stderr, "adminutil-ctl: cannot reach %s: %s\n",
		    c->url, a.over ? "answer too large" : errbuf[0] != '\0' ?
		    errbuf : curl_easy_strerror(cc));
		goto done;
	}
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
	rc = answer_read(path, status, &a, form != NULL, result);
	goto done;
nomem:
	fprintf(stderr, "adminutil-ctl: out of memory\n");
done:
	if (cu != NULL && cu != kept)
		curl_easy_cleanup(cu);
	/* The slist copied the header with the token: clear that copy. */
	for (h = hdrs; h != NULL; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(hdrs);
	free(auth);
	free(url);
	call_body_free(&a);
	json_object_put(env);
	return rc;
}

int
call_err(const struct ctl *c, const char *route, const char *path,
    struct json_object *request, struct json_object **result,
    struct call_err *e)
{
	int	 rc;

	memset(e, 0, sizeof(*e));
	capture = e;
	rc = call(c, route, path, request, NULL, result);
	capture = NULL;
	return rc;
}
