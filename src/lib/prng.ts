/**
 * The project's one seeded pseudo-random generator: xoshiro128** seeded through splitmix32. Same
 * seed → same sequence on every platform (32-bit integer arithmetic only), so a failing seed of a
 * simulator or a property test replays exactly, and neighbouring seeds (member i and i+1 of one
 * simulation) give unrelated sequences. Pure cores that take injected randomness as `() => number`
 * (the gossip core, RaftConfig.random) get it from {@link Prng.fn}.
 *
 * The Raft simulator's seed sweeps depend on this exact sequence (prng.test.ts pins it): changing
 * the algorithm or the seeding changes which schedules they explore.
 */

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A deterministic pseudo-random generator. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A generator seeded by `seed` (any integer; bits above 32 are mixed in). */
  constructor(seed: number) {
    const st = { s: seed | 0 };
    // Mix in the high bits for seeds beyond 32 bits.
    st.s ^= Math.floor(seed / 0x100000000) | 0;
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 0x100000000;
  }

  /** Uniform integer in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element (undefined for an empty array). */
  pick<T>(xs: readonly T[]): T | undefined {
    if (xs.length === 0) return undefined;
    return xs[Math.floor(this.next() * xs.length)];
  }

  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<T>(xs: T[]): T[] {
    return shuffleWith(() => this.next(), xs);
  }

  /** A function view: uniform floats in [0, 1), drawn from (and advancing) this generator. */
  fn(): () => number {
    return () => this.next();
  }
}

/** Shuffles `xs` in place (Fisher–Yates, one `random()` per position from the end) and returns it. */
export function shuffleWith<T>(random: () => number, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const tmp = xs[i] as T;
    xs[i] = xs[j] as T;
    xs[j] = tmp;
  }
  return xs;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
