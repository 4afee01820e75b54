/** Command-line parsing helpers of the KV member (kept apart from member.ts, which runs on import). */
import { ValidationError } from "../../lib/errors.js";

/** Parses "1=host:port,2=host:port" into a map; errors name the bad item. */
export function parsePeers(spec: string): Map<number, string> {
  const peers = new Map<number, string>();
  for (const item of spec.split(",").filter((s) => s !== "")) {
    const m = /^(\d+)=(.+:\d+)$/.exec(item);
    if (m?.[1] === undefined || m[2] === undefined) throw new ValidationError("--peers", `"${item}" is not id=host:port`);
    peers.set(Number(m[1]), m[2]);
  }
  return peers;
}

