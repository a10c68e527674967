/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The admin plane's gate: what a browser could forge (a Host not in
 * admin_hosts or portal_hosts: 421; another site's Origin or
 * Sec-Fetch-Site: 403; a body of another media type: 415), then the
 * caller (a portal user on the portal's routes only, an approver on
 * the approvers'; else, with admin_auth = jwt, a bearer token of a
 * consumer in the route's groups, verified as the gateway verifies one),
 * who becomes the actor of the change.  Every refusal is answered and
 * logged, never the token.  1 if the handler may run.
 */
#ifndef ADMINUTIL_ADMIN_GATE_H
#define ADMINUTIL_ADMIN_GATE_H

#include "http/reply.h"

int	admin_gate(struct app *, const struct route *, struct request *,
	    struct response *);

#endif
