/*
 * State files. state.json is written once (tmp + rename) when the container is created; status is never
 * stored: it is derived from the kernel (is the pid alive with the same start time?) and from exec.fifo
 * (present until `start`). So `state` answers correctly after the caller, or the whole runtime, died.
 */
#include "state.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

#include "json.h"

int sr_state_valid_id(const char *id, sr_err *err)
{
	size_t n = strlen(id);
	if (n == 0 || n > 128 || id[0] == '.' || id[0] == '-')
		return sr_fail(err, 0, "container id \"%s\" is invalid (1-128 characters of [A-Za-z0-9_.-], not starting with '.' or '-')", id);
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return sr_fail(err, 0, "container id \"%s\" is invalid (character '%c' not in [A-Za-z0-9_.-])", id, c);
	}
	return 0;
}

char *sr_now_rfc3339(void)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	return sr_xasprintf("%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
			    tm.tm_min, tm.tm_sec, ts.tv_nsec);
}

int sr_state_write(int dirfd, const sr_state *st, sr_err *err)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	sr_buf_printf(&buf, &len, &cap, "{\"ociVersion\":\"1.0.2\",\"id\":");
	sr_json_append_string(&buf, &len, &cap, st->id);
	sr_buf_printf(&buf, &len, &cap, ",\"pid\":%d,\"starttime\":%llu,\"bundle\":", st->pid, st->starttime);
	sr_json_append_string(&buf, &len, &cap, st->bundle);
	sr_buf_printf(&buf, &len, &cap, ",\"rootfs\":");
	sr_json_append_string(&buf, &len, &cap, st->rootfs);
	sr_buf_printf(&buf, &len, &cap, ",\"created\":");
	sr_json_append_string(&buf, &len, &cap, st->created);
	sr_buf_printf(&buf, &len, &cap, ",\"cgroup\":");
	sr_json_append_string(&buf, &len, &cap, st->cgroup);
	sr_buf_printf(&buf, &len, &cap, "}\n");
	int r = sr_write_file_atomic_at(dirfd, "state.json", buf, err);
	free(buf);
	return r;
}

static char *str_member(const sr_json *j, const char *key)
{
	sr_json *v = sr_json_get(j, key);
	return sr_xstrdup(v && v->type == SR_JSON_STRING ? v->string : "");
}

int sr_state_read(int dirfd, sr_state *st, sr_err *err)
{
	size_t len;
	cleanup_free char *text = sr_read_file_at(dirfd, "state.json", &len, err);
	if (!text)
		return -1;
	sr_json *j = sr_json_parse(text, len, err);
	if (!j)
		return sr_wrap(err, "state.json is corrupt");
	st->id = str_member(j, "id");
	st->bundle = str_member(j, "bundle");
	st->rootfs = str_member(j, "rootfs");
	st->created = str_member(j, "created");
	st->cgroup = str_member(j, "cgroup");
	sr_json *v = sr_json_get(j, "pid");
	st->pid = v && v->type == SR_JSON_NUMBER ? (pid_t)v->number : 0;
	v = sr_json_get(j, "starttime");
	st->starttime = v && v->type == SR_JSON_NUMBER ? (unsigned long long)v->number : 0;
	sr_json_free(j);
	return 0;
}

int sr_state_open_dir(const char *root, const char *id, sr_err *err)
{
	if (sr_state_valid_id(id, err) < 0)
		return -1;
	cleanup_free char *dir = sr_xasprintf("%s/%s", root, id);
	int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return sr_fail(err, 0, "container \"%s\" does not exist (no state in %s)", id, root);
		return sr_fail(err, errno, "open state dir %s", dir);
	}
	return fd;
}

unsigned long long sr_proc_starttime(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	if (!p || p[1] == '\0')
		return 0;
	p += 2; /* field 3: state */
	if (*p == 'Z' || *p == 'X')
		return 0;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	return p ? strtoull(p, NULL, 10) : 0;
}

int sr_state_alive(const sr_state *st)
{
	return st->pid > 0 && sr_proc_starttime(st->pid) == st->starttime && st->starttime != 0;
}

sr_status sr_state_status(int dirfd, const sr_state *st)
{
	if (!sr_state_alive(st))
		return SR_STATUS_STOPPED;
	struct stat sb;
	if (fstatat(dirfd, "exec.fifo", &sb, 0) == 0)
		return SR_STATUS_CREATED;
	return SR_STATUS_RUNNING;
}

const char *sr_status_name(sr_status s)
{
	switch (s) {
	case SR_STATUS_CREATED: return "created";
	case SR_STATUS_RUNNING: return "running";
	case SR_STATUS_STOPPED: return "stopped";
	}
	return "unknown";
}

/*
 * One emptied state dir is kept as <root>/.spare and renamed into place by the next container, instead
 * of rmdir + mkdir: on this host's ext4 (no journal, mounted with discard) mkdir allocates a block and
 * freeing it issues a synchronous discard when the last fd closes (~0.3 ms, more under I/O load). Ids
 * cannot start with '.', so the name never collides; RENAME_NOREPLACE keeps concurrent runs apart.
 */
#define SPARE_DIR ".spare"

int sr_state_make_dir(const char *root, const char *id, const char *dir, sr_err *err)
{
	cleanup_free char *spare = sr_xasprintf("%s/" SPARE_DIR, root);
	int r = (int)syscall(SYS_renameat2, AT_FDCWD, spare, AT_FDCWD, dir, RENAME_NOREPLACE);
	if (r < 0 && errno == ENOENT)
		r = mkdir(dir, 0711);
	if (r == 0)
		return 0;
	if (errno == EEXIST)
		return sr_fail(err, 0, "container \"%s\" already exists (state in %s)", id, dir);
	return sr_fail(err, errno, "create state dir %s", dir);
}

int sr_state_remove(const char *root, const char *id, int park, sr_err *err)
{
	/* Only our own file names: no directory scan on the hot path of `run`. */
	static const char *const files[] = { "state.json", "exit", "exec.fifo", "state.json.tmp", "exit.tmp" };
	cleanup_free char *dir = sr_xasprintf("%s/%s", root, id);
	cleanup_close int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : sr_fail(err, errno, "open state dir %s", dir);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlinkat(fd, files[i], 0);
	cleanup_free char *spare = park ? sr_xasprintf("%s/" SPARE_DIR, root) : NULL;
	if (spare && syscall(SYS_renameat2, AT_FDCWD, dir, AT_FDCWD, spare, RENAME_NOREPLACE) == 0)
		return 0;
	if (rmdir(dir) < 0 && errno != ENOENT)
		return sr_fail(err, errno, "remove state dir %s", dir);
	return 0;
}
