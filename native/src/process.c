/* Final steps before execve, in the order that keeps each step permitted by the previous ones. */
#include "process.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#include "caps.h"
#include "seccomp.h"

extern char **environ;

static void die(const char *msg, int code) __attribute__((noreturn));
static void die(const char *msg, int code)
{
	char buf[1200];
	int n = snprintf(buf, sizeof(buf), "swarm-runtime: %s\n", msg);
	(void)!write(2, buf, (size_t)(n > 0 ? n : 0));
	_exit(code);
}

/* Like runc: when process.env has no HOME, take it from the container's /etc/passwd (else "/"). */
static char **with_home(char **env, uid_t uid)
{
	size_t n = 0;
	for (; env[n]; n++)
		if (strncmp(env[n], "HOME=", 5) == 0)
			return env;
	const char *home = "/";
	sr_err err;
	char *passwd = sr_read_file("/etc/passwd", NULL, &err);
	for (char *save, *line = passwd ? strtok_r(passwd, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
		char *f[7] = { 0 };
		int k = 0;
		for (char *p = line; k < 7; k++) {
			f[k] = p;
			p = strchr(p, ':');
			if (!p)
				break;
			*p++ = '\0';
		}
		if (k >= 5 && f[2] && (uid_t)strtoul(f[2], NULL, 10) == uid && f[5] && *f[5]) {
			home = f[5];
			break;
		}
	}
	char **out = sr_xcalloc(n + 2, sizeof(char *));
	memcpy(out, env, n * sizeof(char *));
	out[n] = sr_xasprintf("HOME=%s", home);
	return out;
}

void sr_process_reset_signals(void)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			signal(s, SIG_DFL);
}

int sr_process_enter(const sr_spec *spec, const char *cwd, sr_err *err)
{
	for (size_t i = 0; i < spec->n_rlimits; i++) {
		struct rlimit rl = { .rlim_cur = spec->rlimits[i].soft, .rlim_max = spec->rlimits[i].hard };
		if (setrlimit(spec->rlimits[i].resource, &rl) < 0)
			return sr_fail(err, errno, "process.rlimits[%zu]", i);
	}
	if (chdir(cwd) < 0)
		return sr_fail(err, errno, "process.cwd: chdir %s", cwd);
	if (spec->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return sr_fail(err, errno, "process.noNewPrivileges");
	/* Still root with CAP_SYS_ADMIN here, so the filter installs even without no_new_privs. */
	if (!spec->seccomp_disabled && sr_seccomp_install_default(&spec->caps, err) < 0)
		return -1;
	if (sr_caps_drop_bounding(&spec->caps, err) < 0 || sr_caps_apply_user(spec, err) < 0)
		return -1;
	return 0;
}

void sr_process_execvp(const sr_spec *spec, char *const argv[], char **env)
{
	sr_err err;
	environ = with_home(env, spec->uid);
	sr_trace("process: exec");
	execvp(argv[0], argv);
	sr_fail(&err, errno, "exec \"%s\"", argv[0]);
	die(err.msg, errno == ENOENT ? 127 : 126);
}

int sr_process_cloexec_inherited(sr_err *err)
{
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return sr_fail(err, errno, "mark inherited descriptors close-on-exec");
	return 0;
}

void sr_process_exec(const sr_spec *spec)
{
	sr_err err;
	sr_process_reset_signals();
	setsid();
	/* Whatever the caller's caller left open (swarmd's pipes, a shell's fds) must not reach the process. */
	if (sr_process_cloexec_inherited(&err) < 0)
		die(err.msg, 126);
	if (sr_process_enter(spec, spec->cwd, &err) < 0)
		die(err.msg, 126);
	sr_process_execvp(spec, spec->args, spec->env);
}
