/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The clocks, in milliseconds: the monotonic one for timeouts and
 * back-offs (the master's, the database's holds), which does not jump
 * with the time of day, and the wall clock for what is said or kept of
 * when (the envelope's ets, the database's times, token times).
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

/* Epoch milliseconds. */
static inline long long
clock_wall_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
