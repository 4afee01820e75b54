/** Object ids: 25 base-36 characters from 128 random bits, like Docker Swarm's. */
import { randomBytes } from "node:crypto";

/** A new random object id. */
export function newId(): string {
  let n = 0n;
  for (const b of randomBytes(16)) n = (n << 8n) | BigInt(b);
  return n.toString(36).padStart(25, "0");
}
