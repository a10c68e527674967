/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * bench/mint: HS256 tokens for the benchmark, shaped like the seeds'
 * client tokens (iss = the credential's key, iat a string of
 * milliseconds, id, qsh, version, params).  Reads "key secret" lines on
 * standard input and writes one token a line; the signature is
 * OpenSSL's HMAC() over the two base64url parts, keyed with the
 * secret's bytes.  With -b the secret is altered first, so every token
 * carries a well-formed but bad signature.
 *
 *	bench/mint [-b] <pairs >tokens
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "crypto/jwt.h"

#define LINE_MAX_	 1024

/* 1 if s can stand inside a JSON string as it is. */
static int
json_plain(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

int
main(int argc, char *argv[])
{
	static const char hdr[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	char		 line[LINE_MAX_], claims[LINE_MAX_ * 2];
	char		 tok[LINE_MAX_ * 4], *key, *secret, *save;
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen;
	struct timeval	 tv;
	long long	 iat;
	size_t		 off, n, lineno = 0;
	int		 ch, bad = 0;

	while ((ch = getopt(argc, argv, "b")) != -1) {
		switch (ch) {
		case 'b':
			bad = 1;
			break;
		default:
			fprintf(stderr, "usage: mint [-b] <pairs\n");
			return 2;
		}
	}
	gettimeofday(&tv, NULL);
	iat = (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	while (fgets(line, sizeof(line), stdin) != NULL) {
		lineno++;
		key = strtok_r(line, " \t\r\n", &save);
		secret = strtok_r(NULL, " \t\r\n", &save);
		if (key == NULL || secret == NULL || !json_plain(key)) {
			fprintf(stderr, "mint: line %zu: want \"key secret\"\n",
			    lineno);
			return 1;
		}
		if (bad)
			secret[0] = secret[0] == 'x' ? 'y' : 'x';
		n = (size_t)snprintf(claims, sizeof(claims),
		    "{\"iss\":\"%s\",\"iat\":\"%lld\",\"id\":\"org.sunbird."
		    "api.contentAPI\",\"qsh\":\"8063ff4ca1e41df0f6207d491cf6"
		    "dad7c66ea797b4614b7\",\"version\":\"1.0\",\"params\":"
		    "{\"did\":\"ff305d54-85b4-341b-da2f-eb6b9e5460fa\","
		    "\"msgid\":\"c3049b36249a3c9f8891cb1999777743c\"}}",
		    key, iat);
		if (n >= sizeof(claims)) {
			fprintf(stderr, "mint: line %zu: key too long\n",
			    lineno);
			return 1;
		}
		off = jwt_b64url_encode(tok, (const unsigned char *)hdr,
		    sizeof(hdr) - 1);
		tok[off++] = '.';
		off += jwt_b64url_encode(tok + off, (const unsigned char *)claims, n);
		if (HMAC(EVP_sha256(), secret, (int)strlen(secret),
		    (const unsigned char *)tok, off, mac, &maclen) == NULL) {
			fprintf(stderr, "mint: HMAC failed\n");
			return 1;
		}
		tok[off++] = '.';
		jwt_b64url_encode(tok + off, mac, maclen);
		puts(tok);
	}
	return ferror(stdin) || fflush(stdout) != 0 ? 1 : 0;
}
