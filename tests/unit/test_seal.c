/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of seal.c: keys made and read back, a secret sealed and
 * opened, and every way a sealed secret must not open (another key,
 * another credential, a flipped bit, a cut text, garbage), two keys
 * (the first seals, both open), and key files that are refused.
 */
#include "build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/seal.h"
#include "unit.h"

#define SECRET	 "8ba62750a63648059839e782a0424b4f"

static char	 dir[] = "/tmp/test_seal.XXXXXX";

static int
setup(void)
{
	return mkdtemp(dir) != NULL ? 0 : -1;
}

static int
teardown(void)
{
	char	 cmd[256];

	seal_unload();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A new key file in dir named name; its id in kid. */
static void
newkey(const char *name, char *path, size_t sz, char *kid)
{
	char		 err[256];
	struct stat	 st;

	snprintf(path, sz, "%s/%s", dir, name);
	UNIT_CHECK(seal_keygen(path, kid, err, sizeof(err)) == 0, "keygen: %s",
	    err);
	CU_ASSERT(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600 &&
	    st.st_size == 65);
	CU_ASSERT_EQUAL(strlen(kid), SEAL_KID_LEN);
}

static void
test_roundtrip(void)
{
	char	 path[512], kid[SEAL_KID_LEN + 1], kid2[SEAL_KID_LEN + 1];
	char	 text[SEAL_TEXT_LEN(64)], text2[SEAL_TEXT_LEN(64)], out[64];
	char	 err[256];

	newkey("a.key", path, sizeof(path), kid);
	UNIT_CHECK(seal_keygen(path, kid2, err, sizeof(err)) == -1,
	    "keygen over an existing file");
	CU_ASSERT_EQUAL_FATAL(seal_load(path, err, sizeof(err)), 0);
	CU_ASSERT(seal_active());
	UNIT_STREQ(seal_first(), kid, "the first key");
	CU_ASSERT_EQUAL_FATAL(seal_text("key-1", SECRET, strlen(SECRET), text,
	    sizeof(text), kid2), 0);
	UNIT_STREQ(kid2, kid, "sealed under");
	/* Nothing of the secret shows; a fresh nonce each time. */
	CU_ASSERT(strstr(text, SECRET) == NULL && strstr(text, "8ba6") ==
	    NULL);
	CU_ASSERT_EQUAL(seal_text("key-1", SECRET, strlen(SECRET), text2,
	    sizeof(text2), kid2), 0);
	CU_ASSERT(strcmp(text, text2) != 0);
	CU_ASSERT_EQUAL(seal_open(kid, "key-1", text, out, sizeof(out)), 0);
	UNIT_STREQ(out, SECRET, "opened");
	CU_ASSERT_EQUAL(seal_open(kid, "key-1", text2, out, sizeof(out)), 0);
	UNIT_STREQ(out, SECRET, "opened, second nonce");
	/* Too small a buffer for the text. */
	CU_ASSERT_EQUAL(seal_text("key-1", SECRET, strlen(SECRET), text2,
	    SEAL_TEXT_LEN(strlen(SECRET)) - 1, kid2), -1);
}

static void
test_refused(void)
{
	char	 path[512], kid[SEAL_KID_LEN + 1], k2[SEAL_KID_LEN + 1];
	char	 text[SEAL_TEXT_LEN(64)], bad[SEAL_TEXT_LEN(64)], out[64];
	char	 err[256];
	size_t	 i, len;

	newkey("r.key", path, sizeof(path), kid);
	CU_ASSERT_EQUAL_FATAL(seal_load(path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(seal_text("key-1", SECRET, strlen(SECRET), text,
	    sizeof(text), k2), 0);
	len = strlen(text);
	/* Another credential's row: the key is the additional data. */
	CU_ASSERT_EQUAL(seal_open(kid, "key-2", text, out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(seal_open(kid, "key-1x", text, out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(seal_open(kid, "", text, out, sizeof(out)), -1);
	/* A key the ring does not hold. */
	CU_ASSERT_EQUAL(seal_open("00000000", "key-1", text, out,
	    sizeof(out)), -1);
	CU_ASSERT_EQUAL(seal_open(NULL, "key-1", text, out, sizeof(out)), -1);
	/* Every character changed in turn: never opens. */
	for (i = 0; i < len; i++) {
		strcpy(bad, text);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		UNIT_CHECK(seal_open(kid, "key-1", bad, out, sizeof(out)) ==
		    -1, "opened with character %zu changed", i);
	}
	/* Cut, empty, not base64, too small a buffer. */
	strcpy(bad, text);
	bad[len - 4] = '\0';
	CU_ASSERT_EQUAL(seal_open(kid, "key-1", bad, out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(seal_open(kid, "key-1", "", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(seal_open(kid, "key-1", "!!!!", out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(seal_open(kid, "key-1", SECRET, out, sizeof(out)), -1);
	CU_ASSERT_EQUAL(seal_open(kid, "key-1", text, out, 32), -1);
}

static void
test_two_keys(void)
{
	char	 pa[512], pb[512], list[1100], ka[SEAL_KID_LEN + 1];
	char	 kb[SEAL_KID_LEN + 1], k2[SEAL_KID_LEN + 1];
	char	 ta[SEAL_TEXT_LEN(64)], tb[SEAL_TEXT_LEN(64)], out[64];
	char	 err[256];

	newkey("old.key", pa, sizeof(pa), ka);
	newkey("new.key", pb, sizeof(pb), kb);
	CU_ASSERT(strcmp(ka, kb) != 0);
	CU_ASSERT_EQUAL_FATAL(seal_load(pa, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(seal_text("k", SECRET, strlen(SECRET), ta,
	    sizeof(ta), k2), 0);
	snprintf(list, sizeof(list), "%s, %s", pb, pa);
	CU_ASSERT_EQUAL_FATAL(seal_load(list, err, sizeof(err)), 0);
	UNIT_STREQ(seal_first(), kb, "the first of the list seals");
	CU_ASSERT(seal_has(ka) && seal_has(kb) && !seal_has("00000000"));
	CU_ASSERT_EQUAL_FATAL(seal_text("k", SECRET, strlen(SECRET), tb,
	    sizeof(tb), k2), 0);
	UNIT_STREQ(k2, kb, "sealed under the first");
	CU_ASSERT(seal_open(ka, "k", ta, out, sizeof(out)) == 0 &&
	    strcmp(out, SECRET) == 0);
	CU_ASSERT(seal_open(kb, "k", tb, out, sizeof(out)) == 0 &&
	    strcmp(out, SECRET) == 0);
	/* Under the wrong one of the two ids: no. */
	CU_ASSERT_EQUAL(seal_open(kb, "k", ta, out, sizeof(out)), -1);
	/* The new key alone: the old rows do not open. */
	CU_ASSERT_EQUAL_FATAL(seal_load(pb, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(seal_open(ka, "k", ta, out, sizeof(out)), -1);
	/* No ring: nothing seals. */
	CU_ASSERT_EQUAL(seal_load("", err, sizeof(err)), 0);
	CU_ASSERT(!seal_active() && seal_first() == NULL);
	CU_ASSERT_EQUAL(seal_text("k", SECRET, strlen(SECRET), ta, sizeof(ta),
	    k2), -1);
}

static void
test_bad_files(void)
{
	static const char *const bodies[] = {
		"",
		"00112233",
		"0011223344556677889900112233445566778899001122334455667788990011x",
		"zz11223344556677889900112233445566778899001122334455667788990011\n",
		"0011223344556677889900112233445566778899001122334455667788990011\nmore",
	};
	char	 path[512], err[256];
	FILE	*f;
	size_t	 i;

	snprintf(path, sizeof(path), "%s/none.key", dir);
	CU_ASSERT_EQUAL(seal_load(path, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "none.key") != NULL);
	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		snprintf(path, sizeof(path), "%s/bad%zu.key", dir, i);
		CU_ASSERT_FATAL((f = fopen(path, "w")) != NULL);
		fputs(bodies[i], f);
		fclose(f);
		err[0] = '\0';
		UNIT_CHECK(seal_load(path, err, sizeof(err)) == -1,
		    "bad key file %zu loaded", i);
		/* The message names the file, never what it holds. */
		UNIT_CHECK(strstr(err, "0011") == NULL && strstr(err,
		    "bad") != NULL, "%s", err);
		CU_ASSERT(!seal_active());
	}
}

/*
 * The seal_key_file list, one reading for seal_load() and the check of
 * the configuration: commas split it, blanks around a file are dropped,
 * a blank inside a path stays.
 */
static void
test_file_list(void)
{
	static const struct {
		const char	*list;
		const char	*want;	/* the files joined by "|" */
	} t[] = {
		{ "", "" },
		{ " , ,\t", "" },
		{ "/etc/a.key", "/etc/a.key" },
		{ "/etc/a.key, /etc/b.key", "/etc/a.key|/etc/b.key" },
		{ " /etc/a.key ,\t/etc/b.key ,", "/etc/a.key|/etc/b.key" },
		{ "/srv/my keys/a.key,/b", "/srv/my keys/a.key|/b" },
	};
	char		 got[128];
	const char	*p, *f;
	size_t		 i, len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got[0] = '\0';
		p = t[i].list;
		while ((f = seal_file_next(&p, &len)) != NULL)
			snprintf(got + strlen(got), sizeof(got) - strlen(got),
			    "%s%.*s", got[0] != '\0' ? "|" : "", (int)len, f);
		UNIT_STREQ(got, t[i].want, t[i].list);
	}
}

static const CU_TestInfo tests[] = {
	{ "seal_key_file: one reading of the list", test_file_list },
	{ "keygen, load, seal, open", test_roundtrip },
	{ "what must not open", test_refused },
	{ "two keys: the first seals, both open", test_two_keys },
	{ "key files that are refused", test_bad_files },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("seal", tests, setup, teardown);
}
