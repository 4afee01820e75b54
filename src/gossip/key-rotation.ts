/**
 * Gossip key rotation on the managers' side (pure): the cluster object keeps the sending key and the
 * one before it, ordered by a Lamport time. The leader rotates on `node rm` (the removed node knew
 * the key) and on demand (`swarmctl swarm update --rotate-gossip-key`); nodes learn the list from their
 * heartbeats and accept the previous key only for a grace ({@link Keyring.sync}).
 */
import { randomBytes } from "node:crypto";
import type { Cluster__Output } from "../gen/swarm/api/Cluster.js";

/** Bytes of a new gossip key (AES-256-GCM). */
export const GOSSIP_KEY_BYTES = 32;

/**
 * How long a node still accepts a key after it learned that a newer one is the sending key. Every
 * node must hear of the new key within it (a heartbeat every few seconds, a few missed ones allowed);
 * after it a removed node's key is refused everywhere.
 */
export const GOSSIP_KEY_GRACE_MS = 30_000;

/** A copy of `cluster` whose sending key is a new random key; only the previous sending key is kept. */
export function withRotatedGossipKey(cluster: Cluster__Output, random: (n: number) => Uint8Array = randomBytes): Cluster__Output {
  const next = structuredClone(cluster);
  const lamportTime = next.gossipKeyLamportClock + 1;
  const previous = [...next.gossipKeys].sort((a, b) => b.lamportTime - a.lamportTime)[0];
  next.gossipKeys = [{ subsystem: "gossip", algorithm: "aes-256-gcm", key: Buffer.from(random(GOSSIP_KEY_BYTES)), lamportTime }, ...(previous === undefined ? [] : [previous])];
  next.gossipKeyLamportClock = lamportTime;
  return next;
}

/** The keys as nodes get them: sending key first, then older ones. */
export function gossipKeysForNodes(cluster: Cluster__Output | undefined): Buffer[] {
  return [...(cluster?.gossipKeys ?? [])].sort((a, b) => b.lamportTime - a.lamportTime).map((k) => Buffer.from(k.key));
}
