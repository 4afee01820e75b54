/**
 * The client history the simulator records for linearizability checking (Porcupine's model:
 * each operation has a client, an input, an output, and call/return times on one logical clock).
 */
import type { KvInput as LinKvInput, KvOutput as LinKvOutput, Operation } from "../../lincheck/index.js";

/** What a client asked for. */
export type KvInput = { readonly op: "put"; readonly key: string; readonly value: string } | { readonly op: "get"; readonly key: string };

/** What it got back: the value read (gets) or nothing (puts). */
export interface KvOutput {
  readonly value?: string | undefined;
}

/**
 * One completed or indeterminate operation. `ret` undefined means the outcome is unknown (the
 * client timed out or its server crashed): the checker must allow it to take effect at any time
 * after `call`, or never. Operations that definitely did not take effect are not recorded.
 */
export interface KvOperation {
  readonly clientId: number;
  readonly input: KvInput;
  readonly call: number;
  readonly output: KvOutput | undefined;
  readonly ret: number | undefined;
}

/** A KV history of one simulated run. */
export interface KvHistory {
  readonly operations: readonly KvOperation[];
}

/** Converts a simulator history into the linearizability checker's operations (unknown outcome → return ∞). */
export function toLincheckOperations(h: KvHistory): Operation<LinKvInput, LinKvOutput>[] {
  return h.operations.map((op) => ({
    clientId: op.clientId,
    input: op.input,
    output: op.ret === undefined || op.output === undefined ? { unknown: true } : { value: op.output.value ?? null },
    call: op.call,
    return: op.ret ?? Infinity,
  }));
}
