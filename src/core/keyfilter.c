/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

#include "build.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "core/keyfilter.h"

#define PROBE_MAX	 32	/* slots a key may be looked for in */
#define SIPKEY_LEN	 16

struct table {
	uint64_t	 version;	/* odd while being rebuilt */
	uint64_t	 count;		/* keys in it */
	uint32_t	 full;		/* a key did not fit: all "maybe" */
	uint32_t	 pad;
};

struct region {
	int32_t		 active;	/* the table in use; -1: none yet */
	uint32_t	 pad;
	uint64_t	 max;		/* keys a table takes */
	uint64_t	 mask;		/* slots a table has, less one */
	unsigned char	 sipkey[SIPKEY_LEN];
	struct table	 t[2];
	uint32_t	 slots[];	/* table 0's, then table 1's */
};

static struct region	*kf;
static EVP_MAC_CTX	*mac;		/* this process's */

#define LOAD(p)		 __atomic_load_n((p), __ATOMIC_RELAXED)
#define STORE(p, v)	 __atomic_store_n((p), (v), __ATOMIC_RELAXED)

int
keyfilter_init(size_t max)
{
	struct region	*r;
	size_t		 n = 16;
	void		*p;

	if (max == 0)
		return 0;
	/* Half full at most: probes stay short. */
	while (n < 2 * max)
		n <<= 1;
	p = mmap(NULL, sizeof(*r) + 2 * n * sizeof(r->slots[0]),
	    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	r = p;
	if (RAND_bytes(r->sipkey, sizeof(r->sipkey)) != 1) {
		munmap(p, sizeof(*r) + 2 * n * sizeof(r->slots[0]));
		return -1;
	}
	r->active = -1;
	r->max = max;
	r->mask = n - 1;
	kf = r;
	return 0;
}

int
keyfilter_on(void)
{
	return kf != NULL;
}

/* SipHash-2-4 of key, 64 bits, under the region's key.  0, or -1. */
static int
hash(const char *key, size_t len, uint64_t *h)
{
	OSSL_PARAM	 params[2];
	EVP_MAC		*m;
	unsigned char	 out[8];
	size_t		 size = sizeof(out), outl = 0;

	if (mac == NULL) {
		if ((m = EVP_MAC_fetch(NULL, "SIPHASH", NULL)) == NULL)
			return -1;
		mac = EVP_MAC_CTX_new(m);
		EVP_MAC_free(m);
		if (mac == NULL)
			return -1;
	}
	params[0] = OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(mac, kf->sipkey, sizeof(kf->sipkey), params) != 1 ||
	    EVP_MAC_update(mac, (const unsigned char *)key, len) != 1 ||
	    EVP_MAC_final(mac, out, &outl, sizeof(out)) != 1 ||
	    outl != sizeof(out))
		return -1;
	memcpy(h, out, sizeof(*h));
	return 0;
}

/* The fingerprint of h: never 0, which marks an empty slot. */
static uint32_t
print_of(uint64_t h)
{
	uint32_t	 fp = (uint32_t)(h >> 32);

	return fp != 0 ? fp : 1;
}

/* Adds h to table i: 0, or -1 when it does not fit (marked full). */
static int
put(int i, uint64_t h)
{
	uint32_t	*s = &kf->slots[(size_t)i * (kf->mask + 1)];
	uint32_t	 fp = print_of(h), cur;
	size_t		 k, at;

	for (k = 0; k < PROBE_MAX; k++) {
		at = (size_t)((h + k) & kf->mask);
		cur = __atomic_load_n(&s[at], __ATOMIC_ACQUIRE);
		if (cur == 0 && __atomic_compare_exchange_n(&s[at], &cur, fp,
		    0, __ATOMIC_RELEASE, __ATOMIC_ACQUIRE)) {
			if (__atomic_add_fetch(&kf->t[i].count, 1,
			    __ATOMIC_RELAXED) > kf->max)
				break;
			return 0;
		}
		if (cur == fp)
			return 0;
	}
	STORE(&kf->t[i].full, 1);
	return -1;
}

int
keyfilter_maybe(const char *key, size_t len)
{
	const uint32_t	*s;
	uint64_t	 h, v;
	uint32_t	 fp, cur;
	size_t		 k;
	int		 a, found = 0;

	if (kf == NULL || (a = __atomic_load_n(&kf->active,
	    __ATOMIC_ACQUIRE)) < 0)
		return 1;
	v = __atomic_load_n(&kf->t[a].version, __ATOMIC_ACQUIRE);
	if ((v & 1) || LOAD(&kf->t[a].full) || hash(key, len, &h) == -1)
		return 1;
	s = &kf->slots[(size_t)a * (kf->mask + 1)];
	fp = print_of(h);
	for (k = 0; k < PROBE_MAX; k++) {
		cur = __atomic_load_n(&s[(h + k) & kf->mask], __ATOMIC_ACQUIRE);
		if (cur == fp) {
			found = 1;
			break;
		}
		if (cur == 0)
			break;
	}
	/* Rebuilt under the probe: it cannot say. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (LOAD(&kf->t[a].version) != v)
		return 1;
	return found;
}

void
keyfilter_add(const char *key, size_t len)
{
	uint64_t	 h;

	if (kf == NULL || hash(key, len, &h) == -1)
		return;
	/* Both: the one in use, and the one a rebuild may be filling. */
	(void)put(0, h);
	(void)put(1, h);
}

/* The table a rebuild fills: the one not in use. */
static int
idle(void)
{
	return __atomic_load_n(&kf->active, __ATOMIC_ACQUIRE) == 0 ? 1 : 0;
}

void
keyfilter_rebuild_begin(void)
{
	uint32_t	*s;
	size_t		 k;
	int		 i;

	if (kf == NULL)
		return;
	i = idle();
	s = &kf->slots[(size_t)i * (kf->mask + 1)];
	/* Odd: a reader that was still probing it gives up ("maybe"). */
	__atomic_add_fetch(&kf->t[i].version, 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (k = 0; k <= kf->mask; k++)
		STORE(&s[k], 0);
	STORE(&kf->t[i].count, 0);
	STORE(&kf->t[i].full, 0);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void
keyfilter_rebuild_add(const char *key, size_t len)
{
	uint64_t	 h;

	if (kf != NULL && hash(key, len, &h) == 0)
		(void)put(idle(), h);
}

int
keyfilter_rebuild_end(void)
{
	int	 i;

	if (kf == NULL)
		return 0;
	i = idle();
	__atomic_add_fetch(&kf->t[i].version, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&kf->active, i, __ATOMIC_RELEASE);
	return LOAD(&kf->t[i].full) ? -1 : 0;
}
