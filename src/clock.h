/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The monotonic clock in milliseconds, for timeouts and back-offs (the
 * master's, the database's holds): it does not jump with the time of
 * day.
 */
#ifndef ADMINUTIL_CLOCK_H
#define ADMINUTIL_CLOCK_H

#include <time.h>

static inline long long
clock_mono_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
