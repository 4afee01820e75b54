/*
 * The default seccomp filter (classic BPF via seccomp(2)): an allow list, Docker's default profile
 * (the table seccomp.tbl, turned into rules[] at build time); every other syscall fails with EPERM. The table and the container's bounding set
 * decide one action per syscall number; runs of equal actions become intervals, and the filter is a
 * balanced binary search over the interval starts (about 8 comparisons per syscall, 2 instructions per
 * interval) ending in a return, or a jump to a small block that checks an argument (clone's namespace
 * flags, personality, socket's family). The kernel reads those arguments as 32-bit values, so only the
 * low 32 bits of args[0] are compared.
 * Any architecture other than x86_64 (i386 via int 0x80, x32 syscall numbers) is killed: its numbers differ.
 */
#include "seccomp.h"

#include <asm/unistd_64.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>

#ifndef __x86_64__
#error "the default seccomp filter is written for x86_64"
#endif

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* What a syscall of the table gets; anything not listed fails with EPERM. */
typedef enum {
	SR_SC_ALLOW = 1,
	SR_SC_CLONE,       /* allowed without namespace flags (CLONE_NEW*), else EPERM */
	SR_SC_ENOSYS,      /* clone3: libcs fall back to clone, whose flags (unlike clone3's) BPF can read */
	SR_SC_PERSONALITY, /* allowed for Docker's five personas only, else EPERM */
	SR_SC_SOCKET,      /* allowed except for AF_ALG and AF_VSOCK, which get EPERM */
} sr_sc_action;

/* One row of seccomp.tbl: syscall nr gets action, with a condition on a capability of the bounding set. */
typedef struct sr_syscall_rule {
	unsigned short nr;
	unsigned char action; /* sr_sc_action */
	signed char cap;      /* CAP_* the row needs, -1 for none */
	unsigned char unless; /* the row applies when cap is absent instead */
} sr_syscall_rule;

static const sr_syscall_rule rules[] = {
#include "seccomp-rules.inc"
};

/* Above every number in the table; everything from here up fails with EPERM. */
#define MAX_NR 512
#define ACT_EPERM 0
#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)
#define RET_EPERM (SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA))
#define RET_ENOSYS (SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA))
#define ARG0_LOW offsetof(struct seccomp_data, args[0]) /* little endian: the low half comes first */
#define AF_ALG_ 38
#define AF_VSOCK_ 40

/* Docker's personas: PER_LINUX, UNAME26, ADDR_NO_RANDOMIZE-free PER_LINUX32 variants, and the query. */
static const unsigned personas[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };

/* One action per syscall number from the table's rows that apply to this bounding set; ALLOW wins. */
static void decide(const sr_caps *caps, unsigned char act[MAX_NR])
{
	memset(act, ACT_EPERM, MAX_NR);
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const sr_syscall_rule *r = &rules[i];
		if (r->cap >= 0 && (int)((caps->bounding >> r->cap) & 1) == (int)r->unless)
			continue;
		if (r->nr < MAX_NR && act[r->nr] != SR_SC_ALLOW)
			act[r->nr] = r->action;
	}
}

typedef struct filter {
	struct sock_filter prog[2 * MAX_NR + 64];
	size_t n;
	size_t block_jumps[MAX_NR]; /* "ja" leaves to patch with their block's position */
	unsigned char block_of[MAX_NR];
	size_t n_block_jumps;
} filter;

#define EMIT(f, s) ((f)->prog[(f)->n++] = (struct sock_filter)s)

static void emit_leaf(filter *f, unsigned char action)
{
	switch (action) {
	case SR_SC_ALLOW: EMIT(f, BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)); return;
	case SR_SC_ENOSYS: EMIT(f, BPF_STMT(BPF_RET | BPF_K, RET_ENOSYS)); return;
	case ACT_EPERM: EMIT(f, BPF_STMT(BPF_RET | BPF_K, RET_EPERM)); return;
	}
	f->block_of[f->n_block_jumps] = action;
	f->block_jumps[f->n_block_jumps++] = f->n;
	EMIT(f, BPF_STMT(BPF_JMP | BPF_JA, 0));
}

/*
 * Intervals lo..hi (start[i] is the first number of interval i, act[i] its action): "nr >= start[mid]"
 * picks the half. The true branch skips the left half, which must stay within a jump's 255.
 */
static int emit_tree(filter *f, const unsigned *start, const unsigned char *act, size_t lo, size_t hi, sr_err *err)
{
	if (lo == hi) {
		emit_leaf(f, act[lo]);
		return 0;
	}
	size_t mid = lo + (hi - lo + 1) / 2, at = f->n;
	EMIT(f, BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, start[mid], 0, 0));
	if (emit_tree(f, start, act, lo, mid - 1, err) < 0)
		return -1;
	if (f->n - at - 1 > 255)
		return sr_fail(err, 0, "seccomp filter: a branch of %zu instructions is too long for a jump", f->n - at - 1);
	f->prog[at].jt = (unsigned char)(f->n - at - 1);
	return emit_tree(f, start, act, mid, hi, err);
}

/* The argument checks the tree's "ja" leaves jump to; returns where each block starts. */
static void emit_blocks(filter *f, size_t block_at[SR_SC_SOCKET + 1])
{
	block_at[SR_SC_CLONE] = f->n;
	EMIT(f, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW));
	EMIT(f, BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NS_FLAGS, 0, 1));
	EMIT(f, BPF_STMT(BPF_RET | BPF_K, RET_EPERM));
	EMIT(f, BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));

	enum { N_PERSONAS = sizeof(personas) / sizeof(personas[0]) };
	block_at[SR_SC_PERSONALITY] = f->n;
	EMIT(f, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW));
	for (size_t i = 0; i < N_PERSONAS; i++) /* a match jumps over the other tests and the EPERM */
		EMIT(f, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, personas[i], (unsigned char)(N_PERSONAS - i), 0));
	EMIT(f, BPF_STMT(BPF_RET | BPF_K, RET_EPERM));
	EMIT(f, BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));

	block_at[SR_SC_SOCKET] = f->n;
	EMIT(f, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW));
	EMIT(f, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_ALG_, 1, 0));
	EMIT(f, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_VSOCK_, 0, 1));
	EMIT(f, BPF_STMT(BPF_RET | BPF_K, RET_EPERM));
	EMIT(f, BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

/* The whole program for this bounding set into f. */
static int build(const sr_caps *caps, filter *f, sr_err *err)
{
	unsigned char act[MAX_NR], iv_act[MAX_NR];
	unsigned iv_start[MAX_NR];
	size_t n_iv = 0;
	decide(caps, act);
	for (unsigned nr = 0; nr < MAX_NR; nr++) {
		if (n_iv == 0 || act[nr] != iv_act[n_iv - 1]) {
			iv_start[n_iv] = nr;
			iv_act[n_iv++] = act[nr];
		}
	}
	f->n = f->n_block_jumps = 0;
	/* Architecture check; anything but x86_64 is killed. */
	EMIT(f, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
	EMIT(f, BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0));
	EMIT(f, BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	EMIT(f, BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
	/* x32 numbers (bit 30 set) are a different ABI: kill. */
	EMIT(f, BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
	EMIT(f, BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	if (emit_tree(f, iv_start, iv_act, 0, n_iv - 1, err) < 0)
		return -1;
	size_t block_at[SR_SC_SOCKET + 1];
	emit_blocks(f, block_at);
	for (size_t i = 0; i < f->n_block_jumps; i++)
		f->prog[f->block_jumps[i]].k = (unsigned)(block_at[f->block_of[i]] - f->block_jumps[i] - 1);
	return 0;
}

int sr_seccomp_install_default(const sr_caps *caps, sr_err *err)
{
	static filter f;
	if (build(caps, &f, err) < 0)
		return -1;
	struct sock_fprog fprog = { .len = (unsigned short)f.n, .filter = f.prog };
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0)
			return sr_fail(err, errno, "install the default seccomp filter");
	}
	return 0;
}
