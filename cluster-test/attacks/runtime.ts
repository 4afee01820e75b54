/**
 * Attacks from inside a container on the host (issue [10], runtime): images built to reach the host
 * through a health probe (PATH / LD_PRELOAD pointing into their own layer on the host), and a container
 * that reads the host disk through a device node or calls io_uring. Each attack deploys a one-replica
 * service, reads what the container printed (`service logs`), and removes the service again, so the
 * cluster's state is the same before and after.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Attack, AttackContext, AttackOutcome } from "../lib/attacks.js";
import { buildAttackImages, type AttackImages } from "../lib/attack-images.js";
import { swarmctlOk } from "../lib/swarmctl.js";

let images: Promise<AttackImages> | undefined;

/** Builds the images once per run and loads them on every live host. */
function prepare(ctx: AttackContext): Promise<AttackImages> {
  images ??= (async () => {
    const live = ctx.c.hosts.map((h) => h.name).filter((h) => h !== ctx.roles.removed);
    const built = buildAttackImages(ctx.c.hosts.map((h) => ctx.c.hostState(h.name).dataDir));
    for (const h of live) await swarmctlOk(ctx.c, h, "image", "load", built.archive);
    rmSync(built.archive); // the marker's directory stays: it is the evidence
    return built;
  })();
  return images;
}

/**
 * Runs `image` as service `name` until its logs match `done`, then removes it. Returns the logs.
 * A run that never prints `done` is reported as such (the attack then counts as not refused: we could
 * not see the target's reaction).
 */
async function runService(ctx: AttackContext, name: string, image: string, env: readonly string[], done: RegExp): Promise<string> {
  const manager = await ctx.leader();
  await swarmctlOk(ctx.c, manager, "service", "create", "--detach", "--name", name, "--replicas", "1", ...env.flatMap((e) => ["--env", e]), image);
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await ctx.c.host(manager).swarmctl("service", "logs", name);
      if (done.test(r.stdout)) return r.stdout;
      if (Date.now() > deadline) return `(no line matching ${done} within 60 s; logs: ${r.stdout.slice(-500)} ${r.stderr.slice(-300)})`;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await swarmctlOk(ctx.c, manager, "service", "rm", name);
  }
}

let probeRun: Promise<{ logs: string; marker: string; armed: number }> | undefined;

/** One deployment of `attack/probe:1` serves both probe attacks; probes run every second for ≥ 4 s. */
function probeOnce(ctx: AttackContext): Promise<{ logs: string; marker: string; armed: number }> {
  probeRun ??= (async () => {
    const built = await prepare(ctx);
    const logs = await runService(ctx, "atk-probe", "attack/probe:1", [], /main: /);
    await new Promise((resolve) => setTimeout(resolve, 4_000)); // more probes: each is another chance to run a trap
    // The trap is only proof if it sat where PATH points: count the hosts where the layer was unpacked there.
    const armed = built.trapDirs.filter((d) => existsSync(join(d, "nsenter"))).length;
    return { logs, marker: built.marker, armed };
  })();
  return probeRun;
}

/** `Key: value` pairs of one printed status line (`probe: CapEff: … Seccomp: 2 …`). */
function statusFields(logs: string, prefix: "probe" | "main"): Map<string, string> | undefined {
  const line = logs.split("\n").find((l) => l.includes(`${prefix}: `));
  if (line === undefined) return undefined;
  const text = line.slice(line.indexOf(`${prefix}: `) + prefix.length + 2);
  return new Map([...text.matchAll(/(\w+):\s+(\S+)/g)].map((m) => [m[1] ?? "", m[2] ?? ""]));
}

/** major:minor of a real block device of this machine (the first in /proc/partitions). */
function hostBlockDevice(): string {
  const row = readFileSync("/proc/partitions", "utf8").split("\n").slice(2).map((l) => l.trim().split(/\s+/)).find((f) => f.length === 4);
  if (row === undefined) throw new Error("no block device in /proc/partitions");
  return `${row[0]}:${row[1]}`;
}

async function pathTrap(ctx: AttackContext): Promise<AttackOutcome> {
  const { logs, marker, armed } = await probeOnce(ctx);
  if (!/probe: /.test(logs)) return { refused: false, detail: `the health probe never ran: ${logs}` };
  if (armed === 0) return { refused: false, detail: "the trap layer is not where the image's PATH points on any host: the attack proves nothing" };
  if (existsSync(marker)) return { refused: false, detail: `code from the image ran on the host: ${readFileSync(marker, "utf8").trim()}` };
  return { refused: true, detail: `probes ran in the container; nothing from the image's PATH/LD_PRELOAD ran on the host (${marker} absent; trap armed on ${armed} host(s))` };
}

async function probeSandbox(ctx: AttackContext): Promise<AttackOutcome> {
  const { logs } = await probeOnce(ctx);
  const probe = statusFields(logs, "probe");
  const main = statusFields(logs, "main");
  if (probe === undefined || main === undefined) return { refused: false, detail: `status lines missing: ${logs}` };
  const same = ["CapEff", "CapBnd", "NoNewPrivs", "Seccomp"].every((k) => probe.get(k) === main.get(k));
  const detail = `probe ${[...probe].map(([k, v]) => `${k}=${v}`).join(" ")}; container ${[...main].map(([k, v]) => `${k}=${v}`).join(" ")}`;
  return { refused: same && probe.get("Seccomp") === "2", detail };
}

async function mknodDisk(ctx: AttackContext): Promise<AttackOutcome> {
  await prepare(ctx);
  const dev = hostBlockDevice();
  const logs = await runService(ctx, "atk-mknod", "attack/rtcheck:1", ["CHECK=mknod", `DEV=${dev}`], /rtcheck (mknod b \S+: (?!created)|open|read)/);
  const line = logs.split("\n").filter((l) => l.includes("rtcheck")).join(" | ");
  const readHostDisk = /rtcheck read: \d+ bytes/.test(logs);
  return { refused: !readHostDisk && /Operation not permitted|Permission denied/.test(logs), detail: line || logs };
}

async function ioUring(ctx: AttackContext): Promise<AttackOutcome> {
  await prepare(ctx);
  const logs = await runService(ctx, "atk-uring", "attack/rtcheck:1", ["CHECK=io_uring"], /rtcheck io_uring_setup: /);
  const line = logs.split("\n").find((l) => l.includes("rtcheck io_uring_setup")) ?? logs;
  return { refused: /io_uring_setup: Operation not permitted/.test(line), detail: line.trim() };
}

export const attacks: Attack[] = [
  { area: "runtime", name: "an image's PATH and LD_PRELOAD point into its own layer on the host; a health probe runs", timeoutMs: 120_000, run: pathTrap },
  { area: "runtime", name: "a health probe reads its own sandbox (CapEff, Seccomp) against the container's", timeoutMs: 120_000, run: probeSandbox },
  { area: "runtime", name: "a container mknods the host's disk and reads it", timeoutMs: 120_000, run: mknodDisk },
  { area: "runtime", name: "a container calls io_uring_setup", timeoutMs: 120_000, run: ioUring },
];
