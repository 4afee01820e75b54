/**
 * The environment of the host helpers swarmd runs (`ip`, `mount`, `iptables`, `swarm-runtime …`): a fixed
 * PATH of system directories and a C locale, plus only swarmd's own `SWARM_*` settings. Nothing of a
 * task's or image's environment, and none of the operator's shell (LD_PRELOAD, a PATH with writable
 * directories…), reaches a process that runs as root on the host.
 */

/** System directories only, in Debian's root order. */
export const HOST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** The environment for a host helper process. */
export function hostEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: HOST_PATH, LC_ALL: "C" };
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith("SWARM_") && v !== undefined) env[k] = v;
  return env;
}
