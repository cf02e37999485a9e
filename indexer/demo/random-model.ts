// Writes a complete CLIP model directory with seeded random weights (Hugging Face / Transformers.js
// layout): config files, tokenizer files, onnx/text_model.onnx and onnx/vision_model.onnx + external data.
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { GraphBuilder } from "../onnx/graph-builder.ts";
import { type WrittenModel, writeOnnxModel } from "../onnx/write-model.ts";
import { type ClipArch, TINY, VIT_B32 } from "./clip-graph/clip-arch.ts";
import { buildClipTextGraph } from "./clip-graph/clip-text-graph.ts";
import { buildClipVisionGraph } from "./clip-graph/clip-vision-graph.ts";
import { writeModelConfigFiles } from "./model-config-files.ts";
import { randomParameters } from "./random-weights.ts";
import { readVocabulary, writeTokenizerFiles } from "./vocab-files.ts";
import { type BpeVocabulary, generateVocabulary } from "./vocab-generate.ts";

/** Architectures `generate random` can write. */
export const RANDOM_ARCHS = { "vit-b32": VIT_B32, tiny: TINY } as const;
export type RandomArchName = keyof typeof RANDOM_ARCHS;

/** Size of the generated vocabulary when no --vocab is given. */
const GENERATED_VOCAB_SIZE: Record<RandomArchName, number> = { "vit-b32": 49408, tiny: 2048 };

export interface RandomModelOptions {
  arch: RandomArchName;
  /** Directory to create or fill (existing model files in it are replaced). */
  outDir: string;
  seed?: number;
  /** Directory with vocab.json + merges.txt (e.g. ../shared/clip); a generated vocabulary otherwise. */
  vocabDir?: string;
  /** Progress messages for people. */
  onProgress?: (message: string) => void;
}

export interface RandomModelSummary {
  dir: string;
  id: string;
  arch: RandomArchName;
  seed: number;
  vocabSize: number;
  projectionDim: number;
  parameters: { text: number; vision: number };
  /** Bytes on disk of each tower (.onnx + external data). */
  bytes: { text: number; vision: number };
  seconds: number;
}

/** Model id written to config.json `_name_or_path`. */
export function randomModelId(arch: RandomArchName, seed: number, generatedVocab: boolean): string {
  return `random-clip-${arch}-seed${seed}${generatedVocab ? "-genvocab" : ""}`;
}

/** Hugging Face config.json of a CLIP model with `arch`. */
function clipConfigJson(id: string, arch: ClipArch, vocabSize: number): unknown {
  const { text, vision } = arch;
  return {
    _name_or_path: id,
    architectures: ["CLIPModel"],
    model_type: "clip",
    projection_dim: arch.projectionDim,
    logit_scale_init_value: 2.6592,
    initializer_factor: 1.0,
    torch_dtype: "float32",
    text_config: {
      model_type: "clip_text_model",
      vocab_size: vocabSize,
      hidden_size: text.width,
      intermediate_size: text.mlpWidth,
      num_hidden_layers: text.layers,
      num_attention_heads: text.heads,
      max_position_embeddings: text.contextLength,
      hidden_act: "quick_gelu",
      layer_norm_eps: arch.layerNormEps,
      projection_dim: arch.projectionDim,
      bos_token_id: vocabSize - 2,
      eos_token_id: vocabSize - 1,
      pad_token_id: vocabSize - 1,
    },
    vision_config: {
      model_type: "clip_vision_model",
      hidden_size: vision.width,
      intermediate_size: vision.mlpWidth,
      num_hidden_layers: vision.layers,
      num_attention_heads: vision.heads,
      image_size: vision.imageSize,
      patch_size: vision.patchSize,
      num_channels: 3,
      hidden_act: "quick_gelu",
      layer_norm_eps: arch.layerNormEps,
      projection_dim: arch.projectionDim,
    },
    // Transformers.js then fetches onnx/<tower>.onnx_data beside each graph (needed in browsers).
    "transformers.js_config": { use_external_data_format: true },
  };
}

function fileBytes(...paths: (string | null)[]): number {
  return paths.reduce((sum, path) => sum + (path ? statSync(path).size : 0), 0);
}

/** Writes a tower at its own opset (14, as the Hugging Face exports) with its weights in `<file>_data`. */
function writeTower(path: string, graph: GraphBuilder, metadata: Record<string, string>): WrittenModel {
  return writeOnnxModel(path, graph, { metadata });
}

/** Generates the model directory; the towers are built and written one at a time to bound memory. */
export function writeRandomModel(options: RandomModelOptions): RandomModelSummary {
  const started = performance.now();
  const seed = options.seed ?? 0;
  const progress = options.onProgress ?? (() => {});
  const vocabulary: BpeVocabulary = options.vocabDir
    ? readVocabulary(options.vocabDir)
    : generateVocabulary(GENERATED_VOCAB_SIZE[options.arch]);
  const base = RANDOM_ARCHS[options.arch];
  const arch: ClipArch = { ...base, text: { ...base.text, vocabSize: vocabulary.tokens.length } };
  const id = randomModelId(options.arch, seed, !options.vocabDir);
  const dir = options.outDir;
  const onnxDir = join(dir, "onnx");
  mkdirSync(onnxDir, { recursive: true });
  // Stale files of an earlier export would shadow ours (top level is searched first).
  for (const stale of ["text_model.onnx", "vision_model.onnx"]) rmSync(join(dir, stale), { force: true });

  writeModelConfigFiles(dir, clipConfigJson(id, arch, arch.text.vocabSize), arch.vision.imageSize);
  writeTokenizerFiles(dir, vocabulary, arch.text.contextLength);

  const params = randomParameters(seed);
  const metadata = { model_id: id, generator: `generate random --arch ${options.arch} --seed ${seed}` };
  progress(`building text tower (${options.arch}, seed ${seed})`);
  const textGraph = buildClipTextGraph(arch, params);
  const textParameters = textGraph.parameterCount();
  progress(`writing onnx/text_model.onnx (${textParameters.toLocaleString("en-US")} parameters)`);
  const text = writeTower(join(onnxDir, "text_model.onnx"), textGraph, metadata);
  textGraph.initializers.length = 0;

  progress("building vision tower");
  const visionGraph = buildClipVisionGraph(arch, params);
  const visionParameters = visionGraph.parameterCount();
  progress(`writing onnx/vision_model.onnx (${visionParameters.toLocaleString("en-US")} parameters)`);
  const vision = writeTower(join(onnxDir, "vision_model.onnx"), visionGraph, metadata);

  return {
    dir,
    id,
    arch: options.arch,
    seed,
    vocabSize: arch.text.vocabSize,
    projectionDim: arch.projectionDim,
    parameters: { text: textParameters, vision: visionParameters },
    bytes: {
      text: fileBytes(text.modelPath, text.dataPath),
      vision: fileBytes(vision.modelPath, vision.dataPath),
    },
    seconds: (performance.now() - started) / 1000,
  };
}
