/*
 * Default seccomp filter (classic BPF via seccomp(2)/prctl). Policy: allow everything except a deny list
 * of syscalls that let a container reach the kernel or the host (module loading, kexec, mounts, bpf,
 * keyrings, reboot, clocks, namespaces...), which fail with EPERM. clone() with namespace flags fails with
 * EPERM; clone3 fails with ENOSYS so libcs fall back to clone (its flags live in memory BPF cannot read).
 * Any architecture other than x86_64 (i386, x32 syscall numbers) is killed: its numbers differ.
 */
#include "seccomp.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#ifndef __x86_64__
#error "the default seccomp filter is written for x86_64"
#endif

static const int denied[] = {
	SYS_mount,	      SYS_umount2,	    SYS_pivot_root,	    SYS_kexec_load,	SYS_kexec_file_load,
	SYS_init_module,      SYS_finit_module,	    SYS_delete_module,	    SYS_create_module,	SYS_bpf,
	SYS_keyctl,	      SYS_add_key,	    SYS_request_key,	    SYS_reboot,		SYS_swapon,
	SYS_swapoff,	      SYS_acct,		    SYS_settimeofday,	    SYS_clock_settime,	SYS_clock_adjtime,
	SYS_adjtimex,	      SYS_iopl,		    SYS_ioperm,		    SYS_lookup_dcookie, SYS_quotactl,
	SYS_syslog,	      SYS_perf_event_open,  SYS_open_by_handle_at,  SYS_userfaultfd,	SYS_unshare,
	SYS_setns,	      SYS_nfsservctl,	    SYS_get_kernel_syms,    SYS_query_module,	SYS_uselib,
	SYS_vhangup,	      SYS_sethostname,	    SYS_setdomainname,	    SYS_fsopen,		SYS_fsconfig,
	SYS_fsmount,	      SYS_fspick,	    SYS_open_tree,	    SYS_move_mount,	SYS_mount_setattr,
	SYS_name_to_handle_at,
};

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)
#define RET_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define RET_ENOSYS (SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA))

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int sr_seccomp_install_default(sr_err *err)
{
	/*
	 * The kernel's cost to install a filter grows with its length (~0.6 us per instruction here: checks,
	 * conversion, JIT), so the sorted deny list becomes ranges of adjacent numbers (163..180 is 18 of
	 * them): 2 instructions per range, 1 per single number, a jump to one shared "ret EPERM".
	 */
	enum { N_DENIED = sizeof(denied) / sizeof(denied[0]) };
	int nrs[N_DENIED];
	memcpy(nrs, denied, sizeof(nrs));
	qsort(nrs, N_DENIED, sizeof(int), cmp_int);
	struct sock_filter prog[N_DENIED * 2 + 32];
	size_t to_deny[N_DENIED], n_deny = 0, n = 0;
#define EMIT(s) (prog[n++] = (struct sock_filter)s)
	/* [0..3] arch check; anything else is killed. */
	EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
	EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
	/* x32 numbers (bit 30 set) are a different ABI: kill. */
	EMIT(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	for (size_t i = 0; i < N_DENIED;) {
		size_t j = i;
		while (j + 1 < N_DENIED && nrs[j + 1] == nrs[j] + 1)
			j++;
		to_deny[n_deny++] = n;
		if (i == j) {
			EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nrs[i], 0, 0)); /* jt: deny */
		} else {
			EMIT(BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (unsigned)nrs[i], 0, 1));
			EMIT(BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (unsigned)nrs[j], 0, 0)); /* jf: deny */
		}
		i = j + 1;
	}
	EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1));
	EMIT(BPF_STMT(BPF_RET | BPF_K, RET_ENOSYS));
	/* clone(flags, ...): flags is args[0]; the low 32 bits hold every CLONE_NEW* flag. */
	EMIT(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3));
	EMIT(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])));
	EMIT(BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1));
	EMIT(BPF_STMT(BPF_RET | BPF_K, RET_EPERM));
	EMIT(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	size_t deny = n;
	EMIT(BPF_STMT(BPF_RET | BPF_K, RET_EPERM));
#undef EMIT
	for (size_t k = 0; k < n_deny; k++) {
		struct sock_filter *f = &prog[to_deny[k]];
		if (BPF_OP(f->code) == BPF_JEQ)
			f->jt = (unsigned char)(deny - to_deny[k] - 1);
		else
			f[1].jf = (unsigned char)(deny - to_deny[k] - 2);
	}
	struct sock_fprog fprog = { .len = (unsigned short)n, .filter = prog };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0)
			return sr_fail(err, errno, "install the default seccomp filter");
	}
	return 0;
}
