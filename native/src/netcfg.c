/*
 * `swarm-runtime net-config`: configures the inside of many task network namespaces in one process.
 *
 * stdin, one task per line:   NETNS_PATH IFNAME ADDRESS/PREFIX GATEWAY
 * For each line: join the namespace (setns), bring `lo` up, give IFNAME the IPv4 address and netmask,
 * bring it up, add the default route via GATEWAY; then back to the caller's namespace. The interface
 * itself (a veth end moved into the namespace) is made beforehand by the caller.
 * stdout, one line per input line, in order:   ok NETNS_PATH   |   err NETNS_PATH <what failed>
 * Exit status 0 when every line succeeded, 1 when one failed (the others are still done), 2 on bad input.
 *
 * The daemon used to run one `ip -n NAME -batch` per task for this (a process spawn each); a burst of
 * task starts now shares one of these. Plain ioctls on a socket opened inside the namespace (the socket
 * belongs to the namespace it was made in): SIOCSIFFLAGS, SIOCSIFADDR, SIOCSIFNETMASK, SIOCADDRT.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "netcfg.h"

static int set_up(int sock, const char *ifname, sr_err *err)
{
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
		return sr_fail(err, errno, "%s: get flags", ifname);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
		return sr_fail(err, errno, "%s: set up", ifname);
	return 0;
}

static void set_sin(struct sockaddr *sa, struct in_addr a)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr = a };
	memcpy(sa, &sin, sizeof sin);
}

static int set_addr(int sock, const char *ifname, struct in_addr addr, int prefix, sr_err *err)
{
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
	set_sin(&ifr.ifr_addr, addr);
	if (ioctl(sock, SIOCSIFADDR, &ifr) < 0)
		return sr_fail(err, errno, "%s: set address", ifname);
	struct in_addr mask = { .s_addr = prefix == 0 ? 0 : htonl(~0u << (32 - prefix)) };
	set_sin(&ifr.ifr_netmask, mask);
	if (ioctl(sock, SIOCSIFNETMASK, &ifr) < 0)
		return sr_fail(err, errno, "%s: set netmask /%d", ifname, prefix);
	return 0;
}

static int add_default_route(int sock, const char *ifname, struct in_addr gw, sr_err *err)
{
	struct rtentry rt = { 0 };
	struct in_addr any = { .s_addr = 0 };
	set_sin(&rt.rt_dst, any);
	set_sin(&rt.rt_genmask, any);
	set_sin(&rt.rt_gateway, gw);
	rt.rt_flags = RTF_UP | RTF_GATEWAY;
	rt.rt_dev = (char *)ifname;
	if (ioctl(sock, SIOCADDRT, &rt) < 0)
		return sr_fail(err, errno, "%s: add default route via %s", ifname, inet_ntoa(gw));
	return 0;
}

/* Configures one namespace; the caller returns to its own namespace afterwards. */
static int config_one(const char *path, const char *ifname, struct in_addr addr, int prefix, struct in_addr gw, sr_err *err)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sr_fail(err, errno, "open %s", path);
	if (setns(fd, CLONE_NEWNET) < 0)
		return sr_fail(err, errno, "setns %s", path);
	cleanup_close int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return sr_fail(err, errno, "socket in %s", path);
	if (set_up(sock, "lo", err) < 0 || set_addr(sock, ifname, addr, prefix, err) < 0 || set_up(sock, ifname, err) < 0 ||
	    add_default_route(sock, ifname, gw, err) < 0)
		return -1;
	return 0;
}

/* Parses "NETNS_PATH IFNAME A.B.C.D/P GATEWAY" in place; returns -1 on malformed input. */
static int parse_line(char *line, char **path, char **ifname, struct in_addr *addr, int *prefix, struct in_addr *gw, sr_err *err)
{
	char *save = NULL;
	*path = strtok_r(line, " \t", &save);
	*ifname = strtok_r(NULL, " \t", &save);
	char *cidr = strtok_r(NULL, " \t", &save);
	char *gateway = strtok_r(NULL, " \t", &save);
	if (!*path || !*ifname || !cidr || !gateway || strtok_r(NULL, " \t", &save))
		return sr_fail(err, 0, "want NETNS_PATH IFNAME ADDRESS/PREFIX GATEWAY");
	if (strlen(*ifname) >= IFNAMSIZ)
		return sr_fail(err, 0, "interface name \"%s\" is too long", *ifname);
	char *slash = strchr(cidr, '/');
	char *end = NULL;
	if (!slash)
		return sr_fail(err, 0, "address \"%s\" has no /PREFIX", cidr);
	*slash = '\0';
	long p = strtol(slash + 1, &end, 10);
	if (end == slash + 1 || *end != '\0' || p < 0 || p > 32)
		return sr_fail(err, 0, "prefix \"%s\" is not 0..32", slash + 1);
	*prefix = (int)p;
	if (inet_pton(AF_INET, cidr, addr) != 1)
		return sr_fail(err, 0, "address \"%s\" is not IPv4", cidr);
	if (inet_pton(AF_INET, gateway, gw) != 1)
		return sr_fail(err, 0, "gateway \"%s\" is not IPv4", gateway);
	return 0;
}

int sr_net_config_main(FILE *in, FILE *out)
{
	cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		fprintf(stderr, "swarm-runtime: net-config: open /proc/self/ns/net: %s\n", strerror(errno));
		return 1;
	}
	int status = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, in)) >= 0) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n == 0)
			continue;
		char *path = NULL, *ifname = NULL;
		struct in_addr addr = { 0 }, gw = { 0 };
		int prefix = 0;
		sr_err err = { 0 };
		if (parse_line(line, &path, &ifname, &addr, &prefix, &gw, &err) < 0) {
			fprintf(out, "err %s %s\n", path ? path : "-", err.msg);
			status = status ? status : 2;
			continue;
		}
		int r = config_one(path, ifname, addr, prefix, gw, &err);
		if (setns(self, CLONE_NEWNET) < 0) {
			/* Cannot go on in a task's namespace: the remaining lines would configure the wrong one. */
			fprintf(out, "err %s back to the caller's namespace: %s\n", path, strerror(errno));
			free(line);
			return 1;
		}
		if (r < 0) {
			fprintf(out, "err %s %s\n", path, err.msg);
			status = 1;
		} else
			fprintf(out, "ok %s\n", path);
	}
	free(line);
	return status;
}
