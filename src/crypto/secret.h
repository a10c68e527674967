/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Random identifiers, all from OpenSSL's CSPRNG (RAND_bytes).
 */
#ifndef ADMINUTIL_SECRET_H
#define ADMINUTIL_SECRET_H

#include <stddef.h>

#define SECRET_HEX_LEN	 32	/* 128 bits as lowercase hex */
#define SECRET_UUID_LEN	 36

/* Writes 32 lowercase hex characters and a NUL to out. 0 or -1. */
int	secret_hex128(char out[SECRET_HEX_LEN + 1]);

/* Writes a random (version 4) UUID, lowercase, and a NUL to out. */
void	secret_uuid4(char out[SECRET_UUID_LEN + 1]);

/* Lowercase hex of n bytes of in into out (2n + 1 bytes). */
void	secret_tohex(char *out, const unsigned char *in, size_t n);

#endif
