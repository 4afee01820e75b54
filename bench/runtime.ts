/**
 * `npm run bench:runtime`: start + exit of `/bin/true` in a container, swarm-runtime vs runc, on the SAME
 * bundle (busybox rootfs + runc's own `runc spec` config with terminal=false). Runs alternate ours/runc so
 * both see the same machine load; the figure is the median wall time of `<runtime> run` as a child process.
 * Writes bench/results/runtime.json; ratio = ours / runc (goal ≤ 0.25).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { buildBusyboxRootfs } from "../src/lib/testing/busybox-rootfs.js";
import { RUNTIME_BINARY } from "../src/lib/runtime-binary.js";
import { mean, median, printTable, quantile, writeResult } from "./lib/results.js";

const RUNS = Number(process.env.RUNS ?? 30);
const WARMUP = 3;

function ensureRunc(): string {
  const found = spawnSync("sh", ["-c", "command -v runc"], { encoding: "utf8" });
  if (found.status === 0) return found.stdout.trim();
  console.log("runc not found: installing Debian's runc");
  execFileSync("apt-get", ["install", "-y", "runc"], { stdio: "inherit" });
  return "runc";
}

function ensureOurs(): string {
  execFileSync("make", ["-s", "-C", new URL("../native", import.meta.url).pathname], { stdio: "inherit" });
  if (!existsSync(RUNTIME_BINARY)) throw new Error(`${RUNTIME_BINARY} was not built`);
  return RUNTIME_BINARY;
}

function makeBundle(dir: string, runc: string): void {
  buildBusyboxRootfs(join(dir, "rootfs"));
  execFileSync(runc, ["spec"], { cwd: dir });
  const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as {
    process: { terminal: boolean; args: string[] };
  };
  config.process.terminal = false;
  config.process.args = ["/bin/true"];
  writeFileSync(join(dir, "config.json"), JSON.stringify(config, null, 2));
}

/** One `run` of the container; returns wall milliseconds. */
function runOnce(bin: string, root: string, bundle: string, id: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(bin, ["--root", root, "run", id], { cwd: bundle, stdio: ["ignore", "ignore", "pipe"] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${bin} run ${id} exited ${String(r.status)}: ${r.stderr.toString()}`);
  return ms;
}

function main(): void {
  if (process.getuid?.() !== 0) throw new Error("bench:runtime needs root (namespaces, cgroups, mounts)");
  const runc = ensureRunc();
  const ours = ensureOurs();
  const work = mkdtempSync(join(tmpdir(), "swarm-bench-runtime-"));
  try {
    const bundle = join(work, "bundle");
    makeBundle(bundle, runc);
    const roots = { ours: join(work, "state-ours"), runc: join(work, "state-runc") };
    const times = { ours: [] as number[], runc: [] as number[] };
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const o = runOnce(ours, roots.ours, bundle, `bench-ours-${String(i)}`);
      const p = runOnce(runc, roots.runc, bundle, `bench-runc-${String(i)}`);
      if (i >= WARMUP) {
        times.ours.push(o);
        times.runc.push(p);
      }
    }
    const oursMedian = median(times.ours);
    const runcMedian = median(times.runc);
    const ratio = oursMedian / runcMedian;
    printTable([
      ["runtime", "median ms", "p10 ms", "p90 ms", "mean ms", "runs"],
      ["swarm-runtime", oursMedian, quantile(times.ours, 0.1), quantile(times.ours, 0.9), mean(times.ours), RUNS],
      ["runc", runcMedian, quantile(times.runc, 0.1), quantile(times.runc, 0.9), mean(times.runc), RUNS],
    ]);
    console.log(`ratio ours/runc = ${ratio.toFixed(3)} (goal ≤ 0.25)`);
    const path = writeResult({
      name: "runtime",
      unit: "ms (median wall time of `run` for /bin/true)",
      ours: oursMedian,
      peer: runcMedian,
      peerName: execFileSync(runc, ["--version"], { encoding: "utf8" }).split("\n")[0] ?? "runc",
      ratio,
      runs: RUNS,
      details: {
        workload: "start+exit of /bin/true; busybox rootfs; config from `runc spec`, terminal=false",
        alternating: true,
        warmupRuns: WARMUP,
        ours: { samples: times.ours, p10: quantile(times.ours, 0.1), p90: quantile(times.ours, 0.9), mean: mean(times.ours) },
        runc: { samples: times.runc, p10: quantile(times.runc, 0.1), p90: quantile(times.runc, 0.9), mean: mean(times.runc) },
        loadavgAtEnd: loadavg(),
      },
    });
    console.log(`wrote ${path}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
