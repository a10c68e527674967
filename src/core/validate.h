/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Validators for the names the admin routes accept.  Each returns NULL
 * when the value is good, else the contract's message for the first rule
 * it breaks (a static string).  A NULL json_object means "absent".
 *
 * Rules, in the order they are checked, for username and key:
 *   absent or ""           -> <FIELD> IS MANDATORY
 *   not a string           -> <FIELD> MUST BE A STRING
 *   longer than 255 bytes  -> <FIELD> MUST NOT BE LONGER THAN 255 BYTES
 *   not valid UTF-8        -> <FIELD> MUST BE VALID UTF-8
 *   holds white space      -> <FIELD> MUST NOT HAVE SPACE
 *   holds a control char   -> <FIELD> MUST NOT HAVE CONTROL CHARACTERS
 *   8-4-4-4-12 hex digits  -> <FIELD> MUST NOT BE A UUID
 * Groups: the same checks (no UUID rule), plus no comma; the list is a
 * non-empty array of at most VALIDATE_MAX_GROUPS strings, at most
 * VALIDATE_MAX_JOINED bytes when joined by commas: what the gateway's
 * answer carries in X-Consumer-Groups through nginx's shipped buffer
 * (fastcgi_buffer_size 16k in conf/nginx.conf, with room for the rest).
 */
#ifndef ADMINUTIL_VALIDATE_H
#define ADMINUTIL_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "core/ratelimit.h"

#define VALIDATE_MAX_LEN	 255
#define VALIDATE_MAX_GROUPS	 256
#define VALIDATE_MAX_JOINED	 8192

const char	*validate_username(json_object *v);
const char	*validate_username_str(const char *s, size_t len);
/*
 * The username of a new consumer: the rules above, then
 *   holds a format character (Unicode Cf: zero-width, soft hyphen, bidi
 *   controls...) -> USERNAME MUST NOT HAVE FORMAT CHARACTERS (...)
 *   not in NFC             -> USERNAME MUST BE IN UNICODE NORMALIZATION
 *                             FORM C (NFC)
 */
const char	*validate_new_username(json_object *v);
const char	*validate_new_username_str(const char *s, size_t len);
const char	*validate_key(json_object *v);
const char	*validate_key_str(const char *s, size_t len);
const char	*validate_group_str(const char *s, size_t len);
/* The groups array: mandatory, array of strings, each a good group. */
const char	*validate_groups(json_object *v);

/*
 * A consumer's own rate limits: an object whose members are windows
 * ("second", "minute", "hour", "day") and whose values are integers
 * from 1 to VALIDATE_MAX_RATE, into out[RL_NWINDOWS] (0 for a window it
 * does not name; out is set only when the object is good).  {} is good:
 * no limits of its own.  The rules, in order:
 *   absent                 -> LIMITS ARE MANDATORY
 *   not an object          -> LIMITS MUST BE AN OBJECT
 *   another member name    -> LIMITS: A WINDOW IS second, minute, hour
 *                             OR day
 *   not such an integer    -> A LIMIT MUST BE AN INTEGER FROM 1 TO
 *                             1000000000000
 */
#define VALIDATE_MAX_RATE	 1000000000000LL
const char	*validate_limits(json_object *v, uint64_t out[RL_NWINDOWS]);
/* limits as validate_limits() reads them (0: left out); NULL on no memory. */
json_object	*validate_limits_json(const uint64_t limits[RL_NWINDOWS]);

/*
 * 1 if o, parsed from the JSON text s[0..len), holds exactly what s
 * says: json-c keeps the last of two members of one name (another
 * parser the first) and cuts a name at a NUL, so a text with either is
 * read two ways, and is refused.
 */
int		 validate_json_exact(const char *s, size_t len, json_object *o);

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
int		 validate_utf8(const char *s, size_t len);
/* 1 if s[0..len) is exactly 8-4-4-4-12 hex digits. */
int		 validate_is_uuid(const char *s, size_t len);

/*
 * The one parser of the numbers that come from outside (a header, a
 * path, a column, the configuration, the command line): s is digits of
 * base (8 or 10) only, no sign, blank or prefix, 1 to
 * VALIDATE_NUMBER_DIGITS of them (no overflow), its value in min..max.
 * 0 and *out, or -1 and *out unchanged.
 */
#define VALIDATE_NUMBER_DIGITS	 18
int		 validate_number(const char *s, int base, long long min,
		    long long max, long long *out);

#endif
