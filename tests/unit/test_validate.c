/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of validate.c: the username, key and group rules and the
 * contract's exact messages.
 */
#include "build.h"

#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "core/validate.h"
#include "unit.h"

/* The outcome of a value, independent of which field it is. */
enum want {
	W_OK,
	W_MANDATORY,
	W_TOOLONG,
	W_UTF8,
	W_SPACE,
	W_COMMA,
	W_CONTROL,
	W_UUID,
	W_FORMAT,	/* a Unicode format character (Cf) */
	W_NFC,		/* not in NFC */
	W__MAX
};

/* The messages of one field, written out here, not taken from src/. */
struct field {
	const char	*name;
	const char	*(*str)(const char *, size_t);
	const char	*(*json)(json_object *);
	const char	*msg[W__MAX];
	const char	*type;		/* not a string */
};

static const struct field username = {
	"username", validate_username_str, validate_username, {
		[W_OK] = NULL,
		[W_MANDATORY] = "USERNAME IS MANDATORY",
		[W_TOOLONG] = "USERNAME MUST NOT BE LONGER THAN 255 BYTES",
		[W_UTF8] = "USERNAME MUST BE VALID UTF-8",
		[W_SPACE] = "USERNAME MUST NOT HAVE SPACE",
		[W_COMMA] = NULL,	/* a comma is fine in a username */
		[W_CONTROL] = "USERNAME MUST NOT HAVE CONTROL CHARACTERS",
		[W_UUID] = "USERNAME MUST NOT BE A UUID",
		[W_FORMAT] = NULL,	/* an existing name may have them */
		[W_NFC] = NULL,
	}, "USERNAME MUST BE A STRING"
};

/* A new consumer's name: the same, and nothing that prints alike. */
static const struct field new_username = {
	"new username", validate_new_username_str, validate_new_username, {
		[W_OK] = NULL,
		[W_MANDATORY] = "USERNAME IS MANDATORY",
		[W_TOOLONG] = "USERNAME MUST NOT BE LONGER THAN 255 BYTES",
		[W_UTF8] = "USERNAME MUST BE VALID UTF-8",
		[W_SPACE] = "USERNAME MUST NOT HAVE SPACE",
		[W_COMMA] = NULL,
		[W_CONTROL] = "USERNAME MUST NOT HAVE CONTROL CHARACTERS",
		[W_UUID] = "USERNAME MUST NOT BE A UUID",
		[W_FORMAT] = "USERNAME MUST NOT HAVE FORMAT CHARACTERS "
		    "(ZERO-WIDTH, SOFT HYPHEN, BIDI CONTROLS)",
		[W_NFC] = "USERNAME MUST BE IN UNICODE NORMALIZATION FORM C "
		    "(NFC)",
	}, "USERNAME MUST BE A STRING"
};

static const struct field key = {
	"key", validate_key_str, validate_key, {
		[W_OK] = NULL,
		[W_MANDATORY] = "KEY IS MANDATORY",
		[W_TOOLONG] = "KEY MUST NOT BE LONGER THAN 255 BYTES",
		[W_UTF8] = "KEY MUST BE VALID UTF-8",
		[W_SPACE] = "KEY MUST NOT HAVE SPACE",
		[W_COMMA] = NULL,	/* a comma is fine in a key */
		[W_CONTROL] = "KEY MUST NOT HAVE CONTROL CHARACTERS",
		[W_UUID] = "KEY MUST NOT BE A UUID",
	}, "KEY MUST BE A STRING"
};

static const struct field group = {
	"group", validate_group_str, NULL, {
		[W_OK] = NULL,
		[W_MANDATORY] = "GROUP NAME MUST NOT BE EMPTY",
		[W_TOOLONG] = "GROUP NAME MUST NOT BE LONGER THAN 255 BYTES",
		[W_UTF8] = "GROUP NAME MUST BE VALID UTF-8",
		[W_SPACE] = "GROUP NAME MUST NOT HAVE SPACE OR COMMA",
		[W_COMMA] = "GROUP NAME MUST NOT HAVE SPACE OR COMMA",
		[W_CONTROL] = "GROUP NAME MUST NOT HAVE CONTROL CHARACTERS",
		[W_UUID] = NULL,	/* groups have no UUID rule */
	}, "GROUPS MUST BE AN ARRAY OF STRINGS"
};

#define LIT(s)	 (s), sizeof(s) - 1

struct vcase {
	const char	*name;
	const char	*s;
	size_t		 len;
	enum want	 want;
};

/* Values that break at most one rule, so one row fits all three fields. */
static const struct vcase cases[] = {
	{ "plain",		LIT("alice"),			W_OK },
	{ "seed username",	LIT("XYZ-Corp"),		W_OK },
	{ "hex key",		LIT("07dcc362679d477ea0711d74132203e1"), W_OK },
	{ "punctuation",	LIT("a.b_c-d@e+f"),		W_OK },
	{ "empty",		LIT(""),			W_MANDATORY },

	/* White space, as JavaScript's \s knows it. */
	{ "ASCII space",	LIT("a b"),			W_SPACE },
	{ "leading space",	LIT(" a"),			W_SPACE },
	{ "trailing space",	LIT("a "),			W_SPACE },
	{ "only a space",	LIT(" "),			W_SPACE },
	{ "tab",		LIT("a\tb"),			W_SPACE },
	{ "newline",		LIT("a\nb"),			W_SPACE },
	{ "CR",			LIT("a\rb"),			W_SPACE },
	{ "VT",			LIT("a\vb"),			W_SPACE },
	{ "FF",			LIT("a\fb"),			W_SPACE },
	{ "NBSP U+00A0",	LIT("a\xc2\xa0" "b"),		W_SPACE },
	{ "U+1680",		LIT("a\xe1\x9a\x80" "b"),	W_SPACE },
	{ "U+2000",		LIT("a\xe2\x80\x80" "b"),	W_SPACE },
	{ "U+200A",		LIT("a\xe2\x80\x8a" "b"),	W_SPACE },
	{ "U+2028",		LIT("a\xe2\x80\xa8" "b"),	W_SPACE },
	{ "U+2029",		LIT("a\xe2\x80\xa9" "b"),	W_SPACE },
	{ "U+202F",		LIT("a\xe2\x80\xaf" "b"),	W_SPACE },
	{ "U+205F",		LIT("a\xe2\x81\x9f" "b"),	W_SPACE },
	{ "ideographic U+3000",	LIT("a\xe3\x80\x80" "b"),	W_SPACE },
	{ "BOM U+FEFF",		LIT("a\xef\xbb\xbf" "b"),	W_SPACE },
	{ "U+200B is no space",	LIT("a\xe2\x80\x8b" "b"),	W_FORMAT },
	{ "U+3001 is no space",	LIT("a\xe3\x80\x81" "b"),	W_OK },

	/* Controls: C0 (but \t..\r, which are space), DEL, C1. */
	{ "NUL",		LIT("a\0b"),			W_CONTROL },
	{ "NUL at the end",	LIT("ab\0"),			W_CONTROL },
	{ "SOH",		LIT("a\x01" "b"),		W_CONTROL },
	{ "ESC",		LIT("a\x1b" "b"),		W_CONTROL },
	{ "US",			LIT("a\x1f" "b"),		W_CONTROL },
	{ "DEL",		LIT("a\x7f" "b"),		W_CONTROL },
	{ "C1 U+0080",		LIT("a\xc2\x80" "b"),		W_CONTROL },
	{ "C1 NEL U+0085",	LIT("a\xc2\x85" "b"),		W_CONTROL },
	{ "C1 U+009F",		LIT("a\xc2\x9f" "b"),		W_CONTROL },
	{ "U+00A1 is printable", LIT("a\xc2\xa1" "b"),		W_OK },

	/* UTF-8. */
	{ "2-byte e-acute",	LIT("caf\xc3\xa9"),		W_OK },
	{ "3-byte U+20AC",	LIT("\xe2\x82\xac"),		W_OK },
	{ "4-byte emoji",	LIT("\xf0\x9f\x98\x80"),	W_OK },
	{ "U+D7FF",		LIT("\xed\x9f\xbf"),		W_OK },
	{ "U+E000",		LIT("\xee\x80\x80"),		W_OK },
	{ "U+10FFFF",		LIT("\xf4\x8f\xbf\xbf"),	W_OK },
	{ "overlong 2-byte /",	LIT("a\xc0\xaf"),		W_UTF8 },
	{ "overlong 2-byte NUL", LIT("a\xc0\x80"),		W_UTF8 },
	{ "overlong C1 lead",	LIT("a\xc1\xbf"),		W_UTF8 },
	{ "overlong 3-byte",	LIT("a\xe0\x80\xaf"),		W_UTF8 },
	{ "overlong 3-byte max", LIT("a\xe0\x9f\xbf"),		W_UTF8 },
	{ "overlong 4-byte",	LIT("a\xf0\x80\x80\xaf"),	W_UTF8 },
	{ "overlong 4-byte max", LIT("a\xf0\x8f\xbf\xbf"),	W_UTF8 },
	{ "surrogate U+D800",	LIT("a\xed\xa0\x80"),		W_UTF8 },
	{ "surrogate U+DFFF",	LIT("a\xed\xbf\xbf"),		W_UTF8 },
	{ "surrogate pair",	LIT("\xed\xa0\xbd\xed\xb8\x80"), W_UTF8 },
	{ "above U+10FFFF",	LIT("a\xf4\x90\x80\x80"),	W_UTF8 },
	{ "F5 lead",		LIT("a\xf5\x80\x80\x80"),	W_UTF8 },
	{ "5-byte lead",	LIT("a\xf8\x88\x80\x80\x80"),	W_UTF8 },
	{ "FF byte",		LIT("a\xff"),			W_UTF8 },
	{ "FE byte",		LIT("\xfe" "a"),		W_UTF8 },
	{ "lone continuation",	LIT("a\x80" "b"),		W_UTF8 },
	{ "truncated 2-byte",	LIT("caf\xc3"),			W_UTF8 },
	{ "truncated 3-byte",	LIT("a\xe2\x82"),		W_UTF8 },
	{ "truncated 4-byte",	LIT("a\xf0\x9f\x98"),		W_UTF8 },
	{ "truncated mid-string", LIT("\xe2\x82" "ab"),		W_UTF8 },
	{ "bad continuation",	LIT("\xc3\x28"),		W_UTF8 },

	/* UUID shapes. */
	{ "UUID lowercase",	LIT("123e4567-e89b-12d3-a456-426614174000"),
	    W_UUID },
	{ "UUID uppercase",	LIT("123E4567-E89B-12D3-A456-426614174000"),
	    W_UUID },
	{ "UUID mixed case",	LIT("123e4567-E89B-12d3-A456-426614174000"),
	    W_UUID },
	{ "UUID all digits",	LIT("00000000-0000-0000-0000-000000000000"),
	    W_UUID },
	{ "UUID all f",		LIT("ffffffff-ffff-ffff-ffff-ffffffffffff"),
	    W_UUID },
	{ "near: 35 chars",	LIT("123e4567-e89b-12d3-a456-42661417400"),
	    W_OK },
	{ "near: 37 chars",	LIT("123e4567-e89b-12d3-a456-4266141740000"),
	    W_OK },
	{ "near: non-hex g",	LIT("123e4567-e89b-12d3-a456-42661417400g"),
	    W_OK },
	{ "near: moved dash",	LIT("123e456-7e89b-12d3-a456-426614174000"),
	    W_OK },
	{ "near: underscores",	LIT("123e4567_e89b_12d3_a456_426614174000"),
	    W_OK },
	{ "near: no dashes",	LIT("123e4567e89b12d3a456426614174000"),
	    W_OK },
	{ "near: braces",	LIT("{123e4567-e89b-12d3-a456-426614174000}"),
	    W_OK },
	{ "near: 5 dashes",	LIT("123e4567-e89b-12d3-a456-4266-14174000"),
	    W_OK },
	{ "near: dash-only",	LIT("------------------------------------"),
	    W_OK },

	/*
	 * Names that print like others: only usernames refuse them
	 * (format characters, then anything not in NFC).
	 */
	{ "soft hyphen U+00AD",	LIT("a\xc2\xad" "b"),		W_FORMAT },
	{ "ZWNJ U+200C",	LIT("a\xe2\x80\x8c" "b"),	W_FORMAT },
	{ "ZWJ U+200D",		LIT("a\xe2\x80\x8d" "b"),	W_FORMAT },
	{ "LRM U+200E",		LIT("a\xe2\x80\x8e" "b"),	W_FORMAT },
	{ "RLM U+200F",		LIT("a\xe2\x80\x8f" "b"),	W_FORMAT },
	{ "LRE U+202A",		LIT("a\xe2\x80\xaa" "b"),	W_FORMAT },
	{ "RLO U+202E",		LIT("a\xe2\x80\xae" "b"),	W_FORMAT },
	{ "word joiner U+2060",	LIT("a\xe2\x81\xa0" "b"),	W_FORMAT },
	{ "LRI U+2066",		LIT("a\xe2\x81\xa6" "b"),	W_FORMAT },
	{ "PDI U+2069",		LIT("a\xe2\x81\xa9" "b"),	W_FORMAT },
	{ "ALM U+061C",		LIT("a\xd8\x9c" "b"),		W_FORMAT },
	{ "a tag U+E0041",	LIT("a\xf3\xa0\x81\x81"),	W_FORMAT },
	{ "e and combining acute", LIT("cafe\xcc\x81"),	W_NFC },
	{ "Angstrom sign U+212B", LIT("\xe2\x84\xab"),		W_NFC },
	{ "Kelvin sign U+212A",	LIT("\xe2\x84\xaa"),		W_NFC },
	{ "Hangul jamo, decomposed", LIT("\xe1\x84\x80\xe1\x85\xa1"),
	    W_NFC },
	{ "Hangul syllable U+AC00", LIT("\xea\xb0\x80"),	W_OK },
	{ "A-ring U+00C5",	LIT("\xc3\x85"),			W_OK },
	{ "ligature ff is NFC",	LIT("\xef\xac\x80"),		W_OK },

	/* Comma: only groups refuse it. */
	{ "comma",		LIT("a,b"),			W_COMMA },
	{ "trailing comma",	LIT("ab,"),			W_COMMA },
};

static void
check_case(const struct field *f, const struct vcase *c)
{
	const char	*got, *want = f->msg[c->want];
	json_object	*o;

	got = f->str(c->s, c->len);
	UNIT_CHECK(unit_streq(got, want), "%s_str(%s): got \"%s\", want "
	    "\"%s\"", f->name, c->name, unit_str(got), unit_str(want));
	if (f->json == NULL)
		return;
	o = json_object_new_string_len(c->s, (int)c->len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	got = f->json(o);
	UNIT_CHECK(unit_streq(got, want), "%s(json %s): got \"%s\", want "
	    "\"%s\"", f->name, c->name, unit_str(got), unit_str(want));
	json_object_put(o);
}

static void
check_table(const struct field *f)
{
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(f, &cases[i]);
}

static void
test_username_table(void)
{
	check_table(&username);
}

static void
test_new_username_table(void)
{
	check_table(&new_username);
}

static void
test_key_table(void)
{
	check_table(&key);
}

static void
test_group_str_table(void)
{
	check_table(&group);
}

/* Absent (NULL), "" and every JSON type that is not a string. */
static void
check_json_types(const struct field *f)
{
	static const char *const	 notstr[] = {
		"1", "1.5", "true", "false", "[]", "[\"a\"]", "{}",
		"{\"a\":\"b\"}"
	};
	json_object			*o;
	const char			*got;
	size_t				 i;

	got = f->json(NULL);
	UNIT_STREQ(got, f->msg[W_MANDATORY], "absent");
	o = json_object_new_string("");
	got = f->json(o);
	UNIT_STREQ(got, f->msg[W_MANDATORY], "\"\"");
	json_object_put(o);
	for (i = 0; i < sizeof(notstr) / sizeof(notstr[0]); i++) {
		o = json_tokener_parse(notstr[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(o);
		got = f->json(o);
		UNIT_STREQ(got, f->type, notstr[i]);
		json_object_put(o);
	}
}

static void
test_username_json_types(void)
{
	check_json_types(&username);
}

static void
test_key_json_types(void)
{
	check_json_types(&key);
}

/* The contract's exact texts, spelled out once more on their own. */
static void
test_contract_messages(void)
{
	json_object	*sp = json_object_new_string("a b");
	json_object	*uu = json_object_new_string(
			    "123e4567-e89b-12d3-a456-426614174000");

	UNIT_STREQ(validate_username(NULL), "USERNAME IS MANDATORY", "absent");
	UNIT_STREQ(validate_username(sp), "USERNAME MUST NOT HAVE SPACE",
	    "a b");
	UNIT_STREQ(validate_username(uu), "USERNAME MUST NOT BE A UUID",
	    "uuid");
	UNIT_STREQ(validate_key(NULL), "KEY IS MANDATORY", "absent");
	UNIT_STREQ(validate_key(sp), "KEY MUST NOT HAVE SPACE", "a b");
	UNIT_STREQ(validate_key(uu), "KEY MUST NOT BE A UUID", "uuid");
	UNIT_STREQ(validate_groups(NULL), "GROUPS ARE MANDATORY", "absent");
	json_object_put(sp);
	json_object_put(uu);
}

/* A malloc'ed string of n bytes: n - tail of c, then tail. */
static char *
filled(size_t n, char c, const char *tail)
{
	size_t	 tl = strlen(tail);
	char	*s;

	if ((s = malloc(n + 1)) == NULL)
		return NULL;
	memset(s, c, n - tl);
	memcpy(s + n - tl, tail, tl + 1);
	return s;
}

/* 255 bytes is the limit; bytes, not characters, count. */
static void
check_lengths(const struct field *f)
{
	static const struct {
		size_t		 n;
		const char	*tail;
		enum want	 want;
	} lens[] = {
		{ 1, "", W_OK },
		{ 255, "", W_OK },
		{ 256, "", W_TOOLONG },
		{ 1000, "", W_TOOLONG },
		{ 255, "\xc3\xa9", W_OK },		/* 254 characters */
		{ 256, "\xc3\xa9", W_TOOLONG },		/* 255 characters */
		{ 256, " ", W_TOOLONG },		/* length comes first */
		{ 256, "\xff", W_TOOLONG },
	};
	const char	*got;
	char		*s, what[64];
	json_object	*o;
	size_t		 i;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		s = filled(lens[i].n, 'a', lens[i].tail);
		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		snprintf(what, sizeof(what), "%s of %zu bytes", f->name,
		    lens[i].n);
		got = f->str(s, lens[i].n);
		UNIT_STREQ(got, f->msg[lens[i].want], what);
		if (f->json != NULL) {
			o = json_object_new_string_len(s, (int)lens[i].n);
			got = f->json(o);
			UNIT_STREQ(got, f->msg[lens[i].want], what);
			json_object_put(o);
		}
		free(s);
	}
}

static void
test_username_length(void)
{
	check_lengths(&username);
}

static void
test_key_length(void)
{
	check_lengths(&key);
}

static void
test_group_length(void)
{
	check_lengths(&group);
}

/*
 * Rules are checked in the header's order: length, UTF-8, space, comma
 * (groups), control, UUID.  Rows that break two rules.
 */
static void
test_rule_order(void)
{
	static const struct {
		const char	*name;
		const char	*s;
		size_t		 len;
		const char	*user, *grp;
	} order[] = {
		{ "space before control", LIT("a \x01"),
		    "USERNAME MUST NOT HAVE SPACE",
		    "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "control then space", LIT("\x01 a"),
		    "USERNAME MUST NOT HAVE SPACE",
		    "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "UTF-8 before space", LIT("a \xff"),
		    "USERNAME MUST BE VALID UTF-8",
		    "GROUP NAME MUST BE VALID UTF-8" },
		{ "comma before control", LIT("a,\x01"),
		    "USERNAME MUST NOT HAVE CONTROL CHARACTERS",
		    "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "control then comma", LIT("\x7f,a"),
		    "USERNAME MUST NOT HAVE CONTROL CHARACTERS",
		    "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "UUID length, NUL",
		    LIT("123e4567-e89b-12d3-a456-42661417400\0"),
		    "USERNAME MUST NOT HAVE CONTROL CHARACTERS",
		    "GROUP NAME MUST NOT HAVE CONTROL CHARACTERS" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		UNIT_STREQ(validate_username_str(order[i].s, order[i].len),
		    order[i].user, order[i].name);
		UNIT_STREQ(validate_group_str(order[i].s, order[i].len),
		    order[i].grp, order[i].name);
	}
}

/* The groups array: runs validate_groups on JSON text. */
static void
test_groups_table(void)
{
	static const struct {
		const char	*json;
		const char	*want;
	} g[] = {
		{ "[\"contentUser\"]", NULL },
		{ "[\"a\",\"b\",\"c\"]", NULL },
		{ "[\"a\",\"a\"]", NULL },
		{ "[\"123e4567-e89b-12d3-a456-426614174000\"]", NULL },
		{ "[\"caf\\u00e9\"]", NULL },
		{ "[]", "GROUPS ARE MANDATORY" },
		{ "\"contentUser\"", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "\"\"", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "{}", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "{\"a\":\"b\"}", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "1", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "true", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "[1]", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "[\"a\",1]", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "[null]", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "[\"a\",null]", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "[[\"a\"]]", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "[{}]", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "[false]", "GROUPS MUST BE AN ARRAY OF STRINGS" },
		{ "[\"\"]", "GROUP NAME MUST NOT BE EMPTY" },
		{ "[\"a\",\"\"]", "GROUP NAME MUST NOT BE EMPTY" },
		{ "[\"a,b\"]", "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "[\"ok\",\"a,b\"]",
		    "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "[\",\"]", "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "[\"a b\"]", "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "[\"a\\tb\"]", "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "[\"a\\u3000b\"]",
		    "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "[\"a\\u0000b\"]",
		    "GROUP NAME MUST NOT HAVE CONTROL CHARACTERS" },
		{ "[\"a\\u007fb\"]",
		    "GROUP NAME MUST NOT HAVE CONTROL CHARACTERS" },
		{ "[\"a\\u0085b\"]",
		    "GROUP NAME MUST NOT HAVE CONTROL CHARACTERS" },
		/* The first bad element decides. */
		{ "[\"a b\",\"\"]", "GROUP NAME MUST NOT HAVE SPACE OR COMMA" },
		{ "[\"\",1]", "GROUP NAME MUST NOT BE EMPTY" },
		{ "[1,\"\"]", "GROUPS MUST BE AN ARRAY OF STRINGS" },
	};
	json_object	*o;
	size_t		 i;

	UNIT_STREQ(validate_groups(NULL), "GROUPS ARE MANDATORY", "absent");
	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
		o = json_tokener_parse(g[i].json);
		UNIT_CHECK(o != NULL, "bad test JSON %s", g[i].json);
		if (o == NULL)
			continue;
		UNIT_STREQ(validate_groups(o), g[i].want, g[i].json);
		json_object_put(o);
	}
}

/* An array of n groups "g0", "g1"..., with bad as element badidx. */
static json_object *
group_array(size_t n, size_t badidx, json_object *bad)
{
	json_object	*a;
	char		 name[32];
	size_t		 i;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "g%zu", i);
		json_object_array_add(a, i == badidx && bad != NULL ? bad :
		    json_object_new_string(name));
	}
	return a;
}

/* n groups of len bytes each ("a" then digits and "x"s). */
static json_object *
long_groups(size_t n, size_t len)
{
	json_object	*a;
	char		 name[VALIDATE_MAX_LEN + 1];
	size_t		 i;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		memset(name, 'x', len);
		name[len] = '\0';
		snprintf(name, 6, "a%04zu", i);
		name[5] = len > 5 ? 'x' : '\0';
		json_object_array_add(a, json_object_new_string(name));
	}
	return a;
}

/* What the gateway's answer can carry: 8192 bytes joined, no more. */
static void
test_groups_joined(void)
{
	json_object	*a;

	/* 32 of 255 bytes and 31 commas: 8191. */
	a = long_groups(32, 255);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NULL(validate_groups(a));
	json_object_put(a);
	/* 33 of 247 bytes: 8183. */
	a = long_groups(33, 247);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NULL(validate_groups(a));
	json_object_put(a);
	/* 33 of 248 bytes: 8216. */
	a = long_groups(33, 248);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL(validate_groups(a));
	json_object_put(a);
	a = long_groups(40, 250);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	UNIT_STREQ(validate_groups(a), "GROUPS ARE TOO LONG FOR THE GATEWAY: "
	    "AT MOST 8192 BYTES JOINED BY COMMAS", "40 groups of 250 bytes");
	json_object_put(a);
	/* 256 groups of 31 bytes and 255 commas: 8191, the most names. */
	a = long_groups(256, 31);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NULL(validate_groups(a));
	json_object_put(a);
	a = long_groups(256, 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL(validate_groups(a));
	json_object_put(a);
}

static void
test_groups_count(void)
{
	json_object	*a;

	a = group_array(256, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_EQUAL(json_object_array_length(a), 256);
	CU_ASSERT_PTR_NULL(validate_groups(a));
	json_object_put(a);

	a = group_array(257, 0, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	UNIT_STREQ(validate_groups(a), "TOO MANY GROUPS: AT MOST 256",
	    "257 groups");
	json_object_put(a);

	/* Too many is reported before a bad element. */
	a = group_array(300, 3, json_object_new_int(1));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	UNIT_STREQ(validate_groups(a), "TOO MANY GROUPS: AT MOST 256",
	    "300 groups, one not a string");
	json_object_put(a);

	/* A bad last element of 256 is still found. */
	a = group_array(256, 255, json_object_new_string("x y"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	UNIT_STREQ(validate_groups(a),
	    "GROUP NAME MUST NOT HAVE SPACE OR COMMA", "bad 256th group");
	json_object_put(a);

	/* A JSON null as an element (json-c holds it as NULL). */
	a = group_array(3, 1, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	json_object_array_put_idx(a, 1, NULL);
	UNIT_STREQ(validate_groups(a), "GROUPS MUST BE AN ARRAY OF STRINGS",
	    "null element");
	json_object_put(a);
}

static void
test_utf8(void)
{
	static const struct {
		const char	*name;
		const char	*s;
		size_t		 len;
		int		 want;
	} u[] = {
		{ "empty",		LIT(""),		1 },
		{ "ASCII",		LIT("hello"),		1 },
		{ "NUL is ASCII",	LIT("a\0b"),		1 },
		{ "DEL",		LIT("\x7f"),		1 },
		{ "U+0080",		LIT("\xc2\x80"),	1 },
		{ "U+07FF",		LIT("\xdf\xbf"),	1 },
		{ "U+0800",		LIT("\xe0\xa0\x80"),	1 },
		{ "U+D7FF",		LIT("\xed\x9f\xbf"),	1 },
		{ "U+E000",		LIT("\xee\x80\x80"),	1 },
		{ "U+FFFF",		LIT("\xef\xbf\xbf"),	1 },
		{ "U+10000",		LIT("\xf0\x90\x80\x80"), 1 },
		{ "U+10FFFF",		LIT("\xf4\x8f\xbf\xbf"), 1 },
		{ "overlong U+0000",	LIT("\xc0\x80"),	0 },
		{ "overlong U+007F",	LIT("\xc1\xbf"),	0 },
		{ "overlong U+07FF",	LIT("\xe0\x9f\xbf"),	0 },
		{ "overlong U+FFFF",	LIT("\xf0\x8f\xbf\xbf"), 0 },
		{ "surrogate U+D800",	LIT("\xed\xa0\x80"),	0 },
		{ "surrogate U+DBFF",	LIT("\xed\xaf\xbf"),	0 },
		{ "surrogate U+DC00",	LIT("\xed\xb0\x80"),	0 },
		{ "surrogate U+DFFF",	LIT("\xed\xbf\xbf"),	0 },
		{ "U+110000",		LIT("\xf4\x90\x80\x80"), 0 },
		{ "F5..F7 lead",	LIT("\xf7\xbf\xbf\xbf"), 0 },
		{ "F8 lead",		LIT("\xf8\x88\x80\x80\x80"), 0 },
		{ "FC lead",		LIT("\xfc\x84\x80\x80\x80\x80"), 0 },
		{ "FE",			LIT("\xfe"),		0 },
		{ "FF",			LIT("\xff"),		0 },
		{ "continuation",	LIT("\x80"),		0 },
		{ "continuation BF",	LIT("a\xbf"),		0 },
		{ "truncated C3",	LIT("\xc3"),		0 },
		{ "truncated E2 82",	LIT("\xe2\x82"),	0 },
		{ "truncated F0 9F 98",	LIT("\xf0\x9f\x98"),	0 },
		{ "ASCII inside seq",	LIT("\xe2" "a\x82"),	0 },
		{ "lead inside seq",	LIT("\xe2\xc3\xa9"),	0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		UNIT_CHECK(validate_utf8(u[i].s, u[i].len) == u[i].want,
		    "validate_utf8(%s) != %d", u[i].name, u[i].want);
	/* The length bounds the read: a cut 2-byte sequence is bad. */
	CU_ASSERT_EQUAL(validate_utf8("\xc3\xa9", 1), 0);
	CU_ASSERT_EQUAL(validate_utf8("\xc3\xa9", 2), 1);
}

static void
test_is_uuid(void)
{
	static const struct {
		const char	*s;
		int		 want;
	} u[] = {
		{ "123e4567-e89b-12d3-a456-426614174000", 1 },
		{ "123E4567-E89B-12D3-A456-426614174000", 1 },
		{ "aBcDeF01-2345-6789-AbCd-eF0123456789", 1 },
		{ "00000000-0000-0000-0000-000000000000", 1 },
		{ "", 0 },
		{ "123e4567-e89b-12d3-a456-42661417400", 0 },
		{ "123e4567-e89b-12d3-a456-4266141740000", 0 },
		{ "123e4567-e89b-12d3-a456-42661417400G", 0 },
		{ "123e4567-e89b-12d3-a456_426614174000", 0 },
		{ "123e4567ee89b-12d3-a456-426614174000", 0 },
		{ "123e45670e89b012d30a4560426614174000", 0 },
		{ "-123e4567-e89b-12d3-a456-42661417400", 0 },
		{ "123e4567-e89b-12d3-a456-42661417400 ", 0 },
		{ " 23e4567-e89b-12d3-a456-426614174000", 0 },
		{ "123e4567-e89b-12d3-a4561-42661417400", 0 },
		{ "------------------------------------", 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		UNIT_CHECK(validate_is_uuid(u[i].s, strlen(u[i].s)) ==
		    u[i].want, "validate_is_uuid(\"%s\") != %d", u[i].s,
		    u[i].want);
	/* The length, not a NUL, ends the value. */
	CU_ASSERT_EQUAL(validate_is_uuid(
	    "123e4567-e89b-12d3-a456-426614174000ff", 36), 1);
	CU_ASSERT_EQUAL(validate_is_uuid(
	    "123e4567-e89b-12d3-a456-426614174000", 35), 0);
}

/*
 * validate_number: digits only, both ways.  Each string a second parser
 * (strtoll, a shell, a web server) might read as a number, or as
 * another one, is refused.
 */
static void
test_number(void)
{
	static const struct {
		const char	*s;
		int		 base;
		long long	 min, max;
		int		 ok;
		long long	 want;
	} n[] = {
		{ "0",			10, 0, 9,	1, 0 },
		{ "9",			10, 0, 9,	1, 9 },
		{ "10",			10, 0, 9,	0, 0 },
		{ "007",		10, 0, 9,	1, 7 },
		{ "65535",		10, 1, 65535,	1, 65535 },
		{ "65536",		10, 1, 65535,	0, 0 },
		{ "0",			10, 1, 65535,	0, 0 },
		{ "999999999999999999",	10, 0, LLONG_MAX, 1,
		    999999999999999999LL },
		/* 19 digits: refused before it could overflow. */
		{ "1000000000000000000", 10, 0, LLONG_MAX, 0, 0 },
		{ "9223372036854775808", 10, 0, LLONG_MAX, 0, 0 },
		{ "0000000000000000001", 10, 0, LLONG_MAX, 0, 0 },
		{ "",			10, 0, 9,	0, 0 },
		{ "+1",			10, 0, 9,	0, 0 },
		{ "-1",			10, -9, 9,	0, 0 },
		{ " 1",			10, 0, 9,	0, 0 },
		{ "1 ",			10, 0, 9,	0, 0 },
		{ "\t1",		10, 0, 9,	0, 0 },
		{ "1\n",		10, 0, 9,	0, 0 },
		{ "0x1",		10, 0, 99,	0, 0 },
		{ "1e3",		10, 0, 9999,	0, 0 },
		{ "1.0",		10, 0, 9,	0, 0 },
		{ "1_000",		10, 0, 9999,	0, 0 },
		{ "\xd9\xa1",		10, 0, 9,	0, 0 },	/* Arabic-Indic 1 */
		{ "0640",		8, 0, 0777,	1, 0640 },
		{ "0777",		8, 0, 0777,	1, 0777 },
		{ "1000",		8, 0, 0777,	0, 0 },
		{ "8",			8, 0, 0777,	0, 0 },
		{ "09",			8, 0, 0777,	0, 0 },
		{ "1",			16, 0, 9,	0, 0 },
	};
	size_t		 i;
	long long	 v;
	int		 rc;

	for (i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
		v = -42;
		rc = validate_number(n[i].s, n[i].base, n[i].min, n[i].max,
		    &v);
		UNIT_CHECK(n[i].ok ? rc == 0 && v == n[i].want : rc == -1 &&
		    v == -42, "validate_number(\"%s\", %d): %d, %lld", n[i].s,
		    n[i].base, rc, v);
	}
}

/*
 * A consumer's limits: the windows it names into their places, the
 * bounds 1 and 10^12, and out left alone when it is refused.
 */
static void
test_limits(void)
{
	static const struct {
		const char	*json;
		int		 ok;
		uint64_t	 want[RL_NWINDOWS];
	} t[] = {
		{ "{}", 1, { 0, 0, 0, 0 } },
		{ "{\"day\":9,\"second\":1}", 1, { 1, 0, 0, 9 } },
		{ "{\"minute\":1000,\"hour\":1000000000000}", 1,
		    { 0, 1000, 1000000000000ULL, 0 } },
		{ "{\"hour\":1000000000001}", 0, { 0 } },
		{ "{\"hour\":0}", 0, { 0 } },
		{ "{\"hour\":-1}", 0, { 0 } },
		{ "{\"hour\":2.0}", 0, { 0 } },
		{ "{\"hour\":\"2\"}", 0, { 0 } },
		{ "{\"hours\":2}", 0, { 0 } },
		{ "{\"\":2}", 0, { 0 } },
		{ "[]", 0, { 0 } },
	};
	uint64_t	 out[RL_NWINDOWS];
	json_object	*o;
	size_t		 i;

	CU_ASSERT_STRING_EQUAL(validate_limits(NULL, out),
	    "LIMITS ARE MANDATORY");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 0xaa, sizeof(out));
		o = json_tokener_parse(t[i].json);
		if (t[i].ok)
			UNIT_CHECK(validate_limits(o, out) == NULL &&
			    memcmp(out, t[i].want, sizeof(out)) == 0,
			    "%s: refused, or not read into place", t[i].json);
		else
			UNIT_CHECK(validate_limits(o, out) != NULL &&
			    out[0] == 0xaaaaaaaaaaaaaaaaULL, "%s: let in, or "
			    "out changed", t[i].json);
		json_object_put(o);
	}
}

/* Two members of one name, or a NUL, are two readings: refused. */
static void
test_json_exact(void)
{
	static const struct {
		const char	*json;
		int		 exact;
	} t[] = {
		{ "{\"a\":1,\"b\":{\"c\":[{\"d\":2}]}}", 1 },
		{ "{\"a\":\"x:y\\\":z\"}", 1 },
		{ "{\"a\":1,\"a\":2}", 0 },
		{ "{\"b\":{\"a\":1,\"a\":1}}", 0 },
		{ "{\"a\\u0000b\":1}", 0 },
	};
	json_object	*o;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		o = json_tokener_parse(t[i].json);
		UNIT_CHECK(o != NULL && validate_json_exact(t[i].json,
		    strlen(t[i].json), o) == t[i].exact, "%s: exact %d, want "
		    "%d", t[i].json, !t[i].exact, t[i].exact);
		json_object_put(o);
	}
}

static const CU_TestInfo tests[] = {
	{ "groups joined fit the gateway's answer: 8192 bytes",
	    test_groups_joined },
	{ "username: table of values", test_username_table },
	{ "validate_new_username table: nothing that prints alike",
	    test_new_username_table },
	{ "username: absent, empty, wrong JSON type",
	    test_username_json_types },
	{ "username: 255 vs 256 bytes", test_username_length },
	{ "key: table of values", test_key_table },
	{ "key: absent, empty, wrong JSON type", test_key_json_types },
	{ "key: 255 vs 256 bytes", test_key_length },
	{ "group name: table of values", test_group_str_table },
	{ "group name: 255 vs 256 bytes", test_group_length },
	{ "contract's exact messages", test_contract_messages },
	{ "rules are checked in order", test_rule_order },
	{ "groups: array shapes and elements", test_groups_table },
	{ "groups: 256 vs 257, null element", test_groups_count },
	{ "validate_utf8", test_utf8 },
	{ "validate_is_uuid", test_is_uuid },
	{ "validate_number: digits only, no sign, blank or overflow",
	    test_number },
	{ "validate_limits: windows, 1 to 10^12, integers only",
	    test_limits },
	{ "validate_json_exact: a name twice or a NUL refused",
	    test_json_exact },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("validate", tests, NULL, NULL);
}
