/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The readings of a request path (gateway/acl.c decides on each).
 */
#ifndef ADMINUTIL_GATEWAY_PATH_H
#define ADMINUTIL_GATEWAY_PATH_H

#include <stddef.h>

/*
 * Normalises a request path in place, as a web server does before it
 * picks a location: cuts the query, decodes %XX, merges "//", resolves
 * "." and "..".  Returns the new length, or -1 when the path is not
 * absolute, has a bad or NUL escape, or climbs above the root.
 */
long		 path_normalize(char *path);

/*
 * Merges slashes and resolves dot segments of the absolute path
 * p[0..len) in place, NUL-terminated.  The new length, or -1 when it
 * climbs above the root.
 */
long		 path_resolve(char *p, size_t len);

/*
 * The lenient reading of p[0..len), in place: "\\" is "/", and each
 * segment loses its ";" parameters (so "..;" is "..").  The new length.
 */
size_t		 path_lenient(char *p, size_t len);

/*
 * Case folds p[0..len) in place as a backend that ignores case reads
 * it: ASCII letters, and the four non-ASCII letters whose case mapping
 * is ASCII (U+0130 and U+0131 are "i", U+017F "s", U+212A "k").
 * Returns the new length.
 */
size_t		 path_fold(char *p, size_t len);

#endif
