/**
 * Plausibility of a message from the network (pure), checked before the core sees it.
 *
 * Protobuf uint64 fields decode to JavaScript numbers, which are exact only up to 2^53 − 1; a term
 * or index beyond that cannot be compared or incremented correctly (2^60 + 1 === 2^60), and no
 * real cluster gets near it (a term per millisecond for 285,000 years). So every term, index,
 * commit and id must be a safe non-negative integer, or the message is refused as implausible.
 */
import type { Message__Output } from "../../gen/swarm/raft/Message.js";

function bad(field: string, v: number): string | null {
  return Number.isSafeInteger(v) && v >= 0 ? null : `${field} ${v} is not an integer from 0 to ${Number.MAX_SAFE_INTEGER}`;
}

/** Why `m` is implausible (naming the field and value), or null. */
export function implausibleField(m: Message__Output): string | null {
  const scalar =
    bad("from", m.from) ?? bad("to", m.to) ?? bad("term", m.term) ?? bad("logTerm", m.logTerm) ?? bad("index", m.index) ?? bad("commit", m.commit) ?? bad("rejectHint", m.rejectHint);
  if (scalar !== null) return scalar;
  for (const [i, e] of m.entries.entries()) {
    const why = bad(`entries[${i}].term`, e.term) ?? bad(`entries[${i}].index`, e.index);
    if (why !== null) return why;
    // An enum value this build does not know decodes as a bare number; the WAL could not store it.
    if (e.type !== "ENTRY_NORMAL" && e.type !== "ENTRY_CONF_CHANGE") return `entries[${i}].type ${String(e.type)} is not a known entry type`;
  }
  const meta = m.snapshot?.metadata;
  if (meta !== undefined && meta !== null) {
    const why = bad("snapshot.metadata.index", meta.index) ?? bad("snapshot.metadata.term", meta.term);
    if (why !== null) return why;
    for (const id of [...(meta.confState?.voters ?? []), ...(meta.confState?.learners ?? [])]) {
      const idWhy = bad("snapshot.metadata.confState member", id);
      if (idWhy !== null) return idWhy;
    }
  }
  return null;
}
