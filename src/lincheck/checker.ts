/**
 * Linearizability checker: the Wing–Gong search with Lowe's memoization, plus P-compositionality, as
 * described for Porcupine (Athalye) and in Lowe, "Testing for linearizability" (2017).
 *
 * A history is turned into a doubly-linked list of call/return events ordered by time (calls before
 * returns at equal times, which is the permissive reading of a tie). The search repeatedly picks a call
 * whose operation can be applied to the current model state ("linearize it now"), removes its call and
 * return from the list and records (set of linearized operations, state) in a cache; reaching a return
 * event means the operation it belongs to was not linearized before it returned, so the search
 * backtracks. A configuration already in the cache is never explored twice. When the list is empty,
 * every operation is linearized and the history is linearizable. Each partition (e.g. each key) is
 * checked on its own, which is sound when the model is P-compositional.
 */
import type { Model, Operation } from "./model.js";

/** Overall verdict. */
export type CheckVerdict = "ok" | "illegal" | "unknown";

/** Result of a check. */
export interface CheckResult<I, O> {
  readonly verdict: CheckVerdict;
  /** Partitions checked (1 when the model does not partition). */
  readonly partitions: number;
  /** For "illegal": the first partition that failed and an explanation of how far the search got. */
  readonly failure?: {
    readonly partition: number;
    readonly operations: readonly Operation<I, O>[];
    /** The longest sequence of operations that could be linearized before getting stuck. */
    readonly longestPrefix: readonly Operation<I, O>[];
    readonly explanation: string;
  };
  /** Search steps taken (over all partitions). */
  readonly steps: number;
}

/** Options for {@link checkOperations}. */
export interface CheckOptions {
  /** Give up (verdict "unknown") after this many milliseconds; default: no limit. */
  readonly timeoutMs?: number;
  /** Clock for the time bound (injected for tests); default Date.now. */
  readonly now?: () => number;
}

interface Node {
  /** Operation number within the partition. */
  readonly id: number;
  readonly isCall: boolean;
  readonly time: number;
  /** For a call: its return event. */
  match: Node | null;
  prev: Node | null;
  next: Node | null;
}

class Bitset {
  readonly words: Uint32Array;
  constructor(n: number) {
    this.words = new Uint32Array(Math.ceil(n / 32) || 1);
  }
  set(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5] as number) | (1 << (i & 31));
  }
  clear(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5] as number) & ~(1 << (i & 31));
  }
  key(): string {
    return Buffer.from(this.words.buffer, this.words.byteOffset, this.words.byteLength).toString("latin1");
  }
}

function buildList<I, O>(ops: readonly Operation<I, O>[]): Node {
  const events: Node[] = [];
  ops.forEach((op, id) => {
    const ret: Node = { id, isCall: false, time: op.return, match: null, prev: null, next: null };
    const call: Node = { id, isCall: true, time: op.call, match: ret, prev: null, next: null };
    events.push(call, ret);
  });
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.id - b.id : a.isCall ? -1 : 1));
  const head: Node = { id: -1, isCall: false, time: -Infinity, match: null, prev: null, next: null };
  let prev = head;
  for (const e of events) {
    prev.next = e;
    e.prev = prev;
    prev = e;
  }
  return head;
}

/** Removes a call and its return from the list. */
function lift(call: Node): void {
  const ret = call.match as Node;
  (call.prev as Node).next = call.next;
  if (call.next !== null) call.next.prev = call.prev;
  (ret.prev as Node).next = ret.next;
  if (ret.next !== null) ret.next.prev = ret.prev;
}

/** Puts a lifted call and its return back (inverse of lift, in reverse order). */
function unlift(call: Node): void {
  const ret = call.match as Node;
  (ret.prev as Node).next = ret;
  if (ret.next !== null) ret.next.prev = ret;
  (call.prev as Node).next = call;
  if (call.next !== null) call.next.prev = call;
}

type PartitionOutcome = { verdict: "ok" | "unknown"; steps: number } | { verdict: "illegal"; steps: number; longest: number[] };

function checkPartition<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], deadline: number, now: () => number): PartitionOutcome {
  const head = buildList(ops);
  const linearized = new Bitset(ops.length);
  const cache = new Set<string>();
  const stack: { call: Node; state: S }[] = [];
  let state = model.init();
  let entry = head.next;
  let steps = 0;
  let longest: number[] = [];
  while (head.next !== null) {
    if (++steps % 4096 === 0 && now() > deadline) return { verdict: "unknown", steps };
    const e = entry as Node;
    if (e.isCall) {
      const op = ops[e.id] as Operation<I, O>;
      const [ok, next] = model.step(state, op.input, op.output);
      if (ok) {
        linearized.set(e.id);
        const key = `${linearized.key()}|${model.key(next)}`;
        if (!cache.has(key)) {
          cache.add(key);
          stack.push({ call: e, state });
          state = next;
          lift(e);
          entry = head.next;
          if (stack.length > longest.length) longest = stack.map((s) => s.call.id);
          continue;
        }
        linearized.clear(e.id);
      }
      entry = e.next;
    } else {
      const top = stack.pop();
      if (top === undefined) return { verdict: "illegal", steps, longest };
      state = top.state;
      linearized.clear(top.call.id);
      unlift(top.call);
      entry = top.call.next;
    }
  }
  return { verdict: "ok", steps };
}

function explain<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], longest: readonly number[]): string {
  const show = (op: Operation<I, O>): string =>
    `client ${op.clientId}: ${model.describe?.(op.input, op.output) ?? JSON.stringify({ input: op.input, output: op.output })} [${op.call}, ${op.return}]`;
  const done = new Set(longest);
  const prefix = longest.map((i) => show(ops[i] as Operation<I, O>));
  const rest = ops.filter((_, i) => !done.has(i)).sort((a, b) => a.call - b.call).slice(0, 5).map(show);
  return [
    `no linearization exists for ${ops.length} operations; the longest linearizable prefix has ${longest.length}:`,
    ...prefix.slice(-10).map((s) => `  ${s}`),
    "none of these can come next:",
    ...rest.map((s) => `  ${s}`),
  ].join("\n");
}

/** Checks whether a history of operations is linearizable with respect to `model`. */
export function checkOperations<S, I, O>(model: Model<S, I, O>, history: readonly Operation<I, O>[], options: CheckOptions = {}): CheckResult<I, O> {
  const now = options.now ?? Date.now;
  const deadline = options.timeoutMs === undefined ? Infinity : now() + options.timeoutMs;
  const parts = model.partition ? model.partition(history) : [[...history]];
  let steps = 0;
  let unknown = false;
  for (const [i, ops] of parts.entries()) {
    const r = checkPartition(model, ops, deadline, now);
    steps += r.steps;
    if (r.verdict === "illegal") {
      return {
        verdict: "illegal",
        partitions: parts.length,
        steps,
        failure: { partition: i, operations: ops, longestPrefix: r.longest.map((k) => ops[k] as Operation<I, O>), explanation: explain(model, ops, r.longest) },
      };
    }
    if (r.verdict === "unknown") unknown = true;
    if (unknown && now() > deadline) break;
  }
  return { verdict: unknown ? "unknown" : "ok", partitions: parts.length, steps };
}
