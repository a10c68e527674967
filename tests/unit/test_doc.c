/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * adminutil-ctl's declarative files (src/ctl/yaml.c, schema.c): YAML and
 * JSON read into the same json-c objects, with their lines; what a
 * small file could blow up with (aliases, anchors), a key given twice, a
 * tag, a second document refused with the line; the schema's faults
 * named with line and place; YAML written back reads back the same,
 * strings that look like numbers or booleans included.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/doc.h"
#include "ctl/state.h"
#include "unit.h"

static json_object *
parse(const char *text, char *err, size_t errsz)
{
	return doc_parse(text, strlen(text), err, errsz);
}

static void
test_both(void)
{
	static const char yaml[] =
	    "_format: adminutil/1\n"
	    "managed_by: partners\n"
	    "consumers:\n"
	    "  - username: \"007\"\n"
	    "    groups: [appAccess, 'true']\n"
	    "    limits: {hour: 5000}\n"
	    "    credentials:\n"
	    "      - key: k1\n"
	    "        public_key: |\n"
	    "          -----BEGIN PUBLIC KEY-----\n"
	    "          abc\n"
	    "          -----END PUBLIC KEY-----\n";
	static const char json[] =
	    "{\"_format\": \"adminutil/1\", \"managed_by\": \"partners\",\n"
	    " \"consumers\": [{\"username\": \"007\",\n"
	    "   \"groups\": [\"appAccess\", \"true\"],\n"
	    "   \"limits\": {\"hour\": 5000}, \"credentials\": [{\"key\": "
	    "\"k1\", \"public_key\": \"-----BEGIN PUBLIC KEY-----\\nabc\\n"
	    "-----END PUBLIC KEY-----\\n\"}]}]}\n";
	json_object	*a, *b, *c, *g;
	char		 err[256];

	a = parse(yaml, err, sizeof(err));
	UNIT_CHECK(a != NULL, "the YAML: %s", err);
	b = parse(json, err, sizeof(err));
	UNIT_CHECK(b != NULL, "the JSON: %s", err);
	if (a == NULL || b == NULL)
		goto out;
	UNIT_CHECK(json_object_equal(a, b), "YAML %s and JSON %s differ",
	    json_object_to_json_string(a), json_object_to_json_string(b));
	CU_ASSERT_EQUAL(state_file_check(a, err, sizeof(err)), 0);
	c = json_object_array_get_idx(json_object_object_get(a, "consumers"),
	    0);
	/* Quoted stays a string; a plain 5000 is an integer. */
	CU_ASSERT(json_object_is_type(json_object_object_get(c, "username"),
	    json_type_string));
	g = json_object_object_get(c, "groups");
	CU_ASSERT(json_object_is_type(json_object_array_get_idx(g, 1),
	    json_type_string));
	CU_ASSERT(json_object_is_type(json_object_object_get(
	    json_object_object_get(c, "limits"), "hour"), json_type_int));
	/* Lines, from 1. */
	CU_ASSERT_EQUAL(doc_line(c), 4);
	CU_ASSERT_EQUAL(doc_line(g), 5);
out:
	json_object_put(a);
	json_object_put(b);
}

static void
test_refused(void)
{
	static const struct {
		const char	*text, *said;
	} t[] = {
		{ "a: &x [1, 2]\nb: *x\n", "line 1: anchors, aliases" },
		{ "a: [1]\nb: *x\n", "line 2:" },
		{ "a: 1\nb: 2\na: 3\n",
		    "line 3: the key \"a\" is given twice" },
		{ "{\"a\": 1, \"a\": 2}",
		    "line 1: the key \"a\" is given twice" },
		{ "a: !!str 1\n", "line 1: anchors, aliases and tags" },
		{ "a: 1\n---\nb: 2\n", "line 2: a second document" },
		{ "[1, 2]: x\n", "line 1: a key must be a string" },
		{ "a: [1, 2\n", "line" },
		{ "", "an empty file" },
	};
	json_object	*o;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		o = parse(t[i].text, err, sizeof(err));
		UNIT_CHECK(o == NULL && strstr(err, t[i].said) != NULL,
		    "%s: %s, said \"%s\", want \"%s\"", t[i].text, o == NULL ?
		    "refused" : "taken", err, t[i].said);
		json_object_put(o);
	}
	/* A billion laughs' first lines: refused at the first anchor. */
	o = parse("a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a]\n"
	    "c: &c [*b,*b,*b,*b,*b,*b]\n", err, sizeof(err));
	UNIT_CHECK(o == NULL && strstr(err, "line 1") != NULL, "laughs: %s",
	    err);
	json_object_put(o);
}

static void
test_schema(void)
{
	static const struct {
		const char	*text, *said;
	} t[] = {
		{ "managed_by: t\nconsumers: []\n", "_format is missing" },
		{ "_format: adminutil/2\nmanaged_by: t\nconsumers: []\n",
		    "line 1: _format" },
		{ "_format: adminutil/1\nconsumers: []\n",
		    "managed_by is missing" },
		{ "_format: adminutil/1\nmanaged_by: a b\nconsumers: []\n",
		    "line 2: managed_by" },
		{ "_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
		    "  - username: 42\n    groups: []\n",
		    "line 4: consumers[0].username: a string is expected, not "
		    "an integer" },
		{ "_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
		    "  - username: u\n    groups: [a, 7]\n",
		    "line 5: consumers[0].groups[1]: a string is expected" },
		{ "_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
		    "  - username: u\n", "line 4: consumers[0]: groups is "
		    "missing" },
		{ "_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
		    "  - username: u\n    groups: []\n    colour: red\n",
		    "line 6: consumers[0]: unknown key \"colour\"" },
		{ "_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
		    "  - username: u\n    groups: []\n    limits: {hour: "
		    "\"5\"}\n",
		    "line 6: consumers[0].limits.hour: an integer" },
		{ "_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
		    "  - username: u\n    groups: []\n    credentials:\n"
		    "      - key: k\n        secret: 12345\n",
		    "line 8: consumers[0].credentials[0].secret: a string is "
		    "expected, not an integer" },
		{ "_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
		    "  - username: u\n    groups: []\n  - username: u\n"
		    "    state: absent\n", "line 6: consumers[1].username: "
		    "\"u\" is listed twice (first at line 4)" },
		{ "_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
		    "  - username: u\n    state: gone\n", "line 5: "
		    "consumers[0].state: present or absent" },
		{ "_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
		    "  - username: u\n    groups: yes\n", "line 5: "
		    "consumers[0].groups: a list is expected, not a string" },
	};
	json_object	*o;
	char		 err[512];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		o = parse(t[i].text, err, sizeof(err));
		UNIT_CHECK(o != NULL, "%s: %s", t[i].text, err);
		if (o == NULL)
			continue;
		rc = state_file_check(o, err, sizeof(err));
		UNIT_CHECK(rc == -1 && strstr(err, t[i].said) != NULL,
		    "%s: said \"%s\", want \"%s\"", t[i].text, err, t[i].said);
		json_object_put(o);
	}
}

static void
test_written(void)
{
	json_object	*o, *back, *c;
	char		 err[256], *buf = NULL;
	size_t		 len = 0;
	FILE		*fp;

	o = parse("{\"_format\": \"adminutil/1\", \"managed_by\": \"t\", "
	    "\"consumers\": [{\"username\": \"123\", \"groups\": [\"null\", "
	    "\"yes\", \"-x\", \"a: b\", \"\"], \"limits\": {\"day\": 7}, "
	    "\"credentials\": [{\"key\": \"k\", \"public_key\": \"line 1\\n"
	    "line 2\\n\"}, {\"key\": \"#k\", \"secret\": \"1e3\"}]}]}", err,
	    sizeof(err));
	UNIT_CHECK(o != NULL, "parse: %s", err);
	if (o == NULL || (fp = open_memstream(&buf, &len)) == NULL)
		return;
	CU_ASSERT_EQUAL(doc_yaml(fp, o), 0);
	fclose(fp);
	back = doc_parse(buf, len, err, sizeof(err));
	UNIT_CHECK(back != NULL && json_object_equal(o, back),
	    "written:\n%s\nread back: %s (%s)", buf, back != NULL ?
	    json_object_to_json_string(back) : "-", err);
	/* A PEM key as a literal block. */
	UNIT_CHECK(strstr(buf, "public_key: |") != NULL, "written:\n%s", buf);
	c = json_object_array_get_idx(json_object_object_get(back,
	    "consumers"), 0);
	CU_ASSERT_EQUAL(state_file_check(back, err, sizeof(err)), 0);
	(void)c;
	json_object_put(back);
	json_object_put(o);
	free(buf);
}

static void
test_request(void)
{
	json_object	*o, *c, *req;
	char		 err[256];

	o = parse("_format: adminutil/1\nmanaged_by: t\nconsumers:\n"
	    "  - username: u\n    groups: [a]\n    credentials: []\n", err,
	    sizeof(err));
	if (!UNIT_CHECK(o != NULL, "parse: %s", err))
		return;
	c = json_object_array_get_idx(json_object_object_get(o, "consumers"),
	    0);
	req = state_request(c, "t", 1, 0);
	UNIT_STREQ(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN),
	    "{\"managed_by\":\"t\",\"dry_run\":true,\"groups\":[\"a\"],"
	    "\"credentials\":[]}", "the request");
	json_object_put(req);
	json_object_put(o);
}

static const CU_TestInfo tests[] = {
	{ "YAML and JSON: the same objects, with lines", test_both },
	{ "aliases, anchors, twice, tags, two documents: refused",
	    test_refused },
	{ "the schema: each fault with its line and place", test_schema },
	{ "written as YAML, read back the same", test_written },
	{ "a consumer's request", test_request },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("doc", tests, NULL, NULL);
}
