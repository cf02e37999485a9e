// Bench: the prepared (edge) text encoder vs the fp32 source in onnxruntime-web (Node, 1 thread): directory
// sizes, cosine to fp32 over the MSR-VTT 1k-A sentences, per-query latency and WASM heap after session creation.
// Usage: npx tsx bench/edge-encoder.ts [--model DIR] [--work DIR] [--sentences N] [--json]
//   --model DIR   source CLIP model directory (default: `generate random --arch vit-b32` with CLIP's vocabulary)
//   --work DIR    where prepared models and vectors go (default data/bench-edge)
//   --sentences N  sentences for cosine and per-encoder timing (default 1000)
//   --latency-sentences N  sentences for the interleaved latency run (default 200)
// Each encoder first runs alone in its own child process (the WASM heap only grows, so heap sizes need a fresh
// one); then one child runs all encoders with queries interleaved, the fair latency comparison on a busy machine.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { OrtNamespace } from "../shared/model/ort-types.ts";
import { cosine } from "../shared/vectors.ts";

const ROOT = resolve(fileURLToPath(new URL("..", import.meta.url)));
const SENTENCES_FILE = resolve(ROOT, "..", "shared", "clip", "msrvtt_1ka_tokens.json");

/** One encoder configuration measured in a child process. */
interface Variant {
  name: string;
  /** "fp32" runs the source text_model.onnx; otherwise a prepare-edge output directory. */
  kind: "fp32" | "edge";
  dir: string;
}

/** What a child process reports. */
interface Measurement {
  name: string;
  /** ORT's WASM linear memory right after session creation, bytes. */
  heapAfterCreateBytes: number;
  /** WASM memory after encoding every sentence, bytes. */
  heapAfterRunBytes: number;
  /** Graph + external data bytes handed to InferenceSession.create. */
  modelBufferBytes: number;
  createMs: number;
  latencyMs: { mean: number; median: number; p90: number };
  vectorsFile: string;
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => {
    const path = join(dir, name);
    return sum + (statSync(path).isDirectory() ? dirBytes(path) : statSync(path).size);
  }, 0);
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

function loadSentences(count: number): { text: string; ids: number[] }[] {
  if (!existsSync(SENTENCES_FILE)) throw new Error(`${SENTENCES_FILE} not found (../shared reference data)`);
  return (JSON.parse(readFileSync(SENTENCES_FILE, "utf8")).cases as { text: string; ids: number[] }[]).slice(
    0,
    count,
  );
}

type EncodeIds = (ids: number[][]) => Promise<Float32Array[]>;

/** Loads onnxruntime-web (1 thread) and returns it with a reader of its WASM linear memory size. */
async function startOrt() {
  let memory: WebAssembly.Memory | undefined;
  const original = WebAssembly.instantiate;
  // ORT creates or exports its linear memory during instantiation: keep a handle to read its size.
  const patched = async (source: unknown, imports?: WebAssembly.Imports) => {
    const result = (await (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(
      source,
      imports,
    )) as { instance: WebAssembly.Instance } | WebAssembly.Instance;
    const instance = "instance" in result ? result.instance : result;
    for (const value of [
      ...Object.values(instance.exports),
      ...Object.values(imports ?? {}).flatMap(Object.values),
    ])
      if (value instanceof WebAssembly.Memory) memory = value;
    return result;
  };
  WebAssembly.instantiate = patched as typeof WebAssembly.instantiate;
  const ort = await import("onnxruntime-web");
  ort.env.wasm.numThreads = 1;
  return { ort, heapBytes: () => memory?.buffer.byteLength ?? 0 };
}

/** Opens one variant in `ort`; returns its encodeIds and the bytes handed to session creation. */
async function openVariant(
  ort: OrtNamespace,
  variant: Variant,
): Promise<{ encodeIds: EncodeIds; modelBufferBytes: number }> {
  const { ClipTextEncoder } = await import("../shared/model/text-encoder.ts");
  const { ClipTokenizer } = await import("../shared/tokenizer/clip-tokenizer.ts");
  const { readModelFiles } = await import("../indexer/prepare-edge/web-session.ts");
  const { loadEdgeTextEncoder, readEdgeManifest } = await import(
    "../indexer/prepare-edge/load-edge-encoder.ts"
  );
  const { resolveModelDir } = await import("../indexer/embed/model-dir.ts");
  if (variant.kind === "fp32") {
    const source = resolveModelDir(variant.dir, { towers: ["text"] });
    const files = readModelFiles(source.models.text!.path);
    const modelBufferBytes =
      files.bytes.byteLength + files.externalData.reduce((s, f) => s + f.data.byteLength, 0);
    const session = await ort.InferenceSession.create(files.bytes, { externalData: files.externalData });
    const tokenizer = ClipTokenizer.fromFiles(
      readFileSync(source.vocabPath, "utf8"),
      readFileSync(source.mergesPath, "utf8"),
    );
    const encoder = new ClipTextEncoder(ort, session, tokenizer, {
      dimension: source.config.projectionDim,
      contextLength: source.config.contextLength,
      batchSize: 1,
    });
    return { encodeIds: (ids) => encoder.encodeIds(ids), modelBufferBytes };
  }
  const manifest = readEdgeManifest(variant.dir);
  const modelBufferBytes = [manifest.graph.file, ...manifest.graph.externalData].reduce(
    (s, f) => s + statSync(join(variant.dir, f)).size,
    0,
  );
  const encoder = await loadEdgeTextEncoder(ort, variant.dir);
  return { encodeIds: (ids) => encoder.encodeIds(ids), modelBufferBytes };
}

function summarize(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    median: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
  };
}

/** Child: one encoder alone in a fresh WASM heap; encodes every sentence (vectors to `out`). */
async function measure(variant: Variant, count: number, out: string): Promise<Measurement> {
  const { ort, heapBytes } = await startOrt();
  const ids = loadSentences(count).map((s) => [49406, ...s.ids, 49407]);
  const started = performance.now();
  const { encodeIds, modelBufferBytes } = await openVariant(ort, variant);
  const createMs = performance.now() - started;
  const heapAfterCreateBytes = heapBytes();
  const times: number[] = [];
  const vectors: Float32Array[] = [];
  for (const row of ids) {
    const t0 = performance.now();
    const [vector] = await encodeIds([row]);
    times.push(performance.now() - t0);
    vectors.push(vector);
  }
  const flat = new Float32Array(vectors.length * vectors[0].length);
  for (const [i, vector] of vectors.entries()) flat.set(vector, i * vector.length);
  writeFileSync(out, flat);
  return {
    name: variant.name,
    heapAfterCreateBytes,
    heapAfterRunBytes: heapBytes(),
    modelBufferBytes,
    createMs,
    latencyMs: summarize(times),
    vectorsFile: out,
  };
}

/**
 * Child: every variant in one process, queries interleaved round-robin, so that load from other processes
 * on a shared machine slows all variants alike; the fair comparison of per-query latency.
 */
async function interleaved(
  variants: Variant[],
  count: number,
): Promise<Record<string, ReturnType<typeof summarize>>> {
  const { ort } = await startOrt();
  const ids = loadSentences(count).map((s) => [49406, ...s.ids, 49407]);
  const encoders = [];
  for (const variant of variants) encoders.push((await openVariant(ort, variant)).encodeIds);
  for (const encodeIds of encoders) for (const row of ids.slice(0, 5)) await encodeIds([row]); // warm-up
  const times = variants.map((): number[] => []);
  for (const row of ids)
    for (const [v, encodeIds] of encoders.entries()) {
      const t0 = performance.now();
      await encodeIds([row]);
      times[v].push(performance.now() - t0);
    }
  return Object.fromEntries(variants.map((variant, v) => [variant.name, summarize(times[v])]));
}

function runChild(args: string[]): string {
  const stdout = execFileSync(
    process.execPath,
    ["--import", "tsx", fileURLToPath(import.meta.url), ...args],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 24,
    },
  );
  return stdout.trim().split("\n").at(-1)!;
}

async function main() {
  const { values } = parseArgs({
    options: {
      model: { type: "string" },
      work: { type: "string" },
      sentences: { type: "string" },
      json: { type: "boolean" },
      child: { type: "string" },
      interleave: { type: "string" },
      out: { type: "string" },
      "latency-sentences": { type: "string" },
    },
  });
  const count = Number(values.sentences ?? 1000);
  if (values.child) {
    const result = await measure(JSON.parse(values.child) as Variant, count, values.out!);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (values.interleave) {
    const result = await interleaved(JSON.parse(values.interleave) as Variant[], count);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const work = resolve(values.work ?? join(ROOT, "data", "bench-edge"));
  const { prepareEdgeModel } = await import("../indexer/prepare-edge/prepare-edge-model.ts");
  let modelDir = values.model;
  if (!modelDir) {
    const { benchModelDir } = await import("./lib/fixtures.ts");
    process.stderr.write("random ViT-B/32 (generate random, cached under models/.cache) ...\n");
    modelDir = benchModelDir();
  }
  modelDir = resolve(modelDir);
  const variants: Variant[] = [{ name: "fp32", kind: "fp32", dir: modelDir }];
  const sizes: Record<string, number> = { "source text tower": 0 };
  const { resolveModelDir } = await import("../indexer/embed/model-dir.ts");
  const { readModelFiles } = await import("../indexer/prepare-edge/web-session.ts");
  const files = readModelFiles(resolveModelDir(modelDir, { towers: ["text"] }).models.text!.path);
  sizes["source text tower"] =
    files.bytes.byteLength + files.externalData.reduce((s, f) => s + f.data.byteLength, 0);
  for (const [table, matmul] of [
    ["int8", "integer"],
    ["int8", "dqmm"],
    ["float16", "integer"],
  ] as const) {
    const name = `edge ${table} table, ${matmul}`;
    const dir = join(work, `edge-${table}-${matmul}`);
    process.stderr.write(`prepare-edge --table ${table} --matmul ${matmul} ...\n`);
    await prepareEdgeModel({ modelDir, outDir: dir, table, matmul });
    sizes[name] = dirBytes(dir);
    variants.push({ name, kind: "edge", dir });
  }
  const results: (Measurement & { cosine?: { mean: number; min: number } })[] = [];
  for (const variant of variants) {
    process.stderr.write(`measuring ${variant.name} ...\n`);
    const out = join(work, `vectors-${variant.name.replace(/\W+/g, "-")}.f32`);
    const args = ["--child", JSON.stringify(variant), "--sentences", String(count), "--out", out];
    results.push(JSON.parse(runChild(args)) as Measurement);
  }
  const latencyCount = Number(values["latency-sentences"] ?? 200);
  process.stderr.write(`interleaved latency over ${latencyCount} sentences ...\n`);
  const latency = JSON.parse(
    runChild(["--interleave", JSON.stringify(variants), "--sentences", String(latencyCount)]),
  ) as Record<string, ReturnType<typeof summarize>>;
  const reference = new Float32Array(readFileSync(results[0].vectorsFile).buffer.slice(0));
  const dimension = reference.length / count;
  for (const result of results.slice(1)) {
    const vectors = new Float32Array(readFileSync(result.vectorsFile).buffer.slice(0));
    const cosines = Array.from({ length: count }, (_, i) =>
      cosine(
        vectors.subarray(i * dimension, (i + 1) * dimension),
        reference.subarray(i * dimension, (i + 1) * dimension),
      ),
    );
    result.cosine = { mean: cosines.reduce((a, b) => a + b, 0) / count, min: Math.min(...cosines) };
  }
  const report = { modelDir, sentences: count, sizesBytes: sizes, results, interleavedLatencyMs: latency };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  process.stdout.write(
    `sizes (MiB): ${Object.entries(sizes)
      .map(([k, v]) => `${k} ${mib(v)}`)
      .join("; ")}\n`,
  );
  process.stdout.write(
    "encoder | heap after create MiB | model buffer MiB | create ms | alone: latency mean/median/p90 ms | interleaved: mean/median/p90 ms | cosine to fp32 mean/min\n",
  );
  for (const r of results)
    process.stdout.write(
      `${r.name} | ${mib(r.heapAfterCreateBytes)} | ${mib(r.modelBufferBytes)} | ${r.createMs.toFixed(0)} | ` +
        `${r.latencyMs.mean.toFixed(2)}/${r.latencyMs.median.toFixed(2)}/${r.latencyMs.p90.toFixed(2)} | ` +
        `${latency[r.name].mean.toFixed(2)}/${latency[r.name].median.toFixed(2)}/${latency[r.name].p90.toFixed(2)} | ` +
        `${r.cosine ? `${r.cosine.mean.toFixed(5)}/${r.cosine.min.toFixed(5)}` : "-"}\n`,
    );
}

await main();
