/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * GET /health: the database checked, 503 when it does not answer.
 */
#ifndef ADMINUTIL_HTTP_HEALTH_H
#define ADMINUTIL_HTTP_HEALTH_H

#include "http/reply.h"

void	health_check(struct app *, const struct route *, struct request *,
	    struct response *);

#endif
