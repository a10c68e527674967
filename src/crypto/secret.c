/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "core/log.h"
#include "crypto/secret.h"

void
secret_tohex(char *out, const unsigned char *in, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int
secret_hex128(char out[SECRET_HEX_LEN + 1])
{
	unsigned char	 b[SECRET_HEX_LEN / 2];

	if (RAND_bytes(b, sizeof(b)) != 1) {
		log_error("RAND_bytes failed");
		return -1;
	}
	secret_tohex(out, b, sizeof(b));
	OPENSSL_cleanse(b, sizeof(b));
	return 0;
}

void
secret_uuid4(char out[SECRET_UUID_LEN + 1])
{
	unsigned char	 b[16];
	char		 h[33];

	if (RAND_bytes(b, sizeof(b)) != 1) {
		/* The CSPRNG cannot fail once seeded; if it does, stop. */
		log_error("RAND_bytes failed");
		abort();
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	secret_tohex(h, b, sizeof(b));
	snprintf(out, SECRET_UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s",
	    h, h + 8, h + 12, h + 16, h + 20);
}
