/**
 * The last tie-breaker among equally empty nodes. Input order would send the first task of every
 * service to the first node; instead each group starts at a position given by a stable hash of its
 * (service id, slot), and ranks the nodes in input order from there, wrapping around. Deterministic
 * (same input → same placement) and independent of the leader that computes it.
 */
import type { NodeInfo } from "./node-info.js";

/** 32-bit FNV-1a of a string's UTF-16 code units: small, stable across platforms and runs. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Rank function of a group: node input order rotated to start at hash(service, slot) mod `nodeCount`. */
export function tieRank(serviceId: string, slot: number, nodeCount: number): (node: NodeInfo) => number {
  if (nodeCount <= 1) return (node) => node.index;
  const start = fnv1a32(`${serviceId}\u0000${slot}`) % nodeCount;
  return (node) => (node.index - start + nodeCount) % nodeCount;
}
