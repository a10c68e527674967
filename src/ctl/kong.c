/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Reading Kong 0.14.1's Admin API, live or as saved pages.
 *
 * GET /consumers is the new DAO's: keyset paging (size at most 1000),
 * "next" the URL of the page after, stable; it is followed to the end.
 * GET /jwts, /acls and /plugins are the old DAO's: LIMIT/OFFSET with no
 * ORDER BY and size unbounded, so the rows of one page and the next may
 * overlap or miss some, and following "next" can skip or repeat rows.
 * Each is read as ONE page: size=1 for its total first, then a size
 * above that total, the page checked to hold exactly "total" rows each
 * with its own id; once more on a mismatch (a row added meanwhile),
 * then a failure naming the endpoint.  Never a row on the terminal:
 * jwts rows hold secrets.
 */

#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ctl/import.h"

/* No Kong answer of these lists is larger. */
#define KONG_ANSWER_MAX	(512 * 1024 * 1024)
/* How many /consumers pages at most: 1000 rows each. */
#define KONG_PAGES_MAX	100000
#define KONG_PAGE_SIZE	1000

/* GETs url (one handle for all: one connection kept alive) as JSON. */
static int
get_json(CURL *cu, const struct ctl *c, const char *url, const char *what,
    struct json_object **out)
{
	struct call_body b = { NULL, 0, KONG_ANSWER_MAX, 0, 0 };
	char		 errbuf[CURL_ERROR_SIZE];
	long		 status = 0;
	CURLcode	 cc;

	*out = NULL;
	errbuf[0] = '\0';
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT, c->timeout);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, call_body_write);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(cu, CURLOPT_USERAGENT, "adminutil-ctl/"
	    PACKAGE_VERSION);
	if ((cc = curl_easy_perform(cu)) != CURLE_OK) {
		fprintf(stderr, "adminutil-ctl: import: Kong %s: %s\n", what,
		    b.over ? "answer too large" : errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(cc));
		call_body_free(&b);
		return CTL_UNREACHABLE;
	}
	curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &status);
	if (status == 200 && b.buf != NULL)
		*out = json_tokener_parse(b.buf);
	/* The body may hold secrets (/jwts): cleared, never shown. */
	call_body_free(&b);
	if (*out == NULL) {
		fprintf(stderr, "adminutil-ctl: import: Kong %s: HTTP %ld%s\n",
		    what, status, status == 200 ? ", not JSON" : "");
		return CTL_UNREACHABLE;
	}
	return CTL_OK;
}

/* Appends the rows of data to all, refusing an id seen before. */
static int
append_rows(struct json_object *all, struct json_object *seen,
    struct json_object *data, const char *what)
{
	struct json_object	*row, *id;
	size_t			 i;

	for (i = 0; i < json_object_array_length(data); i++) {
		row = json_object_array_get_idx(data, i);
		json_object_object_get_ex(row, "id", &id);
		if (json_object_object_get_ex(seen, json_object_get_string(id),
		    NULL)) {
			fprintf(stderr, "adminutil-ctl: import: %s: consumer "
			    "%s on two pages\n", what,
			    json_object_get_string(id));
			return -1;
		}
		json_object_object_add(seen, json_object_get_string(id),
		    NULL);
		json_object_array_add(all, json_object_get(row));
	}
	return 0;
}

/*
 * The URL of a "next": a path, or a URL whose path and query are asked
 * of base.  Kong names itself as it was configured (localhost, behind
 * a proxy another name): the host given is the one asked, always.
 */
static char *
next_url(const char *base, const char *next)
{
	const char	*p = next;
	char		*u;

	if (strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0)
		p = strchr(strstr(p, "://") + 3, '/');
	if (p == NULL || p[0] != '/' || strncmp(p, "/consumers?", 11) != 0)
		return NULL;
	if (asprintf(&u, "%s%s", base, p) == -1)
		return NULL;
	return u;
}

static int
read_consumers(CURL *cu, const struct ctl *c, const char *base,
    struct kong *k)
{
	struct json_object	*page, *data, *seen, *v;
	const char		*why;
	char			*url;
	int			 pages = 0, rc = CTL_OK;

	seen = json_object_new_object();
	if (asprintf(&url, "%s/consumers?size=%d", base, KONG_PAGE_SIZE) ==
	    -1)
		url = NULL;
	while (url != NULL && rc == CTL_OK) {
		if (++pages > KONG_PAGES_MAX) {
			fprintf(stderr, "adminutil-ctl: import: Kong "
			    "/consumers: more than %d pages\n", KONG_PAGES_MAX);
			rc = CTL_UNREACHABLE;
			break;
		}
		if ((rc = get_json(cu, c, url, "/consumers", &page)) != CTL_OK)
			break;
		free(url);
		url = NULL;
		if ((data = kong_page_data(page, 0, &why)) == NULL) {
			fprintf(stderr, "adminutil-ctl: import: Kong "
			    "/consumers, page %d: %s\n", pages, why);
			rc = CTL_UNREACHABLE;
		} else if (append_rows(k->consumers, seen, data,
		    "Kong /consumers") == -1)
			rc = CTL_UNREACHABLE;
		else if (json_object_object_get_ex(page, "next", &v) &&
		    json_object_is_type(v, json_type_string) &&
		    (url = next_url(base, json_object_get_string(v))) ==
		    NULL) {
			fprintf(stderr, "adminutil-ctl: import: Kong "
			    "/consumers: a next that is not a page of "
			    "/consumers\n");
			rc = CTL_UNREACHABLE;
		}
		json_object_put(data);
		json_object_put(page);
	}
	free(url);
	json_object_put(seen);
	return rc;
}

/* The total of a list, from a page of one row. */
static int
read_total(CURL *cu, const struct ctl *c, const char *base, const char *ep,
    int64_t *total)
{
	struct json_object	*page, *v;
	char			*url;
	int			 rc;

	if (asprintf(&url, "%s/%s?size=1", base, ep) == -1)
		return CTL_UNREACHABLE;
	rc = get_json(cu, c, url, ep, &page);
	free(url);
	if (rc != CTL_OK)
		return rc;
	if (!json_object_object_get_ex(page, "total", &v) ||
	    !json_object_is_type(v, json_type_int) ||
	    (*total = json_object_get_int64(v)) < 0) {
		fprintf(stderr, "adminutil-ctl: import: Kong /%s: no total "
		    "(not Kong 0.14's Admin API?)\n", ep);
		rc = CTL_UNREACHABLE;
	}
	json_object_put(page);
	return rc;
}

/* /jwts, /acls or /plugins as one page of all its rows. */
static int
read_list(CURL *cu, const struct ctl *c, const char *base, const char *ep,
    struct json_object **out)
{
	struct json_object	*page, *data, *v;
	const char		*why = NULL;
	int64_t			 total = 0, got = 0;
	char			*url;
	int			 tries, rc;

	for (tries = 0; tries < 2; tries++) {
		if ((rc = read_total(cu, c, base, ep, &total)) != CTL_OK)
			return rc;
		/* A margin for rows added between the two reads. */
		if (asprintf(&url, "%s/%s?size=%lld", base, ep,
		    (long long)(total + total / 10 + 100)) == -1)
			return CTL_UNREACHABLE;
		rc = get_json(cu, c, url, ep, &page);
		free(url);
		if (rc != CTL_OK)
			return rc;
		if ((data = kong_page_data(page, 1, &why)) != NULL) {
			json_object_put(page);
			*out = data;
			return CTL_OK;
		}
		got = json_object_object_get_ex(page, "data", &v) ?
		    (int64_t)json_object_array_length(v) : 0;
		json_object_put(page);
	}
	fprintf(stderr, "adminutil-ctl: import: Kong /%s: read twice as one "
	    "page, still %s (%lld rows, total %lld)\n", ep,
	    why, (long long)got, (long long)total);
	return CTL_UNREACHABLE;
}

int
kong_read_url(const struct ctl *c, const char *url, struct kong *k)
{
	CURL	*cu;
	char	*base;
	size_t	 n;
	int	 rc;

	memset(k, 0, sizeof(*k));
	if (strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0) {
		fprintf(stderr, "adminutil-ctl: import kong: %s is neither an "
		    "http(s) URL nor a directory\n", url);
		return CTL_USAGE;
	}
	if ((base = strdup(url)) == NULL || (cu = curl_easy_init()) == NULL) {
		free(base);
		return CTL_UNREACHABLE;
	}
	for (n = strlen(base); n > 0 && base[n - 1] == '/'; n--)
		base[n - 1] = '\0';
	k->consumers = json_object_new_array();
	if ((rc = read_consumers(cu, c, base, k)) == CTL_OK &&
	    (rc = read_list(cu, c, base, "jwts", &k->jwts)) == CTL_OK &&
	    (rc = read_list(cu, c, base, "acls", &k->acls)) == CTL_OK)
		rc = read_list(cu, c, base, "plugins", &k->plugins);
	curl_easy_cleanup(cu);
	free(base);
	if (rc != CTL_OK)
		kong_free(k);
	return rc;
}

/* A saved page: the file dir/name as JSON, checked as one page. */
static int
read_file(const char *dir, const char *name, int need_total,
    struct json_object **data)
{
	struct json_object	*page, *v;
	const char		*why = NULL;
	char			*path;

	*data = NULL;
	if (asprintf(&path, "%s/%s", dir, name) == -1)
		return CTL_UNREACHABLE;
	page = json_object_from_file(path);
	if (page == NULL) {
		fprintf(stderr, "adminutil-ctl: import: %s: %s\n", path,
		    errno == ENOENT ? "no such file" : "not JSON");
		free(path);
		return CTL_UNREACHABLE;
	}
	if ((*data = kong_page_data(page, need_total, &why)) == NULL) {
		fprintf(stderr, "adminutil-ctl: import: %s: %s", path, why);
		if (json_object_object_get_ex(page, "data", &v) &&
		    json_object_is_type(v, json_type_array) &&
		    json_object_object_get_ex(page, "total", NULL))
			fprintf(stderr, " (%zu rows, total %lld: save it "
			    "with ?size= above its total)",
			    json_object_array_length(v), (long long)
			    json_object_get_int64(json_object_object_get(page,
			    "total")));
		fputc('\n', stderr);
	} else if (!need_total && json_object_object_get_ex(page, "next",
	    &v) && json_object_is_type(v, json_type_string) &&
	    strcmp(name, "consumers.json") == 0) {
		fprintf(stderr, "adminutil-ctl: import: %s: a page with a "
		    "next: save every page, as consumers-1.json, "
		    "consumers-2.json...\n", path);
		json_object_put(*data);
		*data = NULL;
	}
	json_object_put(page);
	free(path);
	return *data != NULL ? CTL_OK : CTL_UNREACHABLE;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
consumer_page(const struct dirent *d)
{
	size_t	 n = strlen(d->d_name);

	return strncmp(d->d_name, "consumers-", 10) == 0 && n > 15 &&
	    strcmp(d->d_name + n - 5, ".json") == 0;
}

int
kong_read_dir(const char *dir, struct kong *k)
{
	struct json_object	*data, *seen;
	struct dirent		**ents = NULL;
	int			 i, n, rc = CTL_OK;

	memset(k, 0, sizeof(*k));
	k->consumers = json_object_new_array();
	seen = json_object_new_object();
	if ((n = scandir(dir, &ents, consumer_page, by_name)) == -1) {
		fprintf(stderr, "adminutil-ctl: import: %s: %s\n", dir,
		    strerror(errno));
		rc = CTL_UNREACHABLE;
	} else if (n == 0) {
		if ((rc = read_file(dir, "consumers.json", 0, &data)) ==
		    CTL_OK && append_rows(k->consumers, seen, data,
		    "consumers.json") == -1)
			rc = CTL_UNREACHABLE;
		json_object_put(data);
	}
	for (i = 0; i < n; i++) {
		if (rc == CTL_OK) {
			if ((rc = read_file(dir, ents[i]->d_name, 0, &data)) ==
			    CTL_OK && append_rows(k->consumers, seen, data,
			    ents[i]->d_name) == -1)
				rc = CTL_UNREACHABLE;
			json_object_put(data);
		}
		free(ents[i]);
	}
	free(ents);
	json_object_put(seen);
	if (rc == CTL_OK && (rc = read_file(dir, "jwts.json", 1, &k->jwts)) ==
	    CTL_OK && (rc = read_file(dir, "acls.json", 1, &k->acls)) ==
	    CTL_OK)
		rc = read_file(dir, "plugins.json", 1, &k->plugins);
	if (rc != CTL_OK)
		kong_free(k);
	return rc;
}
