// The toy model's embedding space: concept axes (toy-concepts.ts) under a seeded random rotation, so
// that embeddings are dense like CLIP's instead of one-hot, and a seed changes every coordinate.
import { createPrng, type Prng } from "../../shared/prng.ts";

/** Standard normal sample (Box-Muller). */
export function gaussian(prng: Prng): number {
  const u = 1 - prng.next(); // (0, 1]: log(0) would be -Infinity
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * prng.next());
}

/**
 * A random orthogonal matrix, row-major Float64Array [dim, dim]: Gram-Schmidt on Gaussian rows.
 * Row a is where concept axis a lands in the embedding space.
 */
export function randomRotation(dim: number, seed: number): Float64Array {
  const prng = createPrng(seed);
  const rows = new Float64Array(dim * dim);
  for (let r = 0; r < dim; r++) {
    const row = rows.subarray(r * dim, (r + 1) * dim);
    // Retry on a (practically impossible) degenerate draw so the result is always orthonormal.
    for (let norm = 0; norm < 1e-6; ) {
      for (let c = 0; c < dim; c++) row[c] = gaussian(prng);
      for (let p = 0; p < r; p++) {
        const prev = rows.subarray(p * dim, (p + 1) * dim);
        let dot = 0;
        for (let c = 0; c < dim; c++) dot += row[c] * prev[c];
        for (let c = 0; c < dim; c++) row[c] -= dot * prev[c];
      }
      norm = Math.hypot(...row);
    }
    const norm = Math.hypot(...row);
    for (let c = 0; c < dim; c++) row[c] /= norm;
  }
  return rows;
}

/** `concept` (length dim, concept-axis coordinates) rotated into the embedding space: concept x R. */
export function rotate(concept: ArrayLike<number>, rotation: Float64Array, dim: number): Float32Array {
  const out = new Float32Array(dim);
  for (let a = 0; a < dim; a++) {
    const weight = concept[a];
    if (weight === 0) continue;
    for (let c = 0; c < dim; c++) out[c] += weight * rotation[a * dim + c];
  }
  return out;
}
