/**
 * The shell the orchestrators, the updater and the reaper share: a reconcile loop whose pass is one
 * pure function of a write transaction and the clock, run inside `store.updateWithRetry` (recomputed on
 * fresh reads when the transaction conflicts), and the task-writing frame around a pass's body.
 */
import { newId } from "../../lib/ids.js";
import type { WriteTx } from "../../store/store.js";
import type { EventFilter } from "../../store/watch.js";
import { ReconcileLoop, type PassResult, type ReconcilerOptions } from "../leader/loop.js";
import { TaskWrites, type OrchestratorTuning } from "./tasks.js";

/** One reconcile pass: reads and writes `tx`; `now` is the loop's clock reading for this attempt. */
export type TransactionPass = (tx: WriteTx, now: number) => PassResult;

/** A reconcile loop that runs `body` in one store transaction per pass (retried on conflicts). */
export class TransactionLoop extends ReconcileLoop {
  constructor(
    o: ReconcilerOptions,
    filter: EventFilter,
    private readonly body: TransactionPass,
  ) {
    super(o, filter);
  }

  protected async pass(): Promise<PassResult> {
    let result: PassResult = {};
    await this.store.updateWithRetry((tx) => {
      result = this.body(tx, this.clock());
    });
    return result;
  }
}

/** Options of an orchestrator (replicated or global): the loop's, plus optional tuning. */
export interface OrchestratorOptions extends ReconcilerOptions, Partial<OrchestratorTuning> {}

/** The tuning with its defaults: orphan at once (0 ms), random ids. */
export function orchestratorTuning(o: Partial<OrchestratorTuning>): OrchestratorTuning {
  return { orphanAfterMs: o.orphanAfterMs ?? 0, newId: o.newId ?? newId };
}

/**
 * An orchestrator's loop: runs `reconcile` with the resolved tuning on store changes (services, tasks,
 * nodes — not the cluster object) and at the wake-up times its passes ask for (restart delays, orphan grace).
 */
export class OrchestratorLoop extends TransactionLoop {
  constructor(o: OrchestratorOptions, reconcile: (tx: WriteTx, now: number, tuning: OrchestratorTuning) => PassResult) {
    const tuning = orchestratorTuning(o);
    super(o, (e) => e.kind !== "cluster", (tx, now) => reconcile(tx, now, tuning));
  }
}

/**
 * The frame of a pass that writes tasks: `body` records its writes in a fresh {@link TaskWrites} and
 * returns when it wants to run again; the writes are then staged into `tx` (capped — a pass that left
 * some asks to run again at once, at `now`).
 */
export function taskPass(tx: WriteTx, now: number, body: (writes: TaskWrites) => number | undefined): PassResult {
  const writes = new TaskWrites();
  let wakeAt = body(writes);
  if (writes.flush(tx)) wakeAt = now;
  return wakeAt === undefined ? {} : { wakeAt };
}
