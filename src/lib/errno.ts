/** Errno numbers (from native helpers) as Node's error code names. */
import { constants } from "node:os";

const names = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** "ECONNREFUSED" for 111 (Linux); "errno N" for a number Node does not name. */
export function errnoName(n: number): string {
  return names.get(n) ?? `errno ${String(n)}`;
}
