// Section 2: per-query text encoding latency (batch 1) over real caption lengths: unpadded vs padded to 77,
// fp32 vs the prepared int8 encoder, onnxruntime-node (1 thread) vs onnxruntime-web in Node, and
// Transformers.js on the same model and ids; all variants interleaved query by query. Also int8 vs fp32 cosine.
import { basename, dirname } from "node:path";
import { resolveModelDir } from "../../indexer/embed/model-dir.ts";
import { loadTextEncoder, nodeOrt } from "../../indexer/embed/onnx-runtime.ts";
import { loadEdgeTextEncoder } from "../../indexer/prepare-edge/load-edge-encoder.ts";
import { openWebSession } from "../../indexer/prepare-edge/web-session.ts";
import { ClipTextEncoder } from "../../shared/model/text-encoder.ts";
import { cosine, l2Normalize } from "../../shared/vectors.ts";
import { benchEdgeDir, benchQ8ModelDir, benchSentences } from "../lib/fixtures.ts";
import { webOrt } from "../lib/ort-web-node.ts";
import type { BenchContext } from "../lib/section.ts";
import { interleave, round, type Summary, summarize } from "../lib/stats.ts";
import { loadTransformersTextModel } from "../lib/transformers-js.ts";
import { loadTransformersWebTextModel, type WebTextModel } from "../lib/transformers-js-web.ts";

/** Variant names, "<runtime> <weights> <padding>". */
export const TEXT_VARIANTS = {
  nodeFp32: "onnxruntime-node fp32 unpadded",
  nodeFp32Pad77: "onnxruntime-node fp32 padded-77",
  nodeInt8: "onnxruntime-node int8-edge unpadded",
  webFp32: "onnxruntime-web(node) fp32 unpadded",
  webFp32Pad77: "onnxruntime-web(node) fp32 padded-77",
  webInt8: "onnxruntime-web(node) int8-edge unpadded",
  transformersJs: "transformers.js fp32 unpadded",
  transformersJsWasm: "transformers.js(web build) q8 wasm unpadded (its defaults)",
} as const;

export interface TextEncoderFigures {
  queries: { source: string; count: number; meanTokens: number; tokens: Summary };
  /** Milliseconds per query (batch 1, tokenization excluded: every variant gets the same ids). */
  latency: Record<string, Summary>;
  /** Cosine of the int8 edge vectors to the fp32 vectors, per query. */
  cosineInt8VsFp32: { mean: number; min: number; runs: number };
  /** Cosine of Transformers.js's vectors to ours (fp32): ~1 means the same computation. */
  cosineTransformersJsVsOurs: { mean: number; min: number; runs: number } | null;
  /** Cosine to fp32 of our Worker path (int8 edge in onnxruntime-web) and of Transformers.js's q8 in WASM. */
  cosineWebInt8VsFp32: { mean: number; min: number; runs: number };
  cosineTransformersJsQ8VsFp32: { mean: number; min: number; runs: number } | null;
  /** What Transformers.js's browser build chose by default, and where its q8 file came from. */
  transformersJsWasm: { dtype: string; device: string; q8File: string } | null;
  skipped: Record<string, string>;
}

function cosineStats(pairs: [Float32Array, Float32Array][]) {
  const values = pairs.map(([a, b]) => cosine(a, b));
  return {
    mean: round(values.reduce((s, v) => s + v, 0) / Math.max(1, values.length)),
    min: round(Math.min(...values)),
    runs: values.length,
  };
}

export async function benchTextEncoder(context: BenchContext): Promise<TextEncoderFigures> {
  const { source, sentences } = benchSentences(context.modelDir);
  const count = context.full ? sentences.length : 50;
  // Every k-th sentence, so the quick mode keeps the length distribution of the whole set.
  const step = sentences.length / count;
  const queries = Array.from({ length: count }, (_, i) => sentences[Math.floor(i * step)]);
  const model = resolveModelDir(context.modelDir, { towers: ["text"] });
  const start = 49406;
  const end = 49407;
  const ids = queries.map((q) => [start, ...q.ids.slice(0, model.config.contextLength - 2), end]);
  const skipped: Record<string, string> = {};

  context.log("  loading encoders (node fp32, node int8, web fp32, web int8, Transformers.js) ...");
  const node = await loadTextEncoder(model, { threads: 1, batchSize: 1 });
  // Padded-77 runs get their own session: our queries are never padded, and sharing one session would let
  // the 77-token runs reshape the unpadded runs' memory arena (a cost the product never pays).
  const nodePadded = await loadTextEncoder(model, { threads: 1, batchSize: 1 });
  const edgeDir = await benchEdgeDir(context.modelDir);
  const nodeInt8 = await loadEdgeTextEncoder(nodeOrt, edgeDir, { intraOpNumThreads: 1 });
  const web = new ClipTextEncoder(
    webOrt,
    await openWebSession(webOrt, model.models.text!.path),
    node.tokenizer,
    {
      dimension: model.config.projectionDim,
      contextLength: model.config.contextLength,
      batchSize: 1,
    },
  );
  const webInt8 = await loadEdgeTextEncoder(webOrt, edgeDir);
  let transformersWasm: WebTextModel | undefined;
  try {
    const [parent, name] = benchQ8ModelDir(context.modelDir);
    transformersWasm = await loadTransformersWebTextModel(parent, name);
  } catch (error) {
    skipped[TEXT_VARIANTS.transformersJsWasm] =
      `Transformers.js (browser build) could not load the q8 model: ${(error as Error).message}`;
  }
  let transformers: Awaited<ReturnType<typeof loadTransformersTextModel>> | undefined;
  try {
    transformers = await loadTransformersTextModel(dirname(model.dir), basename(model.dir));
  } catch (error) {
    skipped[TEXT_VARIANTS.transformersJs] =
      `Transformers.js could not load the model: ${(error as Error).message}`;
  }

  const fp32Vectors: Float32Array[] = [];
  const int8Vectors: Float32Array[] = [];
  const theirVectors: Float32Array[] = [];
  const webInt8Vectors: Float32Array[] = [];
  const theirQ8Vectors: Float32Array[] = [];
  const variants: { name: string; run: (row: number[], i: number) => Promise<unknown> }[] = [
    {
      name: TEXT_VARIANTS.nodeFp32,
      run: async (row: number[], i: number) => {
        fp32Vectors[i] = (await node.encoder.encodeIds([row]))[0];
      },
    },
    {
      name: TEXT_VARIANTS.nodeFp32Pad77,
      run: (row: number[]) => nodePadded.encoder.encodeIds([row], { padTo: 77 }),
    },
    {
      name: TEXT_VARIANTS.nodeInt8,
      run: async (row: number[], i: number) => {
        int8Vectors[i] = (await nodeInt8.encodeIds([row]))[0];
      },
    },
    { name: TEXT_VARIANTS.webFp32, run: (row: number[]) => web.encodeIds([row]) },
    { name: TEXT_VARIANTS.webFp32Pad77, run: (row: number[]) => web.encodeIds([row], { padTo: 77 }) },
    {
      name: TEXT_VARIANTS.webInt8,
      run: async (row: number[], i: number) => {
        webInt8Vectors[i] = (await webInt8.encodeIds([row]))[0];
      },
    },
  ];
  if (transformersWasm) {
    const t = transformersWasm;
    variants.push({
      name: TEXT_VARIANTS.transformersJsWasm,
      run: async (row: number[], i: number) => {
        theirQ8Vectors[i] = l2Normalize(await t.encodeIds(row));
      },
    });
  }
  if (transformers) {
    const t = transformers;
    variants.push({
      name: TEXT_VARIANTS.transformersJs,
      run: async (row: number[], i: number) => {
        // Transformers.js returns raw text_embeds; normalizing is part of producing a query vector.
        theirVectors[i] = l2Normalize(await t.encodeIds(row));
      },
    });
  }
  // Warm-up (first runs allocate and JIT), not measured.
  await interleave(ids.slice(0, 3), variants);
  context.log(`  ${variants.length} variants x ${ids.length} queries, interleaved ...`);
  const times = await interleave(ids, variants);

  await Promise.all([
    node.encoder.release(),
    nodePadded.encoder.release(),
    nodeInt8.release(),
    web.release(),
    webInt8.release(),
    transformers?.dispose(),
    transformersWasm?.dispose(),
  ]);
  const lengths = ids.map((row) => row.length);
  return {
    queries: {
      source,
      count: ids.length,
      meanTokens: round(lengths.reduce((a, b) => a + b, 0) / lengths.length),
      tokens: summarize(lengths, "tokens (start/end included)"),
    },
    latency: Object.fromEntries(Object.entries(times).map(([name, t]) => [name, summarize(t, "ms")])),
    cosineInt8VsFp32: cosineStats(fp32Vectors.map((v, i) => [v, int8Vectors[i]])),
    cosineTransformersJsVsOurs: transformers
      ? cosineStats(fp32Vectors.map((v, i) => [v, theirVectors[i]]))
      : null,
    cosineWebInt8VsFp32: cosineStats(fp32Vectors.map((v, i) => [v, webInt8Vectors[i]])),
    cosineTransformersJsQ8VsFp32: transformersWasm
      ? cosineStats(fp32Vectors.map((v, i) => [v, theirQ8Vectors[i]]))
      : null,
    transformersJsWasm: transformersWasm
      ? {
          ...transformersWasm.config,
          q8File: "ours (indexer/prepare-edge/quantize-tower.ts), not the conversion script's",
        }
      : null,
    skipped,
  };
}
