/**
 * Builds a minimal root filesystem from Debian's `busybox-static` (`/bin/busybox`): one static binary
 * plus a symlink per applet, /etc/passwd and /etc/group, and empty mount points. Shared by the
 * runtime tests, the image tests and `scripts/build-test-images`, so every layer tests the same bits.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where Debian's busybox-static installs the binary. */
export const BUSYBOX_PATH = "/bin/busybox";

/** Throws a clear error when busybox-static is missing (tests must fail, saying what is missing). */
export function requireBusybox(): string {
  if (!existsSync(BUSYBOX_PATH)) {
    throw new Error(`${BUSYBOX_PATH} not found: install Debian's busybox-static (apt-get install -y busybox-static)`);
  }
  if (hasElfInterpreter(readFileSync(BUSYBOX_PATH))) {
    throw new Error(`${BUSYBOX_PATH} is dynamically linked: install busybox-static, not busybox`);
  }
  return BUSYBOX_PATH;
}

/** True when a 64-bit ELF image has a PT_INTERP program header (i.e. needs a dynamic loader). */
function hasElfInterpreter(elf: Buffer): boolean {
  if (elf.length < 64 || elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2) return false;
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const phentsize = elf.readUInt16LE(0x36);
  const phnum = elf.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + 4 <= elf.length && elf.readUInt32LE(at) === 3) return true;
  }
  return false;
}

/** Applets every busybox rootfs gets as /bin symlinks (all that the binary lists). */
export function busyboxApplets(): string[] {
  return execFileSync(requireBusybox(), ["--list"], { encoding: "utf8" })
    .split("\n")
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !s.includes("/"));
}

/** Options for {@link buildBusyboxRootfs}. */
export interface BusyboxRootfsOptions {
  /** Extra files to write, path (relative to the rootfs) → contents. */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * Creates a busybox rootfs in `dir` (which must not exist or be empty).
 * Layout: /bin/busybox + applet symlinks, /etc/{passwd,group,hostname}, /proc /sys /dev /tmp /root /www.
 */
export function buildBusyboxRootfs(dir: string, options: BusyboxRootfsOptions = {}): void {
  const busybox = requireBusybox();
  for (const d of ["bin", "sbin", "etc", "proc", "sys", "dev", "tmp", "root", "www", "usr/bin", "var"]) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  chmodSync(join(dir, "tmp"), 0o1777);
  copyFileSync(busybox, join(dir, "bin/busybox"));
  chmodSync(join(dir, "bin/busybox"), 0o755);
  for (const applet of busyboxApplets()) {
    if (applet === "busybox") continue;
    const link = join(dir, "bin", applet);
    if (!existsSync(link)) symlinkSync("busybox", link);
  }
  writeFileSync(join(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
  writeFileSync(join(dir, "etc/group"), "root:x:0:\nnogroup:x:65534:\n");
  for (const [path, text] of Object.entries(options.files ?? {})) {
    const target = join(dir, path);
    mkdirSync(join(target, ".."), { recursive: true });
    writeFileSync(target, text);
  }
}
