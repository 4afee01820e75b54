/* Capability sets: the kernel's names, Docker's 14 defaults, and the capset/prctl sequence. */
#include "caps.h"

#include <grp.h>
#include <linux/capability.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

static const char *const cap_names[] = {
	"CHOWN",	    "DAC_OVERRIDE",	"DAC_READ_SEARCH", "FOWNER",	     "FSETID",	     "KILL",
	"SETGID",	    "SETUID",		"SETPCAP",	   "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
	"NET_ADMIN",	    "NET_RAW",		"IPC_LOCK",	   "IPC_OWNER",	     "SYS_MODULE",   "SYS_RAWIO",
	"SYS_CHROOT",	    "SYS_PTRACE",	"SYS_PACCT",	   "SYS_ADMIN",	     "SYS_BOOT",     "SYS_NICE",
	"SYS_RESOURCE",	    "SYS_TIME",		"SYS_TTY_CONFIG",  "MKNOD",	     "LEASE",	     "AUDIT_WRITE",
	"AUDIT_CONTROL",    "SETFCAP",		"MAC_OVERRIDE",	   "MAC_ADMIN",	     "SYSLOG",	     "WAKE_ALARM",
	"BLOCK_SUSPEND",    "AUDIT_READ",	"PERFMON",	   "BPF",	     "CHECKPOINT_RESTORE",
};
#define N_CAPS ((int)(sizeof(cap_names) / sizeof(cap_names[0])))

int sr_cap_from_name(const char *name)
{
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (int i = 0; i < N_CAPS; i++)
		if (strcasecmp(name, cap_names[i]) == 0)
			return i;
	return -1;
}

uint64_t sr_caps_docker_default(void)
{
	static const int defaults[] = { CAP_CHOWN,	     CAP_DAC_OVERRIDE, CAP_FSETID,     CAP_FOWNER,  CAP_MKNOD,
					CAP_NET_RAW,	     CAP_SETGID,       CAP_SETUID,     CAP_SETFCAP, CAP_SETPCAP,
					CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,  CAP_KILL,       CAP_AUDIT_WRITE };
	uint64_t m = 0;
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
		m |= 1ULL << defaults[i];
	return m;
}

static int last_cap(void)
{
	static int cached = -1;
	if (cached >= 0)
		return cached;
	sr_err e;
	char *s = sr_read_file("/proc/sys/kernel/cap_last_cap", NULL, &e);
	cached = s ? atoi(s) : N_CAPS - 1;
	free(s);
	return cached;
}

int sr_caps_drop_bounding(const sr_caps *caps, sr_err *err)
{
	int last = last_cap();
	for (int c = 0; c <= last && c < 64; c++) {
		if (caps->bounding & (1ULL << c))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return sr_fail(err, errno, "drop capability %d from the bounding set", c);
	}
	return 0;
}

int sr_caps_apply_user(const sr_spec *spec, sr_err *err)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return sr_fail(err, errno, "prctl(PR_SET_KEEPCAPS)");
	if (setgroups(spec->n_additional_gids, spec->additional_gids) < 0)
		return sr_fail(err, errno, "setgroups for process.user.additionalGids");
	if (setresgid(spec->gid, spec->gid, spec->gid) < 0)
		return sr_fail(err, errno, "setresgid(%u) for process.user.gid", (unsigned)spec->gid);
	if (setresuid(spec->uid, spec->uid, spec->uid) < 0)
		return sr_fail(err, errno, "setresuid(%u) for process.user.uid", (unsigned)spec->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return sr_fail(err, errno, "prctl(PR_SET_KEEPCAPS, 0)");

	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof(data));
	const sr_caps *c = &spec->caps;
	for (int i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(c->effective >> (32 * i));
		data[i].permitted = (uint32_t)(c->permitted >> (32 * i));
		data[i].inheritable = (uint32_t)(c->inheritable >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		return sr_fail(err, errno, "capset (process.capabilities)");
	for (int cap = 0; cap < 64; cap++) {
		if (!(c->ambient & (1ULL << cap)))
			continue;
		/* Ambient needs the cap in permitted and inheritable; like runc, ignore ones the kernel refuses. */
		(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0);
	}
	return 0;
}
