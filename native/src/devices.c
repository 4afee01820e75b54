/*
 * Device access. The rules are the spec's linux.resources.devices in order, then the nodes every
 * container gets (as runc adds them): null, zero, full, random, urandom, tty, console, ptmx, the pty
 * slaves (136:*) and tun (10:200). Unlike runc (and so Docker), no "mknod any char/block device" rule:
 * a container may create only the nodes it may also open.
 *
 * cgroup v1 takes the rules as lines in devices.allow/devices.deny. cgroup2 has no devices file: a
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to the container's directory decides each mknod/open.
 * The program is assembled here (no libbpf): it tests the rules from the last to the first and returns
 * the first match's verdict (so the last matching rule wins, as writing them in order does on v1); no
 * match denies. Context: access_type = (access << 16) | type, then major, minor (u32 each).
 */
#include "devices.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>

static const sr_device_rule default_rules[] = {
	{ 1, 'c', 1, 3, SR_DEV_ALL },	{ 1, 'c', 1, 5, SR_DEV_ALL },  { 1, 'c', 1, 7, SR_DEV_ALL },
	{ 1, 'c', 1, 8, SR_DEV_ALL },	{ 1, 'c', 1, 9, SR_DEV_ALL },  { 1, 'c', 5, 0, SR_DEV_ALL },
	{ 1, 'c', 5, 1, SR_DEV_ALL },	{ 1, 'c', 5, 2, SR_DEV_ALL },  { 1, 'c', 136, -1, SR_DEV_ALL },
	{ 1, 'c', 10, 200, SR_DEV_ALL },
};
#define N_DEFAULT (sizeof(default_rules) / sizeof(default_rules[0]))

/* The i-th rule of the spec's rules followed by the defaults. */
static const sr_device_rule *rule_at(const sr_spec *spec, size_t i)
{
	return i < spec->n_device_rules ? &spec->device_rules[i] : &default_rules[i - spec->n_device_rules];
}

static const char *filter_choice(void)
{
	const char *v = getenv("SWARM_RUNTIME_DEVICE_FILTER");
	return v ? v : "";
}

int sr_devices_use_v1(void)
{
	return strcmp(filter_choice(), "ebpf") != 0;
}

int sr_devices_use_ebpf(void)
{
	return strcmp(filter_choice(), "v1") != 0;
}

/* "a", or "c 1:3 rwm" with '*' for any major/minor. */
static void v1_line(const sr_device_rule *r, char *buf, size_t len)
{
	if (r->type == 'a') {
		snprintf(buf, len, "a");
		return;
	}
	char maj[24] = "*", min[24] = "*", acc[4];
	size_t n = 0;
	if (r->major >= 0)
		snprintf(maj, sizeof(maj), "%lld", (long long)r->major);
	if (r->minor >= 0)
		snprintf(min, sizeof(min), "%lld", (long long)r->minor);
	if (r->access & SR_DEV_READ)
		acc[n++] = 'r';
	if (r->access & SR_DEV_WRITE)
		acc[n++] = 'w';
	if (r->access & SR_DEV_MKNOD)
		acc[n++] = 'm';
	acc[n] = '\0';
	snprintf(buf, len, "%c %s:%s %s", r->type, maj, min, acc);
}

int sr_devices_write_v1(const char *dir, const sr_spec *spec, sr_err *err)
{
	for (size_t i = 0; i < spec->n_device_rules + N_DEFAULT; i++) {
		const sr_device_rule *r = rule_at(spec, i);
		char line[64], path[4096];
		v1_line(r, line, sizeof(line));
		snprintf(path, sizeof(path), "%s/%s", dir, r->allow ? "devices.allow" : "devices.deny");
		if (sr_write_file(path, line, 0, err) < 0) {
			if (i < spec->n_device_rules)
				return sr_wrap(err, "linux.resources.devices[%zu]", i);
			return sr_wrap(err, "linux.resources.devices (default nodes)");
		}
	}
	return 0;
}

/* ---- the eBPF program ---- */

enum { R_RET = 0, R_CTX = 1, R_ACCTYPE = 2, R_TYPE = 3, R_ACCESS = 4, R_MAJOR = 5, R_MINOR = 6, R_TMP = 7 };

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(dst, src, o) INSN(BPF_LDX | BPF_MEM | BPF_W, dst, src, o, 0)
#define MOV_REG(dst, src) INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define MOV_IMM(dst, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, i)
#define AND_IMM(dst, i) INSN(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, i)
#define RSH_IMM(dst, i) INSN(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, i)
#define JNE_IMM(dst, i) INSN(BPF_JMP | BPF_JNE | BPF_K, dst, 0, 0, i) /* offset patched later */
#define JEQ_IMM(dst, i) INSN(BPF_JMP | BPF_JEQ | BPF_K, dst, 0, 0, i)
#define EXIT() INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* At most this many instructions per rule (type, 3 for access, major, minor, verdict + exit). */
#define RULE_MAX_INSNS 8

/*
 * One rule: every test that fails jumps past the verdict to the next (earlier) rule. *always is set
 * for a rule without tests (such as "a"): nothing after it could run, which the verifier refuses.
 */
static size_t emit_rule(struct bpf_insn *p, size_t n, const sr_device_rule *r, int *always)
{
	size_t jumps[4], nj = 0;
	if (r->type != 'a') {
		jumps[nj++] = n;
		p[n++] = JNE_IMM(R_TYPE, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	}
	if (r->access != SR_DEV_ALL) {
		/* allow: the request asks for nothing outside the rule's access; deny: for anything inside it. */
		p[n++] = MOV_REG(R_TMP, R_ACCESS);
		p[n++] = AND_IMM(R_TMP, (int32_t)(r->allow ? (~r->access & SR_DEV_ALL) : r->access));
		jumps[nj++] = n;
		p[n++] = r->allow ? JNE_IMM(R_TMP, 0) : JEQ_IMM(R_TMP, 0);
	}
	if (r->major >= 0) {
		jumps[nj++] = n;
		p[n++] = JNE_IMM(R_MAJOR, (int32_t)r->major);
	}
	if (r->minor >= 0) {
		jumps[nj++] = n;
		p[n++] = JNE_IMM(R_MINOR, (int32_t)r->minor);
	}
	p[n++] = MOV_IMM(R_RET, r->allow ? 1 : 0);
	p[n++] = EXIT();
	for (size_t k = 0; k < nj; k++)
		p[jumps[k]].off = (int16_t)(n - jumps[k] - 1);
	*always = nj == 0;
	return n;
}

/* The whole program into p (room for 7 + 8 per rule + 2); returns its length. */
static size_t assemble(const sr_spec *spec, struct bpf_insn *p)
{
	size_t n = 0;
	p[n++] = LDX_W(R_ACCTYPE, R_CTX, 0);
	p[n++] = MOV_REG(R_TYPE, R_ACCTYPE);
	p[n++] = AND_IMM(R_TYPE, 0xffff);
	p[n++] = MOV_REG(R_ACCESS, R_ACCTYPE);
	p[n++] = RSH_IMM(R_ACCESS, 16);
	p[n++] = LDX_W(R_MAJOR, R_CTX, 4);
	p[n++] = LDX_W(R_MINOR, R_CTX, 8);
	int always = 0;
	for (size_t i = spec->n_device_rules + N_DEFAULT; i-- > 0 && !always;)
		n = emit_rule(p, n, rule_at(spec, i), &always);
	if (!always) {
		p[n++] = MOV_IMM(R_RET, 0);
		p[n++] = EXIT();
	}
	return n;
}

static int bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

/* Loads the program; on a refusal, loads it again with the verifier's log for the error message. */
static int load_program(const struct bpf_insn *prog, size_t n, sr_err *err)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = (uint32_t)n;
	attr.license = (uint64_t)(uintptr_t) "GPL";
	snprintf(attr.prog_name, sizeof(attr.prog_name), "swarm_devices");
	int fd = TEMP_FAILURE_RETRY(bpf(BPF_PROG_LOAD, &attr));
	if (fd >= 0)
		return fd;
	int e = errno;
	static char log[4096];
	attr.log_buf = (uint64_t)(uintptr_t)log;
	attr.log_size = sizeof(log);
	attr.log_level = 1;
	log[0] = '\0';
	fd = bpf(BPF_PROG_LOAD, &attr);
	if (fd >= 0)
		close(fd);
	return sr_fail(err, e, "load the eBPF device program (%zu instructions)%s%s", n, log[0] ? ": " : "", log);
}

int sr_devices_attach_ebpf(const char *dir, const sr_spec *spec, sr_err *err)
{
	size_t cap = 9 + RULE_MAX_INSNS * (spec->n_device_rules + N_DEFAULT);
	cleanup_free struct bpf_insn *prog = sr_xcalloc(cap, sizeof(*prog));
	size_t n = assemble(spec, prog);
	cleanup_close int progfd = load_program(prog, n, err);
	if (progfd < 0)
		return sr_wrap(err, "linux.resources.devices");
	cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return sr_fail(err, errno, "linux.resources.devices: open cgroup %s", dir);
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.target_fd = (uint32_t)dirfd;
	attr.attach_bpf_fd = (uint32_t)progfd;
	attr.attach_type = BPF_CGROUP_DEVICE;
	attr.attach_flags = BPF_F_ALLOW_MULTI;
	if (bpf(BPF_PROG_ATTACH, &attr) < 0)
		return sr_fail(err, errno, "linux.resources.devices: attach the eBPF device program to %s", dir);
	return 0;
}
