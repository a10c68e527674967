/* SPDX-License-Identifier: ISC */
/* Copyright (c) 2026 The adminutil authors */

/*
 * A library the sandbox test preloads (LD_PRELOAD) into an instance of
 * its own: after each FCGX_Accept_r of a worker, a request holding the
 * FastCGI parameter SANDBOX_PROBE=execve makes the worker call execve,
 * as code that was made to run a program would.  Under sandbox = kill
 * that call kills the worker; under log it fails with ENOSYS and the
 * request is answered; with no sandbox it runs /bin/true, and the
 * worker exits 0.  Not part of adminutil; built for the tests only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fcgiapp.h>

int	FCGX_Accept_r(FCGX_Request *);

int
FCGX_Accept_r(FCGX_Request *r)
{
	static int	(*real)(FCGX_Request *);
	const char	*probe;
	char		*argv[] = { (char *)"/bin/true", NULL };
	char		*envp[] = { NULL };
	int		 rc;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "FCGX_Accept_r");
	if ((rc = real(r)) < 0)
		return rc;
	probe = FCGX_GetParam("SANDBOX_PROBE", r->envp);
	if (probe != NULL && strcmp(probe, "execve") == 0)
		syscall(SYS_execve, argv[0], argv, envp);
	return rc;
}
