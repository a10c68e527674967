/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The readings of a request path that the ACL decides on: as a web
 * server normalises it, as a lenient backend reads it, as a backend that
 * ignores case does.  Pure byte work, in place; the decoding is the
 * router's own (percent_decode).
 */
#include "build.h"

#include <string.h>

#include "gateway/path.h"
#include "http/request.h"

long
path_resolve(char *p, size_t len)
{
	size_t	 i, o = 0;

	if (len == 0 || p[0] != '/')
		return -1;
	for (i = 0; i < len; ) {
		/* p[i] == '/' here. */
		while (i < len && p[i] == '/')
			i++;
		if (i == len) {
			p[o++] = '/';
			break;
		}
		if (p[i] == '.' && (i + 1 == len || p[i + 1] == '/')) {
			i += 1;
			if (i == len)
				p[o++] = '/';
			continue;
		}
		if (p[i] == '.' && p[i + 1] == '.' &&
		    (i + 2 == len || p[i + 2] == '/')) {
			if (o == 0)
				return -1;
			while (o > 0 && p[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			i += 2;
			if (i == len)
				p[o++] = '/';
			continue;
		}
		p[o++] = '/';
		while (i < len && p[i] != '/')
			p[o++] = p[i++];
	}
	if (o == 0)
		p[o++] = '/';
	p[o] = '\0';
	return (long)o;
}

long
path_normalize(char *p)
{
	size_t	 len;
	long	 n;

	len = strcspn(p, "?#");
	if (len == 0 || p[0] != '/')
		return -1;
	/*
	 * Decode first: "%2e%2e" is ".." to the server that routes.  With
	 * the router's decoder, so that a path reads here as it does there.
	 */
	if ((n = percent_decode(p, p, len)) < 0)
		return -1;
	return path_resolve(p, (size_t)n);
}

size_t
path_lenient(char *p, size_t len)
{
	size_t	 i, o = 0;
	int	 param = 0;

	for (i = 0; i < len; i++) {
		if (p[i] == '\\' || p[i] == '/') {
			param = 0;
			p[o++] = '/';
		} else if (p[i] == ';')
			param = 1;
		else if (!param)
			p[o++] = p[i];
	}
	return o;
}

size_t
path_fold(char *p, size_t len)
{
	size_t	 i, o = 0;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)p[i];
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		else if (c == 0xc4 && i + 1 < len &&
		    ((unsigned char)p[i + 1] == 0xb0 ||
		    (unsigned char)p[i + 1] == 0xb1)) {
			c = 'i';		/* U+0130, U+0131 */
			i++;
		} else if (c == 0xc5 && i + 1 < len &&
		    (unsigned char)p[i + 1] == 0xbf) {
			c = 's';		/* U+017F */
			i++;
		} else if (c == 0xe2 && i + 2 < len &&
		    (unsigned char)p[i + 1] == 0x84 &&
		    (unsigned char)p[i + 2] == 0xaa) {
			c = 'k';		/* U+212A */
			i += 2;
		}
		p[o++] = (char)c;
	}
	return o;
}
