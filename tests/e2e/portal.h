/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * The portal's end-to-end tests, shared by portal.c (the routes, these
 * helpers and the list of tests), portal-mail.c (mails, the largest
 * texts) and portal-guard.c (who may reach and keep what): signing in
 * as a portal user, the answers' checks, requests and decisions.  The
 * users are the harness's (lib-e2e.sh); no password is printed.
 */
#ifndef ADMINUTIL_E2E_PORTAL_H
#define ADMINUTIL_E2E_PORTAL_H

#include <stddef.h>

#include <json-c/json.h>

#include "e2e.h"

#define API		 "/content/v1/flag/accept"	/* contentAdmin */
#define OTHER_GROUP	 "courseAdmin"	/* offered, opens no API of ours */

/* The password of portal user u (E2E_PORTAL_PASSWORDS) into out. */
int		 password_of(const char *, char *, size_t);
/*
 * POSTs body to path of base as portal user u (NULL: nobody signed in)
 * with the header lines hdrs (NULL-ended, may be NULL).
 */
void		 as_user(struct resp *, const char *, const char *,
		    const char *, const char *, const char *const *);
/* As u on the portal: the envelope of request (NULL: none). */
void		 portal(struct resp *, const char *, const char *,
		    const char *);
/* The answer is the route's success; its result, or NULL. */
json_object	*ok(const char *, const struct resp *, const char *);
/* The answer is HTTP status with err (NULL: any envelope or none). */
void		 refused(const char *, const struct resp *, long,
		    const char *);
/* path is refused to a developer from another site and when not JSON. */
void		 refused_foreign(const char *, const char *);
/* 0 when the web server has a portal, else -1 after a failed check. */
int		 ready(void);
/* A new request of u for groups (a JSON array); its id, or -1. */
long long	 request_access(const char *, const char *, const char *);
/* Decides request id as u: "approve" or "reject" with request. */
void		 decide(struct resp *, const char *, long long, const char *,
		    const char *);
/* The HTTP status of API through the gateway with key and secret; -1. */
long		 gw_status(const char *, const char *);

/* portal-mail.c: whether a mail file holding mark is in mail_dir. */
struct file_wait {
	const char	*mark;
};

int		 file_there(void *);

/* The tests, listed in portal.c's portal_tests. */
void		 test_portal_flow(void);
void		 test_portal_reject_withdraw(void);
void		 test_portal_me(void);
void		 test_portal_descriptions(void);
void		 test_portal_desk(void);
void		 test_portal_mail(void);
void		 test_portal_largest(void);
void		 test_portal_mail_lines(void);
void		 test_portal_identity(void);
void		 test_headers_once(void);
void		 test_portal_taken_back(void);
void		 test_portal_caps(void);

#endif
