// Section 6: flat (exact) top-10 latency over 10k, 100k (and 1M with --full) stored vectors, float32
// (shared/vectors.ts scoreRows + topK, as the CLI's search ranks) and the worker's compact int8 store
// (worker/stores/int8-matrix.ts), to show where a library should move to Vectorize.
import { createPrng } from "../../shared/prng.ts";
import { l2NormalizeInPlace, scoreRows, topK } from "../../shared/vectors.ts";
import { Int8Matrix } from "../../worker/stores/int8-matrix.ts";
import type { BenchContext } from "../lib/section.ts";
import { interleave, type Summary, summarize } from "../lib/stats.ts";

const DIMENSION = 512;
const K = 10;

export interface FlatSearchFigures {
  dimension: number;
  k: number;
  /** Milliseconds per query by size ("10000") and format ("float32" | "int8"). */
  latency: Record<string, { float32: Summary; int8: Summary; float32Bytes: number; int8Bytes: number }>;
}

export async function benchFlatSearch(context: BenchContext): Promise<FlatSearchFigures> {
  const sizes = context.full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000];
  const prng = createPrng(3);
  const latency: FlatSearchFigures["latency"] = {};
  for (const rows of sizes) {
    context.log(`  ${rows} vectors ...`);
    const matrix = new Float32Array(rows * DIMENSION);
    for (let i = 0; i < matrix.length; i++) matrix[i] = prng.next() * 2 - 1;
    for (let r = 0; r < rows; r++) l2NormalizeInPlace(matrix.subarray(r * DIMENSION, (r + 1) * DIMENSION));
    const int8 = Int8Matrix.fromValues(rows, DIMENSION, (i) => matrix[i]);
    const scores = new Float32Array(rows);
    const queryCount = Math.max(5, Math.min(context.full ? 100 : 40, Math.round(4e6 / rows)));
    const queries = Array.from({ length: queryCount }, () =>
      l2NormalizeInPlace(Float32Array.from({ length: DIMENSION }, () => prng.next() * 2 - 1)),
    );
    const variants = [
      { name: "float32", run: async (q: Float32Array) => topK(scoreRows(matrix, DIMENSION, q, scores), K) },
      { name: "int8", run: async (q: Float32Array) => topK(int8.scoreAll(q, scores), K) },
    ];
    await interleave(queries.slice(0, 2), variants);
    const times = await interleave(queries, variants);
    latency[String(rows)] = {
      float32: summarize(times.float32, "ms"),
      int8: summarize(times.int8, "ms"),
      float32Bytes: matrix.byteLength,
      int8Bytes: int8.byteLength,
    };
  }
  return { dimension: DIMENSION, k: K, latency };
}
