/**
 * Runs ranges of simulator seeds and checks each run's KV history for linearizability. Shared by
 * the seed test files (split in two so vitest uses both cores).
 *
 * Environment: SEED=n replays one seed with a trace; SOAK=1 runs 50,000 seeds in total;
 * SIM_SEEDS / SIM_TICKS override the default count (2,000 in total) and run length; SIM_BASE shifts
 * the first seed (default 1) to explore other seeds.
 */
import { checkOperations, kvModel } from "../../lincheck/index.js";
import { toLincheckOperations } from "./history.js";
import { SimulationFailure, runSimulation, type SimResult } from "./simulator.js";

/** Summary of a range of seeds. */
export interface SeedRangeReport {
  readonly seeds: number;
  readonly failures: string[];
  readonly progressed: number;
  readonly lincheckUnknown: number;
  readonly totals: { puts: number; gets: number; crashes: number; snapshots: number; confChanges: number };
}

/** The seeds part `part` of `parts` runs (SEED pins a single seed in every part). */
export function seedsFor(part: number, parts: number): number[] {
  const pinned = process.env.SEED;
  if (pinned !== undefined && pinned !== "") return [Number(pinned)];
  const total = Number(process.env.SIM_SEEDS ?? (process.env.SOAK === "1" ? 50_000 : 2_000));
  const base = Number(process.env.SIM_BASE ?? 1);
  const out: number[] = [];
  for (let s = base + part; s < base + total; s += parts) out.push(s);
  return out;
}

/** Run length in ticks. */
export function ticks(): number {
  return Number(process.env.SIM_TICKS ?? (process.env.SOAK === "1" ? 400 : 200));
}

type HistoryVerdict = { readonly kind: "ok" } | { readonly kind: "unknown" } | { readonly kind: "illegal"; readonly message: string };

function checkHistory(r: SimResult): HistoryVerdict {
  const res = checkOperations(kvModel, toLincheckOperations(r.history), { timeoutMs: 2_000 });
  if (res.verdict === "illegal") {
    const message = `seed ${r.seed}: KV history is not linearizable: ${res.failure?.explanation ?? ""}\nreplay: SEED=${r.seed} npx vitest run src/raft/sim`;
    return { kind: "illegal", message };
  }
  return { kind: res.verdict };
}

/** Runs the seeds; failures carry the replay command. */
export function runSeeds(seeds: readonly number[]): SeedRangeReport {
  const tracing = process.env.SEED !== undefined && process.env.SEED !== "";
  const failures: string[] = [];
  let progressed = 0;
  let lincheckUnknown = 0;
  const totals = { puts: 0, gets: 0, crashes: 0, snapshots: 0, confChanges: 0 };
  for (const seed of seeds) {
    let r: SimResult;
    try {
      r = runSimulation({ seed, ticks: ticks(), trace: tracing });
    } catch (err) {
      if (!(err instanceof SimulationFailure)) throw err;
      const detail = tracing ? `\n${err.trace.join("\n")}` : "";
      failures.push(`${err.message}${detail}`);
      continue;
    }
    if (tracing) console.log(r.trace.join("\n"), JSON.stringify(r.params), JSON.stringify(r.stats));
    const verdict = checkHistory(r);
    if (verdict.kind === "unknown") lincheckUnknown++;
    else if (verdict.kind === "illegal") failures.push(verdict.message);
    if (r.stats.putsOk > 0) progressed++;
    totals.puts += r.stats.putsOk;
    totals.gets += r.stats.getsOk;
    totals.crashes += r.stats.crashes;
    totals.snapshots += r.stats.snapshotsSent;
    totals.confChanges += r.stats.confChangesApplied;
  }
  return { seeds: seeds.length, failures, progressed, lincheckUnknown, totals };
}
