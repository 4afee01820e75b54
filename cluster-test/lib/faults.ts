/**
 * Network faults between test hosts, as iptables rules (pure: fault → rules per host).
 *
 * Every rule lives INSIDE the receiving host's network namespace, in the chain {@link FAULT_CHAIN}
 * (jumped to from INPUT), and drops packets by source address. Dropping at the receiver models a lost
 * packet: the sender sees nothing (an OUTPUT drop would hand it EPERM instead). A one-way fault
 * `a → b` drops what a sends to b and nothing else, so a TCP handshake fails both ways but UDP from
 * b still reaches a. Loss uses `-m statistic --mode random --probability p`.
 */
import { ValidationError } from "../../src/lib/errors.js";
import { FAULT_CHAIN } from "./names.js";

/** A fault the harness can inject. `from → to` packets are affected; `oneWay: false` adds `to → from`. */
export type Fault =
  | { readonly type: "partition"; readonly from: readonly string[]; readonly to: readonly string[]; readonly oneWay: boolean }
  | {
      readonly type: "loss";
      readonly from: readonly string[];
      readonly to: readonly string[];
      readonly oneWay: boolean;
      /** Probability (0 < p ≤ 1) that a packet is dropped. */
      readonly probability: number;
    };

/** iptables arguments (without the `iptables` word) to run inside each host's namespace. */
export type FaultRules = Map<string, string[][]>;

/** Checks a fault against the cluster's hosts; returns it unchanged or throws a ValidationError. */
export function validateFault(fault: Fault, hosts: readonly string[]): Fault {
  for (const [field, set] of [
    ["from", fault.from],
    ["to", fault.to],
  ] as const) {
    if (set.length === 0) throw new ValidationError(`${fault.type}.${field}`, "is empty: name at least one host");
    for (const h of set) {
      if (!hosts.includes(h)) {
        throw new ValidationError(`${fault.type}.${field}`, `${JSON.stringify(h)} is not a host of this cluster (${hosts.join(", ")})`);
      }
    }
  }
  if (fault.type === "partition") {
    const both = fault.from.filter((h) => fault.to.includes(h));
    if (both.length > 0) throw new ValidationError("partition", `${both.join(", ")} on both sides of the partition`);
  } else if (!(fault.probability > 0 && fault.probability <= 1)) {
    throw new ValidationError("loss.probability", `${fault.probability} is not within (0, 1]`);
  }
  return fault;
}

/** The iptables comment that tags a fault rule of cluster `commentPrefix` (`swt:<cluster>:`). */
export function faultComment(commentPrefix: string, fault: Fault): string {
  return `${commentPrefix}${fault.type}`;
}

/**
 * Rules that implement `fault`, per receiving host: `-A SWT-FAULTS -s <sender>/32 [statistic] -j DROP`.
 * `addresses` maps host name → IPv4 address.
 */
export function faultRules(fault: Fault, addresses: ReadonlyMap<string, string>, commentPrefix: string): FaultRules {
  const rules: FaultRules = new Map();
  const comment = faultComment(commentPrefix, fault);
  const add = (senders: readonly string[], receivers: readonly string[]): void => {
    for (const receiver of receivers) {
      for (const sender of senders) {
        if (sender === receiver) continue;
        const ip = addresses.get(sender);
        if (ip === undefined) throw new ValidationError(`${fault.type}.from`, `${JSON.stringify(sender)} has no address`);
        const match =
          fault.type === "loss"
            ? ["-m", "statistic", "--mode", "random", "--probability", String(fault.probability)]
            : [];
        const list = rules.get(receiver) ?? [];
        list.push(["-A", FAULT_CHAIN, "-s", `${ip}/32`, ...match, "-m", "comment", "--comment", comment, "-j", "DROP"]);
        rules.set(receiver, list);
      }
    }
  };
  add(fault.from, fault.to);
  if (!fault.oneWay) add(fault.to, fault.from);
  return rules;
}

/** One line describing a fault, for `status`: `partition h1,h2 <-> h3`, `loss 30% h1 -> h2`. */
export function describeFault(fault: Fault): string {
  const arrow = fault.oneWay ? "->" : "<->";
  const what = fault.type === "loss" ? `loss ${Math.round(fault.probability * 1000) / 10}%` : "partition";
  return `${what} ${fault.from.join(",")} ${arrow} ${fault.to.join(",")}`;
}
