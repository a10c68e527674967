/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Unit tests of secret.c: 128-bit hex secrets, UUIDv4 and the hex
 * encoder.
 */
#include "build.h"

#include <stddef.h>
#include <string.h>

#include "crypto/secret.h"
#include "unit.h"

/* Enough draws that a stuck bit would show in every position. */
#define DRAWS	 256

/* The bit of hex digit c in a 16-bit set; 0 for anything else. */
static unsigned
digit_bit(char c)
{
	if (c >= '0' && c <= '9')
		return 1u << (c - '0');
	if (c >= 'a' && c <= 'f')
		return 1u << (c - 'a' + 10);
	return 0;
}

static void
test_hex128_format(void)
{
	char	 out[SECRET_HEX_LEN + 2];
	int	 i;

	for (i = 0; i < DRAWS; i++) {
		memset(out, 'Z', sizeof(out));
		CU_ASSERT_EQUAL_FATAL(secret_hex128(out), 0);
		UNIT_CHECK(strlen(out) == SECRET_HEX_LEN &&
		    unit_is_lowerhex(out, SECRET_HEX_LEN), "not 32 lowercase "
		    "hex: %s", out);
		/* Nothing written past the NUL. */
		CU_ASSERT_EQUAL(out[SECRET_HEX_LEN + 1], 'Z');
	}
	CU_ASSERT_EQUAL(SECRET_HEX_LEN, 32);
}

static void
test_hex128_differs(void)
{
	char	 a[SECRET_HEX_LEN + 1], b[SECRET_HEX_LEN + 1];

	CU_ASSERT_EQUAL_FATAL(secret_hex128(a), 0);
	CU_ASSERT_EQUAL_FATAL(secret_hex128(b), 0);
	UNIT_CHECK(strcmp(a, b) != 0, "two secrets equal: %s", a);
}

/* Every hex digit shows up in every position over the draws. */
static void
test_hex128_spread(void)
{
	unsigned	 seen[SECRET_HEX_LEN];
	char		 out[SECRET_HEX_LEN + 1];
	int		 i, j;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < DRAWS * 4; i++) {
		CU_ASSERT_EQUAL_FATAL(secret_hex128(out), 0);
		for (j = 0; j < SECRET_HEX_LEN; j++)
			seen[j] |= digit_bit(out[j]);
	}
	/* 1024 draws: a digit missing from a position is ~1e-27 likely. */
	for (j = 0; j < SECRET_HEX_LEN; j++)
		UNIT_CHECK(seen[j] == 0xffff, "position %d: digits %#x", j,
		    seen[j]);
}

static void
test_uuid4_format(void)
{
	char	 out[SECRET_UUID_LEN + 2];
	int	 i;

	CU_ASSERT_EQUAL(SECRET_UUID_LEN, 36);
	for (i = 0; i < DRAWS; i++) {
		memset(out, 'Z', sizeof(out));
		secret_uuid4(out);
		UNIT_CHECK(unit_is_uuid4(out), "not a lowercase UUIDv4: %s",
		    out);
		CU_ASSERT_EQUAL(out[SECRET_UUID_LEN + 1], 'Z');
	}
}

/* Version and variant are forced; the other bits stay random. */
static void
test_uuid4_bits(void)
{
	char		 out[SECRET_UUID_LEN + 1];
	unsigned	 variant = 0, other = 0;
	int		 i;

	for (i = 0; i < DRAWS * 4; i++) {
		secret_uuid4(out);
		CU_ASSERT_EQUAL(out[14], '4');
		variant |= digit_bit(out[19]);
		other |= digit_bit(out[15]);
	}
	/* The variant nibble takes all of 8, 9, a, b, and only those. */
	UNIT_CHECK(variant == 0x0f00, "variant digits %#x", variant);
	UNIT_CHECK(other == 0xffff, "digit after the version %#x", other);
}

static void
test_uuid4_differs(void)
{
	char	 a[SECRET_UUID_LEN + 1], b[SECRET_UUID_LEN + 1];

	secret_uuid4(a);
	secret_uuid4(b);
	UNIT_CHECK(strcmp(a, b) != 0, "two UUIDs equal: %s", a);
}

static void
test_tohex(void)
{
	static const struct {
		unsigned char	 in[8];
		size_t		 n;
		const char	*want;
	} t[] = {
		{ { 0 }, 0, "" },
		{ { 0x00 }, 1, "00" },
		{ { 0xff }, 1, "ff" },
		{ { 0x0f, 0xf0 }, 2, "0ff0" },
		{ { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff }, 6, "00017f80abff" },
		{ { 0xde, 0xad, 0xbe, 0xef, 0x01, 0x23, 0x45, 0x67 }, 8,
		    "deadbeef01234567" },
	};
	char	 out[32];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'Z', sizeof(out));
		secret_tohex(out, t[i].in, t[i].n);
		UNIT_STREQ(out, t[i].want, t[i].want);
		/* 2n + 1 bytes written, no more. */
		CU_ASSERT_EQUAL(out[2 * t[i].n + 1], 'Z');
	}
}

static const CU_TestInfo tests[] = {
	{ "secret_hex128 is 32 lowercase hex", test_hex128_format },
	{ "secret_hex128 differs per call", test_hex128_differs },
	{ "secret_hex128 uses every digit everywhere", test_hex128_spread },
	{ "secret_uuid4 is 8-4-4-4-12 lowercase v4", test_uuid4_format },
	{ "secret_uuid4 version and variant bits", test_uuid4_bits },
	{ "secret_uuid4 differs per call", test_uuid4_differs },
	{ "secret_tohex known answers", test_tohex },
	CU_TEST_INFO_NULL
};

int
main(void)
{
	return unit_main("secret", tests, NULL, NULL);
}
