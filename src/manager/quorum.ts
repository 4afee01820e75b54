/**
 * "Quorum lost" as an operator reads it: when a write cannot get a Raft leader, say how many managers
 * this one can reach and how many a write needs, instead of a bare timeout.
 */
import { connect } from "node:net";
import { ErrorCode, SwarmError } from "../lib/errors.js";

/** Writes are refused because too few managers are reachable. */
export class QuorumLostError extends SwarmError {
  constructor(
    readonly reachable: number,
    readonly managers: number,
    cause?: unknown,
  ) {
    const needed = Math.floor(managers / 2) + 1;
    super(
      ErrorCode.Unavailable,
      `quorum lost: this manager reaches ${reachable} of ${managers} managers and ${needed} are needed; writes are refused until a majority is reachable`,
      { cause, fields: { reachable, managers, needed } },
    );
  }
}

/** True if a TCP connection to "host:port" opens within `timeoutMs`. */
export function canConnect(addr: string, timeoutMs = 300): Promise<boolean> {
  const i = addr.lastIndexOf(":");
  return new Promise((resolve) => {
    const socket = connect({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Counts reachable members (this one included) by probing the others' Raft addresses. */
export async function countReachable(selfId: number, members: ReadonlyMap<number, string>): Promise<number> {
  const others = [...members].filter(([id]) => id !== selfId).map(([, addr]) => addr);
  const results = await Promise.all(others.map((a) => canConnect(a)));
  return 1 + results.filter(Boolean).length;
}
