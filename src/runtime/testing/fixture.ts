/**
 * Shared fixture for the runtime's integration tests: a busybox rootfs, a private state root, unique
 * container ids, and cleanup of everything the tests made (containers, cgroups, state, bundles).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { buildBusyboxRootfs } from "../../lib/testing/busybox-rootfs.js";
import { RUNTIME_BINARY } from "../../lib/runtime-binary.js";
import type { ContainerSpecInput } from "../config-builder.js";
import { readContainerLog } from "../logs.js";
import type { ExitStatus } from "../runtime.js";
import { Runtime, writeBundle } from "../runtime.js";
import { runContainer } from "./verbs.js";

/** Prefix of every id and cgroup the tests create (cleanup sweeps it). */
export const TEST_PREFIX = "swarmtest";

/** A spec part that runs `script` with the image's /bin/sh. */
export const sh = (script: string): { command: string[] } => ({ command: ["/bin/sh", "-c", script] });

/** A test workspace: rootfs, state root, runtime. */
export interface RuntimeFixture {
  readonly work: string;
  readonly rootfs: string;
  readonly stateRoot: string;
  readonly runtime: Runtime;
  /** A fresh container id. */
  id(label: string): string;
  /** Runs a container to completion; `inspect` sees it stopped but not yet deleted (cgroups still there). */
  runToExit(
    label: string,
    spec: Omit<ContainerSpecInput, "rootfs"> & { rootfs?: string },
    inspect?: (id: string) => void | Promise<void>,
  ): Promise<{ id: string; exit: ExitStatus; stdout: string; stderr: string }>;
  /** Runs `swarm-runtime --root <stateRoot> ...args` to its end (20 s at most) and returns what it left. */
  spawnSyncRuntime(args: string[]): { status: number | null; stdout: string; stderr: string };
  cleanup(): void;
}

/** Builds the native binary (if needed) and a workspace. */
export function createRuntimeFixture(): RuntimeFixture {
  sweepTestCgroups();
  execFileSync("make", ["-s", "-C", new URL("../../../native", import.meta.url).pathname], { stdio: "inherit" });
  if (!existsSync(RUNTIME_BINARY)) throw new Error(`${RUNTIME_BINARY} missing after make`);
  const work = mkdtempSync(join(tmpdir(), `${TEST_PREFIX}-runtime-${String(process.pid)}-`));
  const rootfs = join(work, "rootfs");
  buildBusyboxRootfs(rootfs, { files: { "etc/hostname": "image\n" } });
  const stateRoot = join(work, "state");
  const runtime = new Runtime({ stateRoot });
  let n = 0;
  const id = (label: string): string => `${TEST_PREFIX}-${String(process.pid)}-${String(++n)}-${label}`;
  return {
    work,
    rootfs,
    stateRoot,
    runtime,
    id,
    async runToExit(label, spec, inspect) {
      const cid = id(label);
      const bundle = join(work, "bundles", cid);
      await writeBundle(bundle, { ...spec, rootfs: spec.rootfs ?? rootfs });
      const c = await runContainer(runtime, cid, bundle);
      const exit = await c.wait();
      const logs = await readContainerLog(c.logPath);
      try {
        await inspect?.(cid);
      } finally {
        await c.delete({ force: true });
      }
      const text = (s: string): string =>
        logs
          .filter((e) => e.stream === s)
          .map((e) => e.text)
          .join("\n");
      return { id: cid, exit, stdout: text("stdout"), stderr: text("stderr") };
    },
    spawnSyncRuntime(args) {
      const r = spawnSync(RUNTIME_BINARY, ["--root", stateRoot, ...args], { encoding: "utf8", timeout: 20_000 });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    cleanup() {
      if (existsSync(stateRoot)) {
        for (const cid of readdirSync(stateRoot)) {
          try {
            execFileSync(RUNTIME_BINARY, ["--root", stateRoot, "delete", "--force", cid], { stdio: "ignore" });
          } catch {
            // reported by the leftover sweep below
          }
        }
      }
      sweepTestCgroups();
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/**
 * The fixture of one test file: made in the file's `beforeAll` and cleaned up in its `afterAll` (both
 * registered here, so call it at the top level of the file). The object returned reads through to that
 * fixture: use it inside tests and hooks only.
 */
export function useRuntimeFixture(): RuntimeFixture {
  let fx: RuntimeFixture | undefined;
  beforeAll(() => {
    fx = createRuntimeFixture();
  });
  afterAll(() => fx?.cleanup());
  const made = (): RuntimeFixture => {
    if (fx === undefined) throw new Error("the runtime fixture is used outside a test, or its beforeAll failed");
    return fx;
  };
  return new Proxy({} as RuntimeFixture, { get: (_target, key) => Reflect.get(made(), key) as unknown });
}

/** True for a test name (`swarmtest-<pid>-…`) whose test process is gone (a killed run's leftover). */
function leftover(name: string): boolean {
  const m = new RegExp(`^${TEST_PREFIX}-(\\d+)-`).exec(name);
  if (!m) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false; // a live (parallel) test process owns it
  } catch {
    return true;
  }
}

/**
 * Removes what earlier (possibly killed) test runs left behind, by the test prefix: processes and
 * cgroups, network namespaces, and mounts under test work dirs — only those of test processes that are
 * gone (or of this one), never those of a test file running in parallel.
 */
export function sweepTestCgroups(): void {
  const roots = ["pids", "memory", "cpu", "devices", "unified"].map((h) => `/sys/fs/cgroup/${h}/swarm`);
  roots.push("/sys/fs/cgroup/swarm");
  for (const root of roots) {
    if (!existsSync(root)) continue;
    for (const d of readdirSync(root)) {
      if (!leftover(d)) continue;
      const dir = join(root, d);
      try {
        for (const pid of readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean)) {
          try {
            process.kill(Number(pid), "SIGKILL");
          } catch {
            // already gone
          }
        }
      } catch {
        // no cgroup.procs: not a cgroup dir
      }
      for (let i = 0; i < 50; i++) {
        try {
          rmdirSync(dir);
          break;
        } catch {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        }
      }
    }
  }
  const netns = spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout;
  for (const line of netns.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    if (leftover(name)) spawnSync("ip", ["netns", "del", name]);
  }
  for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
    const target = line.split(" ")[1] ?? "";
    const dir = /\/(swarmtest-runtime-\d+-[^/]*)\//.exec(target)?.[1];
    if (dir !== undefined && leftover(dir.replace("-runtime", ""))) spawnSync("umount", ["-l", target]);
  }
  // work dirs (rootfs, bundles, state) of killed runs
  for (const d of readdirSync(tmpdir())) {
    if (d.startsWith(`${TEST_PREFIX}-runtime-`) && leftover(d.replace("-runtime", ""))) {
      rmSync(join(tmpdir(), d), { recursive: true, force: true });
    }
  }
}
