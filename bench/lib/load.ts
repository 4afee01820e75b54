/**
 * The closed-loop write load generator shared by the replicated-write benchmarks (bench:raft,
 * bench:store): N concurrent clients spread round-robin over 3 members, each writing as fast as its
 * previous write is acknowledged; a warm-up, then writes/s and p50/p99 latency over a window.
 */

/** One system under test, as the load generator sees it. */
export interface LoadTarget {
  readonly name: string;
  /** Writes one key on member `member` (0-based); `client` is the caller's index (own objects per client). */
  put(member: number, key: string, value: Buffer, timeoutMs: number, client: number): Promise<void>;
  stop(): Promise<void>;
}

/** What one load window measured. */
export interface LoadResult {
  readonly clients: number;
  readonly writesPerSec: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

/** Keys cycle through this many names. */
export const KEYSPACE = 10_000;

/** Runs `clients` closed-loop writers for a 0.5 s warm-up plus `seconds`. */
export async function runLoad(sys: LoadTarget, clients: number, seconds: number, value: Buffer, quantile: (v: readonly number[], q: number) => number): Promise<LoadResult> {
  const warmupMs = 500;
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + seconds * 1000;
  const lat: number[] = [];
  let errors = 0;
  let counter = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const member = c % 3;
      while (performance.now() < end) {
        const key = `bench-${counter++ % KEYSPACE}`;
        const t0 = performance.now();
        try {
          await sys.put(member, key, value, 10_000, c);
          const t1 = performance.now();
          if (t0 >= measureFrom && t1 <= end) lat.push(t1 - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  return { clients, writesPerSec: lat.length / seconds, p50: quantile(lat, 0.5), p99: quantile(lat, 0.99), errors };
}
