/* Joining existing namespaces by path (net, ipc, uts); new ones are created by clone() in container.c. */
#include "ns.h"

#include <fcntl.h>
#include <sched.h>

const char *sr_ns_name(int flag)
{
	switch (flag) {
	case CLONE_NEWPID: return "pid";
	case CLONE_NEWNET: return "network";
	case CLONE_NEWNS: return "mount";
	case CLONE_NEWIPC: return "ipc";
	case CLONE_NEWUTS: return "uts";
	case CLONE_NEWCGROUP: return "cgroup";
	}
	return "?";
}

int sr_ns_open_paths(const sr_spec *spec, int *fds, sr_err *err)
{
	for (size_t i = 0; i < spec->n_namespaces; i++) {
		fds[i] = -1;
		if (!spec->namespaces[i].path)
			continue;
		fds[i] = open(spec->namespaces[i].path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return sr_fail(err, errno, "linux.namespaces[%zu].path: open %s namespace \"%s\"", i,
				       sr_ns_name(spec->namespaces[i].flag), spec->namespaces[i].path);
	}
	return 0;
}

int sr_ns_join(const sr_spec *spec, const int *fds, sr_err *err)
{
	for (size_t i = 0; i < spec->n_namespaces; i++) {
		if (fds[i] < 0)
			continue;
		if (setns(fds[i], spec->namespaces[i].flag) < 0)
			return sr_fail(err, errno, "linux.namespaces[%zu].path: join %s namespace \"%s\"", i,
				       sr_ns_name(spec->namespaces[i].flag), spec->namespaces[i].path);
		close(fds[i]);
	}
	return 0;
}
