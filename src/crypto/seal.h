/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * Secrets at rest: AES-256-GCM through OpenSSL EVP.  A sealed secret is
 * the base64 of nonce (12 bytes, fresh from RAND_bytes for every seal) ||
 * ciphertext || tag (16 bytes), with the credential's key as additional
 * data: a sealed secret moved to another credential's row does not
 * open.  The key that sealed it is named on the row by its id: the
 * first 8 hex digits of the SHA-256 of the key.
 *
 * The key ring is the files of seal_key_file (a comma list): each holds
 * 64 hex digits (32 bytes) and a newline, is made by seal_keygen() and
 * should be mode 0600.  The first key seals; every key unseals.  It is
 * loaded once per process, before privileges are dropped; the workers
 * inherit it.
 */
#ifndef ADMINUTIL_SEAL_H
#define ADMINUTIL_SEAL_H

#include <stddef.h>

#define SEAL_KID_LEN	 8		/* hex digits of a key id */
#define SEAL_KEY_LEN	 32		/* AES-256 */
#define SEAL_MAX_KEYS	 16
/* The text of a sealed secret of n bytes, with its NUL. */
#define SEAL_TEXT_LEN(n) (((12 + (n) + 16) + 2) / 3 * 4 + 1)

/*
 * Loads the ring of the comma-separated key files (NULL or "": no ring,
 * nothing is sealed).  0, or -1 with a message in err (never a key).
 */
int	 seal_load(const char *files, char *err, size_t errsz);
/*
 * The next file of a seal_key_file list (split by commas only, so that a
 * path may hold a blank; blanks around each are dropped): its start and
 * *len, *p moved past it; NULL at the end.  The one reading of the list,
 * for seal_load() and the configuration's check alike.
 */
const char *seal_file_next(const char **p, size_t *len);
/* Forgets the ring (and wipes it). */
void	 seal_unload(void);
/* 1 if a ring is loaded. */
int	 seal_active(void);
/* The id of the sealing key (the first), or NULL without a ring. */
const char *seal_first(void);
/* 1 if the ring holds the key of id kid. */
int	 seal_has(const char *kid);

/*
 * Seals pt (ptlen bytes) for the credential aad under the first key:
 * its text into out (outsz >= SEAL_TEXT_LEN(ptlen)) and the key's id
 * into kid.  0, or -1.
 */
int	 seal_text(const char *aad, const char *pt, size_t ptlen, char *out,
	    size_t outsz, char kid[SEAL_KID_LEN + 1]);
/*
 * Opens text, sealed for aad under the key kid, into out (outsz bytes,
 * NUL-terminated).  0, or -1: no such key, not ours, or tampered with.
 */
int	 seal_open(const char *kid, const char *aad, const char *text,
	    char *out, size_t outsz);

/*
 * Writes a new random key to path (mode 0600; an existing file is not
 * overwritten) and its id to kid.  0, or -1 with a message in err.
 */
int	 seal_keygen(const char *path, char kid[SEAL_KID_LEN + 1], char *err,
	    size_t errsz);

#endif
