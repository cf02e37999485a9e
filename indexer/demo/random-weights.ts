// Seeded random parameters for generated models: normal(0, std) via Box-Muller on a 32-bit PRNG,
// seeded per tensor from (seed, name) so a tensor's values do not depend on generation order.
import { createPrng } from "../../shared/prng.ts";
import type { InitSpec, ParameterSource } from "./clip-graph/clip-arch.ts";

/** FNV-1a over the name, mixed with the seed: a 32-bit seed per tensor. */
export function tensorSeed(seed: number, name: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** Fills `out` with normal(0, std) values from shared/prng.ts's mulberry32 stream seeded with `seed`. */
export function fillNormal(out: Float32Array, std: number, seed: number): Float32Array {
  const prng = createPrng(seed >>> 0);
  // The PRNG's 32-bit integer (exact in a double) shifted into (0, 1): log() stays finite.
  const uniform = (): number => (prng.next() * 4294967296 + 1) / 4294967297;
  for (let i = 0; i < out.length; i += 2) {
    const radius = std * Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < out.length) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** A ParameterSource drawing every tensor from (seed, tensor name). */
export function randomParameters(seed: number): ParameterSource {
  return (name: string, dims: number[], init: InitSpec) => {
    const out = new Float32Array(dims.reduce((a, b) => a * b, 1));
    if ("constant" in init) return out.fill(init.constant);
    return fillNormal(out, init.normal, tensorSeed(seed, name));
  };
}
