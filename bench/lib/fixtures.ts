// Bench fixtures, generated once into gitignored folders and reused: the random ViT-B/32 model directory,
// its prepared (int8 edge) text encoder, a synthetic flat index of N videos, and the caption sentences.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveModelDir } from "../../indexer/embed/model-dir.ts";
import { writeIndexAtomically } from "../../indexer/index/writer.ts";
import { readEdgeManifest } from "../../indexer/prepare-edge/load-edge-encoder.ts";
import { prepareEdgeModel } from "../../indexer/prepare-edge/prepare-edge-model.ts";
import { writeQuantizedTower } from "../../indexer/prepare-edge/quantize-tower.ts";
import { createPrng } from "../../shared/prng.ts";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { fixtureIndex, fixtureModel } from "../../test/fixtures/factory.ts";

/** Repository root. */
export const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** ../shared reference data (absent on a fresh clone without it). */
export const SHARED = resolve(ROOT, "..", "shared");
/** Where the bench keeps what it generates (gitignored /data). */
export const BENCH_DATA = join(ROOT, "data", "bench");

const SENTENCES_FILE = join(SHARED, "clip", "msrvtt_1ka_tokens.json");

/** True when ../shared holds the CLIP vocabulary and the 1k-A sentences. */
function hasSharedClip(): boolean {
  return existsSync(SENTENCES_FILE) && existsSync(join(SHARED, "clip", "vocab.json"));
}

/** The random ViT-B/32 directory (CLIP's vocabulary from ../shared when present), generated on first use. */
export function benchModelDir(): string {
  return fixtureModel({
    kind: "random",
    arch: "vit-b32",
    seed: 0,
    vocabDir: hasSharedClip() ? join(SHARED, "clip") : undefined,
  });
}

/** The model's id (config.json `_name_or_path`) as indexes and the edge encoder carry it. */
export function benchModelId(modelDir: string): string {
  return resolveModelDir(modelDir, { towers: ["text"] }).id;
}

/** The prepared int8 edge encoder of `modelDir` (int8 table, integer MatMuls), prepared on first use. */
export async function benchEdgeDir(modelDir: string): Promise<string> {
  const dir = join(BENCH_DATA, `edge-int8-${benchModelId(modelDir)}`);
  if (existsSync(join(dir, "edge.json"))) {
    try {
      readEdgeManifest(dir);
      return dir;
    } catch {
      // Stale or partial: prepare again below.
    }
  }
  await prepareEdgeModel({ modelDir, outDir: dir, table: "int8", matmul: "integer" });
  return dir;
}

/**
 * `modelDir` as Transformers.js's q8 slot expects it: `<BENCH_DATA>/tjs-q8-<id>/model/` with config.json and
 * onnx/text_model_quantized.onnx (int8 by our quantize-tower.ts: Python's onnxruntime.quantization, which the
 * conversion script uses, cannot be installed here). Returns [parent, name] for from_pretrained.
 */
export function benchQ8ModelDir(modelDir: string): [string, string] {
  const parent = join(BENCH_DATA, `tjs-q8-${benchModelId(modelDir)}`);
  const dir = join(parent, "model");
  const file = join(dir, "onnx", "text_model_quantized.onnx");
  mkdirSync(join(dir, "onnx"), { recursive: true });
  // The quantized tower is written inline: Transformers.js must not look for the fp32 export's .onnx_data.
  const config = JSON.parse(readFileSync(join(modelDir, "config.json"), "utf8"));
  delete config["transformers.js_config"]?.use_external_data_format;
  writeFileSync(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  if (!existsSync(file)) {
    const source = resolveModelDir(modelDir, { towers: ["text"] }).models.text!.path;
    writeQuantizedTower(source, `${file}.partial.onnx`);
    renameSync(`${file}.partial.onnx`, file);
  }
  return [parent, "model"];
}

/** A synthetic flat index of `videos` videos (one mean vector each, float16) for `modelId`, written once. */
export async function benchIndexDir(modelId: string, dimension: number, videos: number): Promise<string> {
  const dir = join(BENCH_DATA, `index-${videos}-${modelId}`);
  if (existsSync(join(dir, "manifest.json"))) return dir;
  const data = fixtureIndex({ kind: "synthetic", videos, dimension, seed: 7, modelId, dtype: "float16" });
  await writeIndexAtomically(dir, data);
  return dir;
}

/** A caption and its ids without start/end tokens. */
export interface Sentence {
  text: string;
  ids: number[];
}

const WORDS = [
  "a",
  "man",
  "woman",
  "dog",
  "car",
  "is",
  "driving",
  "playing",
  "with",
  "the",
  "ball",
  "on",
  "street",
];

/**
 * The 1000 MSR-VTT 1k-A test sentences from ../shared; without it, 1000 seeded sentences of similar
 * length tokenized with `modelDir`'s (generated) vocabulary.
 */
export function benchSentences(modelDir: string): { source: string; sentences: Sentence[] } {
  if (existsSync(SENTENCES_FILE)) {
    const cases = (JSON.parse(readFileSync(SENTENCES_FILE, "utf8")) as { cases: Sentence[] }).cases;
    return { source: "MSR-VTT 1k-A (../shared/clip/msrvtt_1ka_tokens.json)", sentences: cases };
  }
  const model = resolveModelDir(modelDir, { towers: ["text"] });
  const tokenizer = ClipTokenizer.fromFiles(
    readFileSync(model.vocabPath, "utf8"),
    readFileSync(model.mergesPath, "utf8"),
  );
  const prng = createPrng(12345);
  const sentences = Array.from({ length: 1000 }, () => {
    const text = Array.from({ length: 5 + prng.nextInt(10) }, () => WORDS[prng.nextInt(WORDS.length)]).join(
      " ",
    );
    return { text, ids: tokenizer.encode(text).ids.slice(1, -1) };
  });
  return { source: "1000 seeded synthetic sentences (../shared absent)", sentences };
}
