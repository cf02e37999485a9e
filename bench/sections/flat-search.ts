// Section 6: flat (exact) top-10 latency over 10k, 100k (and 1M with --full) stored vectors: the JS loops
// (shared/vectors.ts scoreRows in float32, worker/stores/int8-matrix.ts in int8) against ONNX Runtime scoring
// graphs (shared/search): onnxruntime-node "fed" float32 (what the CLI's `search` runs), "embedded" float32 and
// int8, and onnxruntime-web (WASM, one thread, as in the Worker) embedded float32 and int8.
import { nodeOrt } from "../../indexer/embed/onnx-runtime.ts";
import type { OrtNamespace } from "../../shared/model/ort-types.ts";
import { createPrng } from "../../shared/prng.ts";
import { EmbeddedScorer, FedScorer, type FlatScorer } from "../../shared/search/flat-scorer.ts";
import { l2NormalizeInPlace, scoreRows, topK } from "../../shared/vectors.ts";
import { Int8Matrix } from "../../worker/stores/int8-matrix.ts";
import { webOrt } from "../lib/ort-web-node.ts";
import type { BenchContext } from "../lib/section.ts";
import { interleave, round, type Summary, since, summarize } from "../lib/stats.ts";

const DIMENSION = 512;
const K = 10;

/** The ONNX Runtime variants, by name in `latency[size].ort`. */
export const ORT_VARIANTS = {
  nodeFed: "node fed float32",
  nodeFloat32: "node embedded float32",
  nodeInt8: "node embedded int8",
  webFloat32: "web embedded float32",
  webInt8: "web embedded int8",
} as const;

export interface FlatSearchFigures {
  dimension: number;
  k: number;
  /** Intra-op threads of the onnxruntime-node sessions (ORT's default: one per physical core). */
  nodeThreads: string;
  /**
   * Milliseconds per query (score every row + top-10) by size ("10000"): `float32` and `int8` are the JS
   * loops; `ort` the ONNX Runtime variants (ORT_VARIANTS), absent where they cannot run (see `skipped`).
   */
  latency: Record<
    string,
    {
      float32: Summary;
      int8: Summary;
      float32Bytes: number;
      int8Bytes: number;
      ort: Record<string, Summary>;
      /** Milliseconds to build the graph and create the session, per ORT variant (one-off cost). */
      ortStartMs: Record<string, number>;
      skipped: Record<string, string>;
    }
  >;
}

interface OrtVariant {
  name: string;
  /** Why it cannot run at this size, or null. */
  skip: (rows: number) => string | null;
  create: (matrix: Float32Array, int8: Int8Matrix, rows: number) => Promise<FlatScorer>;
}

// Below 2 GB: one protobuf message cannot be larger, and ORT-web's 32-bit heap must also hold the copies
// made while the session is created.
const tooLarge = (bytes: number, limit: number, what: string) =>
  bytes > limit ? `${what} of ${Math.round(bytes / 2 ** 20)} MiB is over ${limit / 2 ** 20} MiB` : null;

function variants(): OrtVariant[] {
  const float32 = (ort: OrtNamespace) => (matrix: Float32Array, _: Int8Matrix, rows: number) =>
    EmbeddedScorer.create(ort, { dtype: "float32", rows, dimension: DIMENSION, data: matrix });
  const int8 = (ort: OrtNamespace) => (_: Float32Array, matrix: Int8Matrix) =>
    EmbeddedScorer.create(ort, matrix.scoringMatrix);
  const f32Bytes = (rows: number) => rows * DIMENSION * 4;
  return [
    {
      name: ORT_VARIANTS.nodeFed,
      skip: () => null,
      create: (matrix) => FedScorer.create(nodeOrt, matrix, DIMENSION),
    },
    {
      name: ORT_VARIANTS.nodeFloat32,
      skip: (rows) => tooLarge(f32Bytes(rows), 2 ** 30, "a float32 graph"),
      create: float32(nodeOrt),
    },
    { name: ORT_VARIANTS.nodeInt8, skip: () => null, create: int8(nodeOrt) },
    {
      name: ORT_VARIANTS.webFloat32,
      skip: (rows) => tooLarge(f32Bytes(rows), 2 ** 29, "a float32 matrix in the WASM heap"),
      create: float32(webOrt),
    },
    {
      name: ORT_VARIANTS.webInt8,
      skip: (rows) => tooLarge(rows * DIMENSION, 2 ** 28, "an int8 matrix in the WASM heap"),
      create: int8(webOrt),
    },
  ];
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
    const scorers: { name: string; scorer: FlatScorer }[] = [];
    const ortStartMs: Record<string, number> = {};
    const skipped: Record<string, string> = {};
    for (const variant of variants()) {
      const reason = variant.skip(rows);
      if (reason) {
        skipped[variant.name] = reason;
        continue;
      }
      const start = performance.now();
      scorers.push({ name: variant.name, scorer: await variant.create(matrix, int8, rows) });
      ortStartMs[variant.name] = round(since(start));
    }
    const runs = [
      { name: "float32", run: async (q: Float32Array) => topK(scoreRows(matrix, DIMENSION, q, scores), K) },
      { name: "int8", run: async (q: Float32Array) => topK(int8.scoreAll(q, scores), K) },
      ...scorers.map(({ name, scorer }) => ({
        name,
        run: async (q: Float32Array) => topK(await scorer.score(q), K),
      })),
    ];
    try {
      await interleave(queries.slice(0, 2), runs);
      const times = await interleave(queries, runs);
      latency[String(rows)] = {
        float32: summarize(times.float32, "ms"),
        int8: summarize(times.int8, "ms"),
        float32Bytes: matrix.byteLength,
        int8Bytes: int8.byteLength,
        ort: Object.fromEntries(scorers.map(({ name }) => [name, summarize(times[name], "ms")])),
        ortStartMs,
        skipped,
      };
    } finally {
      for (const { scorer } of scorers) await scorer.release();
    }
  }
  return { dimension: DIMENSION, k: K, nodeThreads: "default", latency };
}
