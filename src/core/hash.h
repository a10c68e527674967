/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * FNV-1a, the string hash of the ACL's tables (acl.c, keys the operator
 * wrote, short).  The caches' keys are a client's, whole tokens among
 * them: cache.c hashes them eight bytes a step, seeded per process.
 */
#ifndef ADMINUTIL_HASH_H
#define ADMINUTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a over s[0..len), from the offset basis xor seed. */
static inline uint64_t
hash_fnv1a(uint64_t seed, const char *s, size_t len)
{
	uint64_t	 h = 0xcbf29ce484222325ULL ^ seed;
	size_t		 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif
