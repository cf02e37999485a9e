// Writes the toy CLIP model directory (`generate toy`): the Hugging Face layout of a real export, with
// towers whose embeddings mean something on the synthetic videos of toy-videos.ts.
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { writeOnnxModel } from "../onnx/write-model.ts";
import { MODEL_CONFIG_FILES, writeModelConfigFiles } from "./model-config-files.ts";
import { toyWordAxes } from "./toy-concepts.ts";
import { randomRotation } from "./toy-space.ts";
import { buildTokenTable, buildToyTextGraph } from "./toy-text-model.ts";
import { buildToyVisionGraph, TOY_IMAGE_SIZE } from "./toy-vision-model.ts";
import { buildToyVocabulary } from "./toy-vocabulary.ts";
import { writeTokenizerFiles } from "./vocab-files.ts";

/** Model id written to config.json `_name_or_path`. */
export const TOY_MODEL_ID = "toy-clip";
/** CLIP's context length (the toy model accepts any length; the tokenizer truncates to this). */
export const TOY_CONTEXT_LENGTH = 77;
/** Default embedding dimension (projection_dim). */
export const TOY_DEFAULT_DIM = 64;

export interface ToyModelOptions {
  /** Seeds the rotation of the embedding space and the filler-word noise (default 1). */
  seed?: number;
  /** projection_dim, at least 32 (default 64). */
  dim?: number;
}

/** What was written, for the command's summary. */
export interface ToyModelSummary {
  dir: string;
  id: string;
  dimension: number;
  vocabSize: number;
  /** Parameter counts (initializer elements) of each tower. */
  textParameters: number;
  visionParameters: number;
  /** Paths relative to `dir`. */
  files: string[];
}

/** Writes the toy model into `dir` (created if needed; existing toy files are replaced). */
export async function writeToyModel(dir: string, options: ToyModelOptions = {}): Promise<ToyModelSummary> {
  const seed = options.seed ?? 1;
  const dim = options.dim ?? TOY_DEFAULT_DIM;
  if (!Number.isInteger(dim) || dim < 32)
    throw new RangeError(`toy model dim must be an integer >= 32, got ${dim}`);
  const vocabulary = buildToyVocabulary([...toyWordAxes().keys()]);
  const rotation = randomRotation(dim, seed);
  const table = buildTokenTable(vocabulary, rotation, dim, seed);
  const text = buildToyTextGraph(table, vocabulary.vocab.size, dim);
  const vision = buildToyVisionGraph(rotation, dim);

  await mkdir(join(dir, "onnx"), { recursive: true });
  const metadata = { model_id: TOY_MODEL_ID, seed: String(seed) };
  writeOnnxModel(join(dir, "onnx", "text_model.onnx"), text, { externalDataName: null, metadata });
  writeOnnxModel(join(dir, "onnx", "vision_model.onnx"), vision, { externalDataName: null, metadata });
  writeTokenizerFiles(dir, vocabulary, TOY_CONTEXT_LENGTH);
  const config = configJson(dim, vocabulary.vocab.size, vocabulary.startToken, vocabulary.endToken, seed);
  writeModelConfigFiles(dir, config, TOY_IMAGE_SIZE);
  return {
    dir,
    id: TOY_MODEL_ID,
    dimension: dim,
    vocabSize: vocabulary.vocab.size,
    textParameters: text.parameterCount(),
    visionParameters: vision.parameterCount(),
    files: [
      "onnx/text_model.onnx",
      "onnx/vision_model.onnx",
      ...["vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"],
      ...MODEL_CONFIG_FILES,
    ],
  };
}

function configJson(dim: number, vocabSize: number, bos: number, eos: number, seed: number): unknown {
  return {
    _name_or_path: TOY_MODEL_ID,
    architectures: ["CLIPModel"],
    model_type: "clip",
    projection_dim: dim,
    logit_scale_init_value: 2.6592,
    text_config: {
      model_type: "clip_text_model",
      vocab_size: vocabSize,
      max_position_embeddings: TOY_CONTEXT_LENGTH,
      hidden_size: dim,
      projection_dim: dim,
      bos_token_id: bos,
      eos_token_id: eos,
      pad_token_id: eos,
    },
    vision_config: {
      model_type: "clip_vision_model",
      image_size: TOY_IMAGE_SIZE,
      num_channels: 3,
      hidden_size: dim,
      projection_dim: dim,
    },
    toy: {
      seed,
      description:
        "Untrained toy CLIP for tests and the demo: text = bag of colour/shape words, image = colour shares and shape statistics of the non-grey object; see indexer/demo/toy-vision-model.ts",
    },
  };
}
