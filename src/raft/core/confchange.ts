/**
 * Membership changes: the byte encoding of a ConfChange inside an ENTRY_CONF_CHANGE entry, the
 * bootstrap entries of a new cluster, and the pure function that applies one change to a ConfState.
 *
 * Encoding (version 1): [0x01][type: u8][nodeId: u64 big-endian][context bytes...].
 */
import { ConfChangeError } from "./errors.js";
import { type ConfChange, type ConfState, ConfChangeType, type Entry, EntryType, newEntry } from "./types.js";

const VERSION = 1;
const TYPE_CODES: readonly ConfChangeType[] = [
  ConfChangeType.CONF_ADD_VOTER,
  ConfChangeType.CONF_REMOVE_NODE,
  ConfChangeType.CONF_ADD_LEARNER,
];

/** Encodes a conf change as the data of an ENTRY_CONF_CHANGE entry. */
export function encodeConfChange(cc: ConfChange): Buffer {
  if (!Number.isSafeInteger(cc.nodeId) || cc.nodeId <= 0) {
    throw new ConfChangeError(`nodeId ${cc.nodeId} is not a positive integer`, { nodeId: cc.nodeId });
  }
  const head = Buffer.alloc(10);
  head.writeUInt8(VERSION, 0);
  head.writeUInt8(TYPE_CODES.indexOf(cc.type), 1);
  head.writeBigUInt64BE(BigInt(cc.nodeId), 2);
  return Buffer.concat([head, cc.context]);
}

/** Decodes the data of an ENTRY_CONF_CHANGE entry. Throws ConfChangeError on malformed input. */
export function decodeConfChange(data: Buffer): ConfChange {
  if (data.length < 10) throw new ConfChangeError(`encoded length ${data.length} is shorter than 10 bytes`);
  const version = data.readUInt8(0);
  if (version !== VERSION) throw new ConfChangeError(`encoding version ${version} is not ${VERSION}`, { version });
  const code = data.readUInt8(1);
  const type = TYPE_CODES[code];
  if (type === undefined) throw new ConfChangeError(`type code ${code} is unknown`, { code });
  const id = data.readBigUInt64BE(2);
  if (id === 0n || id > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ConfChangeError(`nodeId ${id} is out of range`, { nodeId: String(id) });
  }
  return { type, nodeId: Number(id), context: Buffer.from(data.subarray(10)) };
}

/**
 * The log of a brand-new cluster: one CONF_ADD_VOTER entry per initial voter at indexes 1..n, term 1.
 * Every initial member writes the same entries to its storage with hard state {term: 1, vote: 0, commit: n};
 * the first Ready then delivers them as committed entries and the runner applies them like any other
 * conf change. Joining members start with an empty storage and learn everything from the leader.
 */
export function bootstrapEntries(voters: readonly number[]): Entry[] {
  return voters.map((id, i) =>
    newEntry({
      term: 1,
      index: i + 1,
      type: EntryType.ENTRY_CONF_CHANGE,
      data: encodeConfChange({ type: ConfChangeType.CONF_ADD_VOTER, nodeId: id, context: Buffer.alloc(0) }),
    }),
  );
}

/**
 * Applies one single-server change to a membership and returns the new one (inputs are not modified).
 * ADD_VOTER adds a voter or promotes a learner; ADD_LEARNER adds a learner or demotes a voter;
 * REMOVE_NODE removes either. Repeating a change is a no-op.
 */
export function applyToConfState(cs: ConfState, cc: ConfChange): ConfState {
  const voters = new Set(cs.voters);
  const learners = new Set(cs.learners);
  switch (cc.type) {
    case ConfChangeType.CONF_ADD_VOTER:
      learners.delete(cc.nodeId);
      voters.add(cc.nodeId);
      break;
    case ConfChangeType.CONF_ADD_LEARNER:
      voters.delete(cc.nodeId);
      learners.add(cc.nodeId);
      break;
    case ConfChangeType.CONF_REMOVE_NODE:
      voters.delete(cc.nodeId);
      learners.delete(cc.nodeId);
      break;
  }
  return { voters: [...voters].sort((a, b) => a - b), learners: [...learners].sort((a, b) => a - b) };
}
