/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * One FastCGI request: what libfcgi read (fr, accepted) answered by the
 * application a, the answer written and the request's input read to
 * its end, so that the connection may be closed at once or kept.
 */
#ifndef ADMINUTIL_PROC_FCGI_H
#define ADMINUTIL_PROC_FCGI_H

#include <fcgiapp.h>

struct app;

void	fcgi_serve(struct app *a, FCGX_Request *fr);

#endif
