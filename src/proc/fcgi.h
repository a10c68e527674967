/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * One FastCGI request: what libfcgi read (fr, accepted) answered by the
 * application a, the answer written and the request's input read to
 * its end, so that the connection may be closed at once or kept.
 * send_ms > 0: the connection has no timeouts yet, and an answer that
 * might not fit its send buffer gets a send timeout of send_ms first.
 */
#ifndef ADMINUTIL_PROC_FCGI_H
#define ADMINUTIL_PROC_FCGI_H

#include <fcgiapp.h>

struct app;

void	fcgi_serve(struct app *a, FCGX_Request *fr, long long send_ms);

#endif
