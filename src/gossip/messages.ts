/**
 * Message handling: one decoded gossip message in, dispatched by kind to the part that owns it
 * (probe.ts for ping/ack/nack/indirect ping, membership.ts for alive/suspect/dead news,
 * dissemination.ts for user messages). Answering a direct ping needs no state, so it is done here.
 * A message of no known kind, or an indirect ping without usable addresses, is counted as invalid
 * and dropped; the news handlers check their own fields.
 */
import type { GossipMessage__Output } from "../gen/swarm/gossip/GossipMessage.js";
import { isValidAddr } from "./config.js";
import type { CoreState } from "./core-state.js";
import { onUser, sendUdp } from "./dissemination.js";
import { onAlive, onDead, onSuspect } from "./membership.js";
import { onAck, onNack, relayPing } from "./probe.js";

/** Handles one message from `from` (the sender's address; "" over TCP, where the ping names its source). */
export function handleMessage(s: CoreState, now: number, from: string, m: GossipMessage__Output): void {
  switch (m.body) {
    case "ping": {
      const p = m.ping;
      if (p == null || (p.target !== "" && p.target !== s.name)) return;
      const replyTo = from !== "" ? from : p.sourceAddr;
      if (isValidAddr(replyTo)) sendUdp(s, replyTo, [{ ack: { seqNo: p.seqNo } }]);
      return;
    }
    case "indirectPing": {
      const r = m.indirectPing;
      const requester = from !== "" ? from : r?.sourceAddr ?? "";
      if (r == null || !isValidAddr(r.targetAddr) || !isValidAddr(requester)) {
        s.counters.invalidMessages++;
        return;
      }
      relayPing(s, now, requester, r);
      return;
    }
    case "ack":
      if (m.ack != null) onAck(s, now, m.ack.seqNo);
      return;
    case "nack":
      if (m.nack != null) onNack(s, m.nack.seqNo);
      return;
    case "suspect":
      if (m.suspect != null) onSuspect(s, now, m.suspect);
      return;
    case "alive":
      if (m.alive != null) onAlive(s, now, m.alive);
      return;
    case "dead":
      if (m.dead != null) onDead(s, now, m.dead);
      return;
    case "user":
      if (m.user != null) onUser(s, m.user.origin, m.user.id, m.user.payload);
      return;
    default:
      s.counters.invalidMessages++;
  }
}
