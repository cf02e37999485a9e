// Seeded pseudo-random numbers (mulberry32) so that k-means and tests are reproducible on every runtime.

/** A deterministic random source; the same seed gives the same sequence everywhere. */
export interface Prng {
  /** Uniform float in [0, 1), 32 bits of randomness. */
  next(): number;
  /** Uniform integer in [0, n) for a positive integer n. */
  nextInt(n: number): number;
}

/**
 * Creates a mulberry32 generator. `seed` is taken modulo 2^32 (any finite number works; fractions
 * are truncated), so seeds 0 and 2^32 give the same sequence.
 */
export function createPrng(seed: number): Prng {
  if (!Number.isFinite(seed)) throw new RangeError(`PRNG seed must be a finite number, got ${seed}`);
  let state = Math.trunc(seed) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    nextInt(n: number) {
      if (!Number.isInteger(n) || n <= 0) throw new RangeError(`nextInt needs a positive integer, got ${n}`);
      return Math.floor(next() * n);
    },
  };
}
