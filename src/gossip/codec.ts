/**
 * Gossip packet codec: the byte-level parser for proto/gossip.proto, separate from any socket.
 *
 * Encoding uses protobufjs on the same .proto file the type generator reads, with the same
 * conversion options as src/lib/proto.ts, so decoded objects have the generated `__Output` shape
 * (every field present, enums as strings). Decoding never throws: malformed bytes yield a typed
 * error value the shell counts and drops.
 */
import protobuf from "protobufjs";
import { join } from "node:path";
import { PROTO_DIR } from "../lib/proto.js";
import type { Packet } from "../gen/swarm/gossip/Packet.js";
import type { Packet__Output } from "../gen/swarm/gossip/Packet.js";
import type { GossipMessage } from "../gen/swarm/gossip/GossipMessage.js";
import type { NodeMeta, NodeMeta__Output } from "../gen/swarm/gossip/NodeMeta.js";

const root = protobuf.loadSync(join(PROTO_DIR, "gossip.proto"));
const PacketType = root.lookupType("swarm.gossip.Packet");
const MessageType = root.lookupType("swarm.gossip.GossipMessage");
const MetaType = root.lookupType("swarm.gossip.NodeMeta");

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true, arrays: true, objects: true };

/** Result of decoding untrusted bytes: the packet or the reason it was rejected. */
export type DecodeResult =
  | { readonly ok: true; readonly packet: Packet__Output }
  | { readonly ok: false; readonly reason: "malformed" | "empty" | "invalid"; readonly detail: string };

/** Encodes a packet (a compound of messages) to bytes. */
export function encodePacket(packet: Packet): Uint8Array {
  return PacketType.encode(PacketType.fromObject(packet)).finish();
}

/** Encoded size of one message inside a Packet (field tag + length prefix + body). */
export function messageWireSize(message: GossipMessage): number {
  const body = MessageType.encode(MessageType.fromObject(message)).finish().length;
  return 1 + varintSize(body) + body;
}

/** Decodes untrusted bytes; never throws. */
export function decodePacket(bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return { ok: false, reason: "empty", detail: "zero-length packet" };
  let packet: Packet__Output;
  try {
    const message = PacketType.decode(bytes);
    packet = PacketType.toObject(message, TO_OBJECT) as Packet__Output;
  } catch (err) {
    return { ok: false, reason: "malformed", detail: err instanceof Error ? err.message : String(err) };
  }
  // A TCP hello (next_frame_bytes set) is the one packet that carries no messages.
  if (packet.messages.length === 0 && packet.nextFrameBytes === 0) return { ok: false, reason: "empty", detail: "packet has no messages" };
  for (const m of packet.messages) {
    if (m.body === undefined) return { ok: false, reason: "invalid", detail: "message without a body" };
  }
  return { ok: true, packet };
}

/** Encodes node metadata (for the size limit check). */
export function encodeMeta(meta: NodeMeta): Uint8Array {
  return MetaType.encode(MetaType.fromObject(meta)).finish();
}

/** Normalizes metadata to the `__Output` shape (all fields present). */
export function normalizeMeta(meta: NodeMeta | null | undefined): NodeMeta__Output {
  return {
    role: meta?.role ?? "",
    addresses: [...(meta?.addresses ?? [])],
    labels: { ...(meta?.labels ?? {}) },
  };
}

/** True when two metadata values are the same (order of addresses matters, labels do not). */
export function sameMeta(a: NodeMeta__Output, b: NodeMeta__Output): boolean {
  if (a.role !== b.role || a.addresses.length !== b.addresses.length) return false;
  for (let i = 0; i < a.addresses.length; i++) if (a.addresses[i] !== b.addresses[i]) return false;
  const ka = Object.keys(a.labels);
  if (ka.length !== Object.keys(b.labels).length) return false;
  return ka.every((k) => a.labels[k] === b.labels[k]);
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}
