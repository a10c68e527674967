/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "core/validate.h"

/* The messages of one kind of name; NULL where a rule does not apply. */
struct vrules {
	const char	*mandatory;
	const char	*type;
	const char	*toolong;
	const char	*utf8;
	const char	*space;
	const char	*comma;
	const char	*control;
	const char	*uuid;
	const char	*format;	/* NULL: format characters let in */
	const char	*nfc;		/* NULL: any normalisation */
};

static const struct vrules username_rules = {
	"USERNAME IS MANDATORY",
	"USERNAME MUST BE A STRING",
	"USERNAME MUST NOT BE LONGER THAN 255 BYTES",
	"USERNAME MUST BE VALID UTF-8",
	"USERNAME MUST NOT HAVE SPACE",
	NULL,
	"USERNAME MUST NOT HAVE CONTROL CHARACTERS",
	"USERNAME MUST NOT BE A UUID",
	NULL,
	NULL,
};

/*
 * A username a consumer is created with: neither format characters nor
 * anything but NFC, so that no two consumers' names print alike.  The
 * names of consumers that exist are read with the rules above: one made
 * before these rules can still be read, changed and deleted.
 */
static const struct vrules new_username_rules = {
	"USERNAME IS MANDATORY",
	"USERNAME MUST BE A STRING",
	"USERNAME MUST NOT BE LONGER THAN 255 BYTES",
	"USERNAME MUST BE VALID UTF-8",
	"USERNAME MUST NOT HAVE SPACE",
	NULL,
	"USERNAME MUST NOT HAVE CONTROL CHARACTERS",
	"USERNAME MUST NOT BE A UUID",
	"USERNAME MUST NOT HAVE FORMAT CHARACTERS (ZERO-WIDTH, SOFT HYPHEN, "
	    "BIDI CONTROLS)",
	"USERNAME MUST BE IN UNICODE NORMALIZATION FORM C (NFC)",
};

static const struct vrules key_rules = {
	"KEY IS MANDATORY",
	"KEY MUST BE A STRING",
	"KEY MUST NOT BE LONGER THAN 255 BYTES",
	"KEY MUST BE VALID UTF-8",
	"KEY MUST NOT HAVE SPACE",
	NULL,
	"KEY MUST NOT HAVE CONTROL CHARACTERS",
	"KEY MUST NOT BE A UUID",
	NULL,
	NULL,
};

static const struct vrules group_rules = {
	"GROUP NAME MUST NOT BE EMPTY",
	"GROUPS MUST BE AN ARRAY OF STRINGS",
	"GROUP NAME MUST NOT BE LONGER THAN 255 BYTES",
	"GROUP NAME MUST BE VALID UTF-8",
	"GROUP NAME MUST NOT HAVE SPACE OR COMMA",
	"GROUP NAME MUST NOT HAVE SPACE OR COMMA",
	"GROUP NAME MUST NOT HAVE CONTROL CHARACTERS",
	NULL,
	NULL,
	NULL,
};

int
validate_utf8(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n, k;
	unsigned		 cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1; cp = s[i] & 0x1f; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2; cp = s[i] & 0x0f; min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3; cp = s[i] & 0x07; min = 0x10000;
		} else
			return 0;
		if (len - i - 1 < n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int
validate_is_uuid(const char *s, size_t len)
{
	size_t	 i;

	if (len != 36)
		return 0;
	for (i = 0; i < len; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	}
	return 1;
}

/*
 * White space as JavaScript's \s knows it, given valid UTF-8: ASCII
 * space, \t \n \v \f \r, and the Unicode spaces U+00A0, U+1680,
 * U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF.
 * Returns the length of the space at s, or 0.
 */
static size_t
space_at(const unsigned char *s, size_t left)
{
	if (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (left >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (left < 3)
		return 0;
	if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] <= 0x8a || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
		return 3;
	if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
		return 3;
	if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
		return 3;
	if (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf)
		return 3;
	return 0;
}

/* C0 controls, DEL, and the C1 controls U+0080..U+009F. */
static int
control_at(const unsigned char *s, size_t left)
{
	if (*s < 0x20 || *s == 0x7f)
		return 1;
	return left >= 2 && s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f;
}

/*
 * 1 if valid UTF-8 s holds a format character (Unicode category Cf:
 * U+00AD soft hyphen, U+200B..U+200F zero-width and directional marks,
 * U+202A..U+202E and U+2066..U+2069 bidi controls, U+2060 word joiner,
 * U+FEFF...): two names that print alike would be two consumers.
 */
static int
has_format(const unsigned char *s, size_t len)
{
	ucs4_t	 uc;
	size_t	 i;
	int	 n;

	for (i = 0; i < len; i += (size_t)n) {
		if ((n = u8_mbtouc(&uc, s + i, len - i)) <= 0)
			return 1;
		if (uc_is_general_category(uc, UC_CATEGORY_Cf))
			return 1;
	}
	return 0;
}

/* 1 if valid UTF-8 s is in NFC (libunistring's normaliser says so). */
static int
is_nfc(const unsigned char *s, size_t len)
{
	uint8_t	*n;
	size_t	 nlen = 0;
	int	 same;

	for (nlen = 0; nlen < len && s[nlen] < 0x80; nlen++)
		;
	if (nlen == len)
		return 1;			/* ASCII is NFC */
	if ((n = u8_normalize(UNINORM_NFC, s, len, NULL, &nlen)) == NULL)
		return 0;
	same = nlen == len && memcmp(n, s, len) == 0;
	free(n);
	return same;
}

static const char *
check_str(const struct vrules *r, const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i;
	int			 space = 0, comma = 0, control = 0;

	if (len == 0)
		return r->mandatory;
	if (len > VALIDATE_MAX_LEN)
		return r->toolong;
	if (!validate_utf8(str, len))
		return r->utf8;
	for (i = 0; i < len; i++) {
		if (space_at(s + i, len - i) > 0)
			space = 1;
		else if (control_at(s + i, len - i))
			control = 1;
		else if (s[i] == ',')
			comma = 1;
	}
	if (space)
		return r->space;
	if (comma && r->comma != NULL)
		return r->comma;
	if (control)
		return r->control;
	if (r->format != NULL && has_format(s, len))
		return r->format;
	if (r->nfc != NULL && !is_nfc(s, len))
		return r->nfc;
	if (r->uuid != NULL && validate_is_uuid(str, len))
		return r->uuid;
	return NULL;
}

static const char *
check_json(const struct vrules *r, json_object *v)
{
	if (v == NULL)
		return r->mandatory;
	if (!json_object_is_type(v, json_type_string))
		return r->type;
	return check_str(r, json_object_get_string(v),
	    (size_t)json_object_get_string_len(v));
}

const char *
validate_username(json_object *v)
{
	return check_json(&username_rules, v);
}

const char *
validate_username_str(const char *s, size_t len)
{
	return check_str(&username_rules, s, len);
}

const char *
validate_new_username(json_object *v)
{
	return check_json(&new_username_rules, v);
}

const char *
validate_new_username_str(const char *s, size_t len)
{
	return check_str(&new_username_rules, s, len);
}

const char *
validate_key(json_object *v)
{
	return check_json(&key_rules, v);
}

const char *
validate_key_str(const char *s, size_t len)
{
	return check_str(&key_rules, s, len);
}

const char *
validate_group_str(const char *s, size_t len)
{
	return check_str(&group_rules, s, len);
}

const char *
validate_groups(json_object *v)
{
	size_t		 i, n, joined = 0;
	const char	*msg;

	if (v == NULL)
		return "GROUPS ARE MANDATORY";
	if (!json_object_is_type(v, json_type_array))
		return "GROUPS MUST BE AN ARRAY OF STRINGS";
	if ((n = json_object_array_length(v)) == 0)
		return "GROUPS ARE MANDATORY";
	if (n > VALIDATE_MAX_GROUPS)
		return "TOO MANY GROUPS: AT MOST 256";
	for (i = 0; i < n; i++) {
		json_object	*g = json_object_array_get_idx(v, i);

		if (!json_object_is_type(g, json_type_string))
			return group_rules.type;
		if ((msg = check_json(&group_rules, g)) != NULL)
			return msg;
		joined += (size_t)json_object_get_string_len(g) + (i > 0);
	}
	if (joined > VALIDATE_MAX_JOINED)
		return "GROUPS ARE TOO LONG FOR THE GATEWAY: AT MOST 8192 BYTES "
		    "JOINED BY COMMAS";
	return NULL;
}

int
validate_number(const char *s, int base, long long min, long long max,
    long long *out)
{
	long long	 v = 0;
	size_t		 i;

	if (base != 8 && base != 10)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (i == VALIDATE_NUMBER_DIGITS || s[i] < '0' ||
		    s[i] >= '0' + base)
			return -1;
		v = v * base + (s[i] - '0');
	}
	if (i == 0 || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

const char *
validate_limits(json_object *v, uint64_t out[RL_NWINDOWS])
{
	uint64_t	 lim[RL_NWINDOWS] = { 0 };
	int64_t		 n;
	size_t		 w;

	if (v == NULL)
		return "LIMITS ARE MANDATORY";
	if (!json_object_is_type(v, json_type_object))
		return "LIMITS MUST BE AN OBJECT";
	json_object_object_foreach(v, name, val) {
		for (w = 0; w < RL_NWINDOWS; w++)
			if (strcmp(name, rl_window_name(w)) == 0)
				break;
		if (w == RL_NWINDOWS)
			return "LIMITS: A WINDOW IS second, minute, hour OR day";
		/*
		 * An integer only: json-c reads 1.0 and 1e3 as doubles, and
		 * a number past int64 as the largest one, over the bound.
		 */
		if (!json_object_is_type(val, json_type_int) ||
		    (n = json_object_get_int64(val)) < 1 ||
		    n > VALIDATE_MAX_RATE)
			return "A LIMIT MUST BE AN INTEGER FROM 1 TO "
			    "1000000000000";
		lim[w] = (uint64_t)n;
	}
	memcpy(out, lim, sizeof(lim));
	return NULL;
}

json_object *
validate_limits_json(const uint64_t limits[RL_NWINDOWS])
{
	json_object	*o, *n;
	size_t		 w;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	for (w = 0; w < RL_NWINDOWS; w++) {
		if (limits[w] == 0)
			continue;
		if ((n = json_object_new_int64((int64_t)limits[w])) == NULL ||
		    json_object_object_add(o, rl_window_name(w), n) != 0) {
			json_object_put(n);
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

/* Members in the objects of o and of everything in it. */
static size_t
members(json_object *o)
{
	size_t	 n = 0, i, len;

	if (json_object_is_type(o, json_type_array)) {
		len = json_object_array_length(o);
		for (i = 0; i < len; i++)
			n += members(json_object_array_get_idx(o, i));
	} else if (json_object_is_type(o, json_type_object)) {
		json_object_object_foreach(o, name, v) {
			(void)name;
			n += 1 + members(v);
		}
	}
	return n;
}

/*
 * No NUL, escaped or not, anywhere; and as many members in o as ':'
 * outside strings in s (s is JSON already: every '\' in it starts a
 * two-character escape inside a string).
 */
int
validate_json_exact(const char *s, size_t len, json_object *o)
{
	size_t	 i, colons = 0;
	int	 in = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0')
			return 0;
		if (s[i] == '"')
			in = !in;
		else if (s[i] == ':' && !in)
			colons++;
		else if (s[i] == '\\') {
			if (len - i >= 6 && memcmp(s + i + 1, "u0000", 5) == 0)
				return 0;
			i++;
		}
	}
	return colons == members(o);
}
