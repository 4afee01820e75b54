/**
 * Models for the linearizability checker: a sequential specification of an object, as in Porcupine.
 * `step` says whether an operation with this input could have produced this output from a state,
 * and returns the state after it. States must be immutable values (the search keeps old ones).
 */

/** One completed (or abandoned) operation of a concurrent history. */
export interface Operation<I, O> {
  /** Client (process) that issued it; used only in explanations. */
  readonly clientId: number;
  readonly input: I;
  readonly output: O;
  /** Invocation time (any monotonic unit). */
  readonly call: number;
  /** Response time; `Infinity` for an operation whose outcome the client never learned. */
  readonly return: number;
}

/** A sequential specification. */
export interface Model<S, I, O> {
  /** Initial state. */
  init(): S;
  /** Applies one operation: [whether `output` is a legal result, state afterwards]. */
  step(state: S, input: I, output: O): readonly [boolean, S];
  /** A string identifying a state (equal states ⇔ equal keys); used to memoize visited configurations. */
  key(state: S): string;
  /** Splits a history into independent sub-histories (P-compositionality), e.g. one per key. */
  partition?(history: readonly Operation<I, O>[]): Operation<I, O>[][];
  /** Human-readable form of an operation, for explanations. */
  describe?(input: I, output: O): string;
}

/** Input of a key-value operation. */
export type KvInput =
  | { readonly op: "get"; readonly key: string }
  | { readonly op: "put"; readonly key: string; readonly value: string }
  | { readonly op: "delete"; readonly key: string };

/**
 * Output of a key-value operation: `value` for a get (null = absent); `{ unknown: true }` when the
 * client never learned the outcome (timeout, crash) — such an operation may or may not have happened,
 * so its `return` time should be `Infinity`.
 */
export type KvOutput = { readonly value: string | null; readonly unknown?: false } | { readonly unknown: true };

/** Per-key state of the KV model: the value, or null when absent. */
export type KvState = string | null;

/** A key-value store with get/put/delete, partitioned by key. */
export const kvModel: Model<KvState, KvInput, KvOutput> = {
  init: () => null,
  step(state, input, output) {
    switch (input.op) {
      case "get":
        if (output.unknown === true) return [true, state];
        return [output.value === state, state];
      case "put":
        return [true, input.value];
      case "delete":
        return [true, null];
    }
  },
  key: (state) => (state === null ? "\u0000" : `=${state}`),
  partition(history) {
    const byKey = new Map<string, Operation<KvInput, KvOutput>[]>();
    for (const op of history) {
      const list = byKey.get(op.input.key);
      if (list === undefined) byKey.set(op.input.key, [op]);
      else list.push(op);
    }
    return [...byKey.values()];
  },
  describe(input, output) {
    const out = output.unknown === true ? "?" : output.value === null ? "∅" : output.value;
    switch (input.op) {
      case "get":
        return `get(${input.key}) → ${out}`;
      case "put":
        return `put(${input.key}, ${input.value})`;
      case "delete":
        return `delete(${input.key})`;
    }
  },
};

/** A single read/write register holding a number (for tests and examples). */
export type RegisterInput = { readonly op: "read" } | { readonly op: "write"; readonly value: number };

/** The register model: reads must return the last written value (initially 0). */
export const registerModel: Model<number, RegisterInput, number | null> = {
  init: () => 0,
  step: (state, input, output) => (input.op === "write" ? [true, input.value] : [output === state, state]),
  key: (state) => String(state),
  describe: (input, output) => (input.op === "write" ? `write(${input.value})` : `read() → ${output}`),
};
