/**
 * Booby-trapped images for the runtime attacks (issue [10]), built per run from Debian's busybox-static
 * and two tiny C programs, so every run has its own marker path on the host.
 *
 * - `attack/probe:1`: its top layer holds `evil/` — scripts named like the host helpers swarmd runs
 *   (`nsenter`, `swarm-runtime`, `ip`, `iptables`, `mount`, `sh`, …) and an `LD_PRELOAD` library — each of
 *   which, when run **on the host**, writes the marker file. The image's `ENV PATH` starts with that
 *   directory *as it sits on each host* (`<data dir>/images/layers/<diff id>/evil`) and `LD_PRELOAD`
 *   names the library there: the exact trick that ran code as host root through a health probe. Its
 *   health check copies its own `/proc/self/status` lines; its command prints them beside the main
 *   process's, so the probe's sandbox can be compared with the container's.
 * - `attack/rtcheck:1`: runs one check from `$CHECK` in the container and prints the result, then waits:
 *   `io_uring` (io_uring_setup), `mknod` (mknod of the block device `$DEV` = major:minor, then open+read).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digestHex, digestOf } from "../../src/image/digest.js";
import { buildOciArchive, TEST_IMAGE_EPOCH } from "../../src/image/testing/archives.js";
import { tarDirectory } from "../../src/image/tar/directory.js";
import { encodeTar, type TarWriteEntry } from "../../src/image/tar/writer.js";
import { buildBusyboxRootfs } from "../../src/lib/testing/busybox-rootfs.js";

/** Names a host helper could be looked up by, if swarmd ever spawned one with the image's PATH. */
const TRAPPED_COMMANDS = ["nsenter", "swarm-runtime", "ip", "iptables", "ip6tables", "nft", "mount", "umount", "sh", "env", "bridge", "sysctl", "mknod", "cat", "grep", "wget", "unshare", "setpriv", "chroot", "modprobe"];

const PRELOAD_C = (marker: string): string => `
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void pwn(void) {
  int fd = open(${JSON.stringify(marker)}, O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) { write(fd, "LD_PRELOAD ran on the host\\n", 27); close(fd); }
}
`;

const RTCHECK_C = `
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
int main(void) {
  const char *check = getenv("CHECK");
  if (check != NULL && strcmp(check, "io_uring") == 0) {
    unsigned char params[120];
    memset(params, 0, sizeof params);
    long r = syscall(425, 4, params);
    printf("rtcheck io_uring_setup: %s\\n", r < 0 ? strerror(errno) : "allowed");
  } else if (check != NULL && strcmp(check, "mknod") == 0) {
    unsigned maj = 0, min = 0;
    const char *dev = getenv("DEV");
    if (dev == NULL || sscanf(dev, "%u:%u", &maj, &min) != 2) { printf("rtcheck mknod: bad DEV\\n"); fflush(stdout); for (;;) pause(); }
    int r = mknod("/tmp/disk", S_IFBLK | 0600, makedev(maj, min));
    printf("rtcheck mknod b %u:%u: %s\\n", maj, min, r < 0 ? strerror(errno) : "created");
    int fd = open(r == 0 ? "/tmp/disk" : "/dev/null", O_RDONLY);
    if (r == 0 && fd < 0) printf("rtcheck open: %s\\n", strerror(errno));
    if (r == 0 && fd >= 0) {
      char buf[512];
      ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0) printf("rtcheck read: %s\\n", strerror(errno)); else printf("rtcheck read: %zd bytes of the host disk\\n", n);
    }
  } else {
    printf("rtcheck: unknown CHECK\\n");
  }
  fflush(stdout);
  for (;;) pause();
}
`;

const SECOND_NS = 1_000_000_000;
const PATH_TAIL = "/usr/sbin:/usr/bin:/sbin:/bin";
const STATUS_LINES = "grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | tr '\\n' ' '";

/** The built archives and what the attacks check against. */
export interface AttackImages {
  /** OCI archive holding `attack/probe:1` and `attack/rtcheck:1`. */
  readonly archive: string;
  /** The file that appears on the host if any trapped command or the preload library ever runs there. */
  readonly marker: string;
  /** Where the trap directory lands on each host once the layer is unpacked (checked, so the trap is real). */
  readonly trapDirs: readonly string[];
  readonly dir: string;
}

function cc(args: readonly string[]): void {
  try {
    execFileSync("cc", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`attack images: cc ${args.join(" ")} failed: ${e.stderr?.toString().trim() ?? e.message}`, { cause: err });
  }
}

function layer(entries: readonly { path: string; data: Buffer; mode: number }[]): Buffer {
  const dirs = new Set<string>();
  const out: TarWriteEntry[] = [];
  for (const e of entries) {
    const parts = e.path.split("/");
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join("/");
      if (!dirs.has(d)) out.push({ path: d, type: "directory", mode: 0o755, mtime: TEST_IMAGE_EPOCH });
      dirs.add(d);
    }
    out.push({ path: e.path, type: "file", mode: e.mode, mtime: TEST_IMAGE_EPOCH, data: e.data });
  }
  return encodeTar(out);
}

/**
 * Builds both images into a temp dir. `dataDirs` are the hosts' swarmd data dirs: the trap's PATH and
 * LD_PRELOAD name the layer directory under each of them (the diff id is known before the config is).
 */
export function buildAttackImages(dataDirs: readonly string[]): AttackImages {
  const dir = mkdtempSync(join(tmpdir(), "swarm-attack-images-"));
  const marker = join(dir, "PWNED-on-host");
  const work = join(dir, "work");
  buildBusyboxRootfs(join(work, "rootfs"));
  const base = tarDirectory(join(work, "rootfs"), { mtime: TEST_IMAGE_EPOCH, owner: { uid: 0, gid: 0 } });

  writeFileSync(join(work, "preload.c"), PRELOAD_C(marker));
  cc(["-shared", "-fPIC", "-O1", "-o", join(work, "libevil.so"), join(work, "preload.c")]);
  writeFileSync(join(work, "rtcheck.c"), RTCHECK_C);
  cc(["-static", "-Os", "-s", "-o", join(work, "rtcheck"), join(work, "rtcheck.c")]);

  const script = Buffer.from(`#!/bin/sh\necho "$0 ran on the host" >> ${marker}\n`);
  const trap = layer([
    ...TRAPPED_COMMANDS.map((c) => ({ path: `evil/${c}`, data: script, mode: 0o755 })),
    { path: "evil/libevil.so", data: readFileSync(join(work, "libevil.so")), mode: 0o755 },
  ]);
  const trapDirs = dataDirs.map((d) => join(d, "images", "layers", digestHex(digestOf(trap)), "evil"));
  const probe = {
    name: "attack/probe:1",
    layers: [base, trap],
    config: {
      env: [`PATH=${[...trapDirs, PATH_TAIL].join(":")}`, `LD_PRELOAD=${trapDirs.map((d) => join(d, "libevil.so")).join(" ")}`],
      cmd: ["/bin/sh", "-c", `until [ -s /tmp/probe-status ]; do sleep 0.2; done; echo "probe: $(cat /tmp/probe-status)"; echo "main: $(${STATUS_LINES})"; exec sleep 100000`],
      healthcheck: { test: ["CMD-SHELL", `${STATUS_LINES} > /tmp/probe-status`], intervalNs: 1 * SECOND_NS, timeoutNs: 2 * SECOND_NS, startPeriodNs: 0, retries: 3 },
    },
  };
  const rtcheck = {
    name: "attack/rtcheck:1",
    layers: [base, layer([{ path: "bin/rtcheck", data: readFileSync(join(work, "rtcheck")), mode: 0o755 }])],
    config: { env: [`PATH=${PATH_TAIL}`], cmd: ["/bin/rtcheck"] },
  };
  const archive = join(dir, "attack-images.tar");
  writeFileSync(archive, buildOciArchive([probe, rtcheck]));
  rmSync(work, { recursive: true, force: true });
  return { archive, marker, trapDirs, dir };
}
