/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/hex.h"
#include "crypto/seal.h"
#include "crypto/secret.h"

#define NONCE_LEN	 12
#define TAG_LEN		 16
#define SEAL_PT_MAX	 256		/* longest secret sealed */

struct seal_key {
	unsigned char	 key[SEAL_KEY_LEN];
	char		 kid[SEAL_KID_LEN + 1];
};

static struct seal_key	 ring[SEAL_MAX_KEYS];
static size_t		 nring;

static void
kid_of(const unsigned char *key, char kid[SEAL_KID_LEN + 1])
{
	unsigned char	 md[32];
	unsigned int	 n = 0;

	EVP_Digest(key, SEAL_KEY_LEN, md, &n, EVP_sha256(), NULL);
	secret_tohex(kid, md, SEAL_KID_LEN / 2);
}

/* Reads the key of path into k.  0, or -1 with err. */
static int
load_one(const char *path, struct seal_key *k, char *err, size_t errsz)
{
	char	 buf[2 * SEAL_KEY_LEN + 3];
	size_t	 n, i;
	int	 fd, hi, lo;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errsz, "seal_key_file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	n = (size_t)read(fd, buf, sizeof(buf));
	close(fd);
	if (n == (size_t)-1 || n < 2 * SEAL_KEY_LEN ||
	    (n > 2 * SEAL_KEY_LEN && buf[2 * SEAL_KEY_LEN] != '\n') ||
	    n > 2 * SEAL_KEY_LEN + 1) {
		explicit_bzero(buf, sizeof(buf));
		snprintf(err, errsz, "seal_key_file %s: not 64 hex digits and "
		    "a newline (make one with adminutil --seal-keygen)", path);
		return -1;
	}
	for (i = 0; i < SEAL_KEY_LEN; i++) {
		if ((hi = hex_digit(buf[2 * i])) < 0 ||
		    (lo = hex_digit(buf[2 * i + 1])) < 0) {
			explicit_bzero(buf, sizeof(buf));
			explicit_bzero(k, sizeof(*k));
			snprintf(err, errsz, "seal_key_file %s: not 64 hex "
			    "digits", path);
			return -1;
		}
		k->key[i] = (unsigned char)(hi << 4 | lo);
	}
	explicit_bzero(buf, sizeof(buf));
	kid_of(k->key, k->kid);
	return 0;
}

const char *
seal_file_next(const char **p, size_t *len)
{
	const char	*s = *p + strspn(*p, ", \t");

	*len = strcspn(s, ",");
	*p = s + *len;
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return *len > 0 ? s : NULL;
}

int
seal_load(const char *files, char *err, size_t errsz)
{
	char		 path[1024];
	const char	*list = files != NULL ? files : "", *s;
	size_t		 len, i;

	seal_unload();
	while ((s = seal_file_next(&list, &len)) != NULL) {
		if (len >= sizeof(path) || nring == SEAL_MAX_KEYS) {
			snprintf(err, errsz, "seal_key_file: too long or more "
			    "than %d keys", SEAL_MAX_KEYS);
			seal_unload();
			return -1;
		}
		memcpy(path, s, len);
		path[len] = '\0';
		if (load_one(path, &ring[nring], err, errsz) == -1) {
			seal_unload();
			return -1;
		}
		for (i = 0; i < nring; i++)
			if (strcmp(ring[i].kid, ring[nring].kid) == 0)
				break;
		if (i == nring)
			nring++;		/* the same key twice: once */
	}
	return 0;
}

void
seal_unload(void)
{
	OPENSSL_cleanse(ring, sizeof(ring));
	nring = 0;
}

int
seal_active(void)
{
	return nring > 0;
}

const char *
seal_first(void)
{
	return nring > 0 ? ring[0].kid : NULL;
}

static const struct seal_key *
find_key(const char *kid)
{
	size_t	 i;

	for (i = 0; kid != NULL && i < nring; i++)
		if (strcmp(ring[i].kid, kid) == 0)
			return &ring[i];
	return NULL;
}

int
seal_has(const char *kid)
{
	return find_key(kid) != NULL;
}

/* AES-256-GCM one way or the other; the length of out, or -1. */
static int
gcm(int enc, const unsigned char *key, const unsigned char *nonce,
    const char *aad, const unsigned char *in, int inlen, unsigned char *out,
    unsigned char *tag)
{
	EVP_CIPHER_CTX	*c;
	int		 n = 0, m = 0, ok;

	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) ==
	    1 && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN,
	    NULL) == 1 && EVP_CipherInit_ex(c, NULL, NULL, key, nonce, enc) ==
	    1 && EVP_CipherUpdate(c, NULL, &n, (const unsigned char *)aad,
	    (int)strlen(aad)) == 1 && EVP_CipherUpdate(c, out, &n, in,
	    inlen) == 1 && (enc || EVP_CIPHER_CTX_ctrl(c,
	    EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1) &&
	    EVP_CipherFinal_ex(c, out + n, &m) == 1 && (!enc ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1);
	EVP_CIPHER_CTX_free(c);
	return ok ? n + m : -1;
}

int
seal_text(const char *aad, const char *pt, size_t ptlen, char *out,
    size_t outsz, char kid[SEAL_KID_LEN + 1])
{
	unsigned char	 blob[NONCE_LEN + SEAL_PT_MAX + TAG_LEN];
	int		 n;

	if (nring == 0 || ptlen > SEAL_PT_MAX ||
	    outsz < SEAL_TEXT_LEN(ptlen) || RAND_bytes(blob, NONCE_LEN) != 1)
		return -1;
	if ((n = gcm(1, ring[0].key, blob, aad, (const unsigned char *)pt,
	    (int)ptlen, blob + NONCE_LEN, blob + NONCE_LEN + ptlen)) !=
	    (int)ptlen) {
		OPENSSL_cleanse(blob, sizeof(blob));
		return -1;
	}
	EVP_EncodeBlock((unsigned char *)out, blob,
	    (int)(NONCE_LEN + ptlen + TAG_LEN));
	memcpy(kid, ring[0].kid, SEAL_KID_LEN + 1);
	return 0;
}

int
seal_open(const char *kid, const char *aad, const char *text, char *out,
    size_t outsz)
{
	const struct seal_key	*k;
	unsigned char		 blob[(SEAL_TEXT_LEN(SEAL_PT_MAX) / 4) * 3];
	size_t			 len = strlen(text), pad = 0;
	int			 n;

	if ((k = find_key(kid)) == NULL || len == 0 || len % 4 != 0 ||
	    len / 4 * 3 > sizeof(blob))
		return -1;
	if ((n = EVP_DecodeBlock(blob, (const unsigned char *)text,
	    (int)len)) < 0)
		return -1;
	while (pad < 2 && text[len - 1 - pad] == '=')
		pad++;
	n -= (int)pad;
	if (n < NONCE_LEN + TAG_LEN ||
	    (size_t)(n - NONCE_LEN - TAG_LEN) >= outsz)
		return -1;
	n -= NONCE_LEN + TAG_LEN;
	if (gcm(0, k->key, blob, aad, blob + NONCE_LEN, n,
	    (unsigned char *)out, blob + NONCE_LEN + n) != n) {
		OPENSSL_cleanse(out, outsz);
		return -1;
	}
	out[n] = '\0';
	OPENSSL_cleanse(blob, sizeof(blob));
	return 0;
}

int
seal_keygen(const char *path, char kid[SEAL_KID_LEN + 1], char *err,
    size_t errsz)
{
	unsigned char	 key[SEAL_KEY_LEN];
	char		 hex[2 * SEAL_KEY_LEN + 2];
	int		 fd, ok;

	if (RAND_bytes(key, sizeof(key)) != 1) {
		snprintf(err, errsz, "no random bytes");
		return -1;
	}
	secret_tohex(hex, key, sizeof(key));
	hex[2 * SEAL_KEY_LEN] = '\n';
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		OPENSSL_cleanse(key, sizeof(key));
		OPENSSL_cleanse(hex, sizeof(hex));
		return -1;
	}
	ok = write(fd, hex, 2 * SEAL_KEY_LEN + 1) == 2 * SEAL_KEY_LEN + 1;
	ok &= close(fd) == 0;
	kid_of(key, kid);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(hex, sizeof(hex));
	if (!ok) {
		snprintf(err, errsz, "%s: cannot write the key", path);
		unlink(path);
		return -1;
	}
	return 0;
}
