/* The OCI runtime-spec subset swarm-runtime understands, parsed from a bundle's config.json. */
#ifndef SR_SPEC_H
#define SR_SPEC_H

#include <stdint.h>
#include <sys/types.h>

#include "util.h"

typedef struct sr_mount {
	char *destination;
	char *type;
	char *source;
	unsigned long flags;       /* MS_* from options */
	unsigned long propagation; /* MS_PRIVATE/MS_SLAVE/... from options (0 = none) */
	int bind;                  /* "bind" or "rbind" */
	int ro_remount;            /* bind + ro needs a remount */
	char *data;                /* the options that are not flags (comma separated) */
} sr_mount;

typedef struct sr_rlimit {
	int resource;
	uint64_t soft, hard;
} sr_rlimit;

typedef struct sr_namespace {
	int flag;   /* CLONE_NEW* */
	char *path; /* join this namespace (NULL = create a new one) */
} sr_namespace;

/* Capability sets as bit masks (bit n = capability n). */
/* Access bits of a device rule ("m", "r", "w"), the values the kernel's device eBPF context uses. */
#define SR_DEV_MKNOD 1u
#define SR_DEV_READ 2u
#define SR_DEV_WRITE 4u
#define SR_DEV_ALL (SR_DEV_MKNOD | SR_DEV_READ | SR_DEV_WRITE)

/* A linux.resources.devices rule: allow or deny access to devices of a type ('a' all, 'b', 'c'). */
typedef struct sr_device_rule {
	int allow;
	char type;
	int64_t major, minor; /* -1 = any */
	unsigned access;      /* SR_DEV_* bits */
} sr_device_rule;

typedef struct sr_caps {
	int present;
	uint64_t bounding, effective, permitted, inheritable, ambient;
} sr_caps;

typedef struct sr_spec {
	char *bundle;  /* absolute bundle dir */
	char *rootfs;  /* absolute rootfs path */
	int root_readonly;

	int terminal;
	char **args;
	char **env;
	char *cwd;
	uid_t uid;
	gid_t gid;
	gid_t *additional_gids;
	size_t n_additional_gids;
	int no_new_privileges;
	sr_caps caps;
	sr_rlimit *rlimits;
	size_t n_rlimits;

	char *hostname;
	sr_mount *mounts;
	size_t n_mounts;

	sr_namespace *namespaces;
	size_t n_namespaces;
	int clone_flags; /* CLONE_NEW* to create */

	char *cgroups_path; /* NULL = default */
	int64_t memory_limit;   /* -1 = unset */
	int64_t memory_swap;    /* -1 = unset */
	int64_t cpu_quota;      /* -1 = unset */
	uint64_t cpu_period;    /* 0 = unset */
	uint64_t cpu_shares;    /* 0 = unset */
	int64_t pids_limit;     /* 0 = unset; -1 = unlimited */
	int has_devices;        /* linux.resources.devices present: rules below, then the default nodes */
	sr_device_rule *device_rules;
	size_t n_device_rules;

	char **masked_paths;
	size_t n_masked_paths;
	char **readonly_paths;
	size_t n_readonly_paths;
	unsigned long rootfs_propagation; /* MS_PRIVATE by default */

	int seccomp_disabled; /* annotation "org.swarm.seccomp": "unconfined" */
	int init_disabled;    /* annotation "org.swarm.init": "false" */
} sr_spec;

/* Loads DIR/config.json; errors name the field and value ("process.args: must be a non-empty array"). */
int sr_spec_load(const char *bundle, sr_spec *spec, sr_err *err);

/* Docker's 14 default capabilities as a mask. */
uint64_t sr_caps_docker_default(void);
/* Capability number for "CAP_CHOWN" (or "CHOWN"); -1 if unknown. */
int sr_cap_from_name(const char *name);

#endif
