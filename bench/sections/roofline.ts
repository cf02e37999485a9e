// Section 7: the roofline line: this machine's measured fp32 MatMul rate (onnxruntime-node, 1 and 2 threads;
// onnxruntime-web in Node, 1 thread) and the text encoder's FLOPs per query, so each latency can be stated
// as a fraction of what the machine can do.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveModelDir } from "../../indexer/embed/model-dir.ts";
import { nodeOrt } from "../../indexer/embed/onnx-runtime.ts";
import type { OrtNamespace, OrtSessionOptions } from "../../shared/model/ort-types.ts";
import { encodeModel } from "../../shared/onnx/encode-model.ts";
import { createPrng } from "../../shared/prng.ts";
import { webOrt } from "../lib/ort-web-node.ts";
import type { BenchContext } from "../lib/section.ts";
import { round, type Summary, since, summarize } from "../lib/stats.ts";

/** A MatMul [M,K] x [K,N] shaped like the text encoder's MLP on a long query (many rows, CLIP widths). */
const M = 256;
const K = 512;
const N = 2048;

export interface RooflineFigures {
  matmul: { m: number; k: number; n: number; flopsPerRun: number };
  /** GFLOP/s per run, by runtime. */
  gflops: Record<string, Summary>;
  /** Multiply-adds of the text encoder for one query of `tokens` tokens, times 2 (FLOPs). */
  textEncoder: {
    layers: number;
    width: number;
    mlp: number;
    projection: number;
    meanTokens: number;
    flopsPerQuery: number;
    flopsPerQueryPadded77: number;
  };
}

function matmulModel(): Uint8Array {
  const input = (name: string, dims: number[]) => ({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "matmul",
      input: [input("a", [M, K]), input("b", [K, N])],
      output: [input("c", [M, N])],
      node: [{ opType: "MatMul", input: ["a", "b"], output: ["c"] }],
    },
  });
}

/** FLOPs of a CLIP text transformer on n tokens (matmuls only; softmax, norms and GELU are a few %). */
function textEncoderFlops(n: number, layers: number, width: number, mlp: number, projection: number): number {
  const perLayer = 2 * n * (4 * width * width + 2 * width * mlp) + 2 * 2 * n * n * width;
  return layers * perLayer + 2 * width * projection;
}

async function rate(ort: OrtNamespace, options: OrtSessionOptions, runs: number): Promise<Summary> {
  const session = await ort.InferenceSession.create(matmulModel(), options);
  const prng = createPrng(11);
  const a = new ort.Tensor(
    "float32",
    Float32Array.from({ length: M * K }, () => prng.next()),
    [M, K],
  );
  const b = new ort.Tensor(
    "float32",
    Float32Array.from({ length: K * N }, () => prng.next()),
    [K, N],
  );
  await session.run({ a, b });
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const out = await session.run({ a, b });
    samples.push((2 * M * K * N) / (since(start) / 1000) / 1e9);
    for (const t of Object.values(out)) t.dispose?.();
  }
  await session.release();
  return summarize(samples.map(round), "GFLOP/s");
}

export async function benchRoofline(context: BenchContext, meanTokens: number): Promise<RooflineFigures> {
  const runs = context.full ? 100 : 30;
  const gflops: Record<string, Summary> = {};
  gflops["onnxruntime-node 1 thread"] = await rate(
    nodeOrt,
    { intraOpNumThreads: 1, executionProviders: ["cpu"] },
    runs,
  );
  gflops["onnxruntime-node 2 threads"] = await rate(
    nodeOrt,
    { intraOpNumThreads: 2, executionProviders: ["cpu"] },
    runs,
  );
  gflops["onnxruntime-web(node) 1 thread"] = await rate(webOrt, {}, runs);
  const model = resolveModelDir(context.modelDir, { towers: ["text"] });
  // The layer sizes are only in config.json's text_config (clip-config.ts does not need them).
  const raw = JSON.parse(readFileSync(join(model.dir, "config.json"), "utf8")) as {
    text_config: { num_hidden_layers: number; hidden_size: number; intermediate_size: number };
  };
  const layers = raw.text_config.num_hidden_layers;
  const width = raw.text_config.hidden_size;
  const mlp = raw.text_config.intermediate_size;
  const projection = model.config.projectionDim;
  return {
    matmul: { m: M, k: K, n: N, flopsPerRun: 2 * M * K * N },
    gflops,
    textEncoder: {
      layers,
      width,
      mlp,
      projection,
      meanTokens,
      flopsPerQuery: Math.round(textEncoderFlops(meanTokens, layers, width, mlp, projection)),
      flopsPerQueryPadded77: Math.round(textEncoderFlops(77, layers, width, mlp, projection)),
    },
  };
}
