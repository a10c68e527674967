/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The application a worker runs: the route table of every face (admin/,
 * portal/, gateway/, http/health.c) and dispatch, through the admin
 * plane's gate (admin/gate.h) for its routes.  Independent of FastCGI.
 */
#ifndef ADMINUTIL_APP_H
#define ADMINUTIL_APP_H

#include "http/reply.h"

struct config;

/*
 * 0, or -1 with a message in err (no memory, a bad ACL file).  cfg must
 * outlive the app.
 */
int	app_init(struct app *, const struct config *cfg, char *err,
	    size_t errsz);
void	app_free(struct app *);

/* Answers one request into res (always filled, never fails). */
void	app_handle(struct app *, struct request *, struct response *);

#endif
