/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "crypto/secret.h"
#include "http/request.h"

#define JSON_MAX_DEPTH	 16
#define MSGID_MAX	 255

void
request_init(struct request *r)
{
	memset(r, 0, sizeof(*r));
	r->msgid = "";
}

void
request_free(struct request *r)
{
	size_t	 i;

	free(r->path);
	free(r->body);
	free(r->authorization);
	free(r->method_name);
	free(r->uri);
	free(r->original_uri);
	free(r->original_method);
	free(r->allow_groups);
	free(r->content_type);
	free(r->host);
	free(r->remote_addr);
	free(r->origin);
	free(r->fetch_site);
	free(r->portal_user);
	free(r->portal_email);
	free(r->actor);
	free(r->actor_key);
	json_object_put(r->json);
	for (i = 0; i < r->pathc; i++)
		free(r->pathv[i]);
	request_init(r);
}

void
response_init(struct response *res)
{
	memset(res, 0, sizeof(*res));
	res->status = 200;
}

void
response_free(struct response *res)
{
	free(res->body);
	free(res->headers);
	response_init(res);
}

int
response_header(struct response *res, const char *name, const char *value)
{
	size_t	 nl = strlen(name), vl = strlen(value), need, cap;
	char	*p;

	need = res->headerslen + nl + vl + 5;	/* ": ", CRLF, NUL */
	if (strpbrk(value, "\r\n") != NULL || need > RESPONSE_MAX_HEADERS)
		return -1;
	if (need > res->headerscap) {
		for (cap = res->headerscap == 0 ? 256 : res->headerscap;
		    cap < need; cap *= 2)
			;
		if (cap > RESPONSE_MAX_HEADERS)
			cap = RESPONSE_MAX_HEADERS;
		if ((p = realloc(res->headers, cap)) == NULL)
			return -1;
		res->headers = p;
		res->headerscap = cap;
	}
	memcpy(res->headers + res->headerslen, name, nl);
	res->headerslen += nl;
	memcpy(res->headers + res->headerslen, ": ", 2);
	res->headerslen += 2;
	memcpy(res->headers + res->headerslen, value, vl);
	res->headerslen += vl;
	memcpy(res->headers + res->headerslen, "\r\n", 2);
	res->headerslen += 2;
	res->headers[res->headerslen] = '\0';
	return 0;
}

enum method
request_method(const char *m)
{
	if (m == NULL)
		return METHOD_OTHER;
	if (strcmp(m, "GET") == 0)
		return METHOD_GET;
	if (strcmp(m, "POST") == 0)
		return METHOD_POST;
	if (strcmp(m, "HEAD") == 0)
		return METHOD_HEAD;
	return METHOD_OTHER;
}

long
percent_decode(char *dst, const char *src, size_t len)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	/* o <= i throughout: in place, a byte is read before it is written. */
	for (i = 0; i < len; i++) {
		if (src[i] == '\0')
			return -1;
		if (src[i] != '%') {
			dst[o++] = src[i];
			continue;
		}
		if (len - i < 3 || (hi = hex_digit(src[i + 1])) < 0 ||
		    (lo = hex_digit(src[i + 2])) < 0 || (hi | lo) == 0)
			return -1;
		dst[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	return (long)o;
}

char *
request_percent_decode(const char *src, size_t len, size_t *outlen)
{
	char	*out;
	long	 n;

	*outlen = 0;
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	if ((n = percent_decode(out, src, len)) < 0) {
		free(out);
		errno = EINVAL;
		return NULL;
	}
	out[n] = '\0';
	*outlen = (size_t)n;
	return out;
}

char *
request_form_decode(const char *src, size_t len, size_t *outlen)
{
	char	*v;
	size_t	 i;
	long	 n;

	*outlen = 0;
	if ((v = malloc(len + 1)) == NULL)
		return NULL;
	/* "+" before "%XX": "%2B" is a "+", not a space. */
	for (i = 0; i < len; i++)
		v[i] = src[i] == '+' ? ' ' : src[i];
	if ((n = percent_decode(v, v, len)) < 0) {
		explicit_bzero(v, len);
		free(v);
		errno = EINVAL;
		return NULL;
	}
	v[n] = '\0';
	*outlen = (size_t)n;
	return v;
}

static int
only_space(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		    s[i] != '\n')
			return 0;
	return 1;
}

/* The value of four hex digits at p, or -1. */
static long
hex4(const char *p, const char *end)
{
	long	 v = 0;
	int	 i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			v |= p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			v |= p[i] - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * What json-c lets by that RFC 8259 does not, found before it parses:
 * a quote but the double one (json-c reads 'x' as a string), and a
 * \u escape of half a surrogate pair (json-c makes it U+FFFD: two
 * readings of one text).  NULL, or the message of a BAD_REQUEST.
 */
static const char *
json_lint(const char *s, size_t len)
{
	const char	*p = s, *end = s + len;
	long		 u, lo;
	int		 in = 0;

	for (; p < end; p++) {
		if (!in) {
			if (*p == '"')
				in = 1;
			else if (*p == '\'')
				return "REQUEST BODY IS NOT VALID JSON";
			continue;
		}
		if (*p == '"')
			in = 0;
		else if (*p == '\\' && p + 1 < end) {
			if (p[1] != 'u') {
				p++;
				continue;
			}
			if ((u = hex4(p + 2, end)) >= 0xdc00 && u <= 0xdfff)
				return "REQUEST BODY HOLDS HALF A SURROGATE PAIR";
			if (u >= 0xd800 && u <= 0xdbff) {
				if (end - p < 12 || p[6] != '\\' || p[7] != 'u' ||
				    (lo = hex4(p + 8, end)) < 0xdc00 ||
				    lo > 0xdfff)
					return "REQUEST BODY HOLDS HALF A "
					    "SURROGATE PAIR";
				p += 6;
			}
			p += 5;
		}
	}
	return NULL;
}

const char *
request_parse_json(struct request *r)
{
	const char		*lint;

	json_tokener		*tok;
	json_object		*params, *msgid;
	size_t			 end;
	enum json_tokener_error	 jerr;

	r->msgid = "";
	r->req = NULL;
	if (r->body == NULL || only_space(r->body, r->bodylen)) {
		r->json = json_object_new_object();
		return r->json == NULL ? "OUT OF MEMORY" : NULL;
	}
	if ((lint = json_lint(r->body, r->bodylen)) != NULL)
		return lint;
	if ((tok = json_tokener_new_ex(JSON_MAX_DEPTH)) == NULL)
		return "OUT OF MEMORY";
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
	    JSON_TOKENER_VALIDATE_UTF8);
	/* The NUL after the body tells json-c a bare value has ended. */
	r->json = json_tokener_parse_ex(tok, r->body, (int)r->bodylen + 1);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (r->json != NULL && jerr == json_tokener_success &&
	    end < r->bodylen && !only_space(r->body + end, r->bodylen - end))
		jerr = json_tokener_error_parse_unexpected;
	json_tokener_free(tok);
	/* JSON null parses to a NULL object: valid, but not an object. */
	if (jerr == json_tokener_success && r->json == NULL)
		return "REQUEST BODY MUST BE A JSON OBJECT";
	if (jerr != json_tokener_success || r->json == NULL) {
		json_object_put(r->json);
		r->json = NULL;
		if (jerr == json_tokener_error_parse_utf8_string)
			return "REQUEST BODY IS NOT VALID UTF-8";
		return "REQUEST BODY IS NOT VALID JSON";
	}
	if (!json_object_is_type(r->json, json_type_object))
		return "REQUEST BODY MUST BE A JSON OBJECT";
	if (json_object_object_get_ex(r->json, "params", &params) &&
	    params != NULL) {
		if (!json_object_is_type(params, json_type_object))
			return "PARAMS MUST BE AN OBJECT";
		if (json_object_object_get_ex(params, "msgid", &msgid) &&
		    msgid != NULL) {
			if (!json_object_is_type(msgid, json_type_string))
				return "MSGID MUST BE A STRING";
			if (json_object_get_string_len(msgid) > MSGID_MAX)
				return "MSGID MUST NOT BE LONGER THAN 255 BYTES";
			r->msgid = json_object_get_string(msgid);
		}
	}
	if (json_object_object_get_ex(r->json, "request", &r->req) &&
	    r->req != NULL && !json_object_is_type(r->req, json_type_object)) {
		r->req = NULL;
		return "REQUEST MUST BE AN OBJECT";
	}
	return NULL;
}

const char *
request_resmsgid(struct request *r)
{
	if (r->resmsgid[0] == '\0')
		secret_uuid4(r->resmsgid);
	return r->resmsgid;
}
