/**
 * Dissemination: how news leaves the core. Alive/suspect/dead news and application (user) messages
 * wait in the transmit-limited broadcast queue and ride along on every datagram we send (pings,
 * acks, relays) and on the periodic gossip rounds to a few random members. Kept apart from the
 * membership rules because it decides only *how* news spreads, never what it means.
 */
import type { GossipMessage } from "../gen/swarm/gossip/GossipMessage.js";
import { ValidationError } from "../lib/errors.js";
import { messageWireSize } from "./codec.js";
import { emit, randomMembers, retransmits, type CoreState, type MemberRecord } from "./core-state.js";
import { MemberStatus } from "./types.js";

/** Headroom kept in every datagram's byte budget beyond the messages' own sizes. */
const PACKET_OVERHEAD_BYTES = 64;

const SEEN_USER_MESSAGES = 4096;

/** Queues the alive news of `m` (its current incarnation, address and metadata). */
export function broadcastAlive(s: CoreState, m: MemberRecord): void {
  enqueue(s, m.name, { alive: { incarnation: m.incarnation, node: m.name, addr: m.addr, meta: m.meta } });
}

/** Queues news about member `key` (replacing older news about it). */
export function enqueue(s: CoreState, key: string, message: GossipMessage): void {
  s.broadcasts.enqueue(key, message, messageWireSize(message));
}

/** One gossip round: queued broadcasts to up to GossipNodes random members (recently dead ones too). */
export function gossipRound(s: CoreState, now: number): void {
  if (s.broadcasts.length === 0) return;
  const targets = randomMembers(s, s.tuning.gossipNodes, (m) =>
    m.status === MemberStatus.Alive || m.status === MemberStatus.Suspect ||
    (m.status === MemberStatus.Dead && now - m.since < s.tuning.gossipToTheDeadMs));
  for (const t of targets) {
    const messages = s.broadcasts.take(s.tuning.packetBudgetBytes - PACKET_OVERHEAD_BYTES, retransmits(s));
    if (messages.length === 0) return;
    s.counters.gossipPackets++;
    s.outbox.push({ type: "udp", to: t.addr, packet: { messages } });
  }
}

/** Sends `messages` with as many piggybacked broadcasts as fit. */
export function sendUdp(s: CoreState, to: string, messages: GossipMessage[]): void {
  let used = PACKET_OVERHEAD_BYTES;
  for (const m of messages) used += messageWireSize(m);
  const extra = s.broadcasts.take(s.tuning.packetBudgetBytes - used, retransmits(s));
  s.outbox.push({ type: "udp", to, packet: { messages: extra.length > 0 ? [...messages, ...extra] : messages } });
}

/** Queues our own application message for every member; throws when it cannot fit in one datagram. */
export function sendUserMessage(s: CoreState, payload: Uint8Array): void {
  const id = ++s.userSeq;
  s.seenUser.add(`${s.name}/${id}`);
  const msg: GossipMessage = { user: { origin: s.name, id, payload } };
  const size = messageWireSize(msg);
  if (size > s.tuning.packetBudgetBytes - PACKET_OVERHEAD_BYTES) {
    throw new ValidationError("gossip.userMessage", `${payload.length} bytes do not fit in a packet`);
  }
  s.broadcasts.enqueue(undefined, msg, size);
}

/** An application message from `origin`: delivered and passed on once (deduplicated by origin and id). */
export function onUser(s: CoreState, origin: string, id: number, payload: Uint8Array): void {
  const key = `${origin}/${id}`;
  if (s.seenUser.has(key)) return;
  s.seenUser.add(key);
  if (s.seenUser.size > SEEN_USER_MESSAGES) {
    const oldest = s.seenUser.values().next().value;
    if (oldest !== undefined) s.seenUser.delete(oldest);
  }
  const msg: GossipMessage = { user: { origin, id, payload } };
  s.broadcasts.enqueue(undefined, msg, messageWireSize(msg));
  emit(s, { type: "user", origin, payload });
}
