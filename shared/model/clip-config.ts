// Reads a CLIP model's config.json and preprocessor_config.json (Hugging Face layout) into the few
// numbers this project needs; the preprocessor's fields are mapped by shared/image/preprocessor-config.ts.
import { InputError } from "../errors.ts";
import { CLIP_PREPROCESS, type PreprocessConfig } from "../image/preprocess.ts";
import { parsePreprocessorConfig } from "../image/preprocessor-config.ts";

/** CLIP's text context length, used when config.json does not say (image defaults: CLIP_PREPROCESS). */
export const CLIP_CONTEXT_LENGTH = 77;

export interface ClipModelConfig {
  /** config.json `_name_or_path` when present (the model directory's name is the loader's fallback). */
  id?: string;
  /** Size of text_embeds and image_embeds. */
  projectionDim: number;
  /** Maximum tokens per text including start and end (text_config.max_position_embeddings). */
  contextLength: number;
  /** Vocabulary size of the text tower (text_config.vocab_size), when given. */
  vocabSize?: number;
  /**
   * text_config.eos_token_id when given: 2 in openai's configs (transformers then pools at argmax(input_ids)),
   * the tokenizer's <|endoftext|> (49407) in LAION's (pooled at its first occurrence). See checkPoolingToken.
   */
  eosTokenId?: number;
  /** Input side of the vision tower in pixels (vision_config.image_size). */
  imageSize: number;
  /** The image preprocessing, from preprocessor_config.json (shared/image/preprocessor-config.ts). */
  preprocess: PreprocessConfig;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(file: string, message: string): never {
  throw new InputError("bad_model_config", `${file}: ${message}`);
}

function positiveInt(file: string, field: string, value: unknown, fallback: number | undefined): number {
  if (value === undefined || value === null) {
    if (fallback === undefined) fail(file, `missing ${field}`);
    return fallback;
  }
  if (!Number.isInteger(value) || (value as number) <= 0) fail(file, `${field} must be a positive integer`);
  return value as number;
}

function nonNegativeInt(file: string, field: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) < 0)
    fail(file, `${field} must be a non-negative integer`);
  return value as number;
}

/** transformers' legacy eos id of openai's CLIP configs: the text model then pools at argmax(input_ids). */
export const LEGACY_EOS_TOKEN_ID = 2;

/**
 * Throws InputError unless the model pools the text at the tokenizer's end token: either by argmax (legacy
 * eos id 2; <|endoftext|> is the highest id) or at the first eos_token_id, which must then be <|endoftext|>.
 */
export function checkPoolingToken(config: ClipModelConfig, endToken: number): void {
  const eos = config.eosTokenId;
  if (eos === undefined || eos === LEGACY_EOS_TOKEN_ID || eos === endToken) return;
  fail(
    "config.json",
    `text_config.eos_token_id ${eos} is neither 2 (pool at argmax) nor the tokenizer's <|endoftext|> id ${endToken}: the text model would pool at a token the tokenizer never ends with; check that vocab.json belongs to this model`,
  );
}

/**
 * Parses config.json (required) and preprocessor_config.json (optional: pass undefined when the file
 * is absent). Throws InputError naming the file and field at fault.
 */
export function parseClipConfig(config: unknown, preprocessor?: unknown): ClipModelConfig {
  if (!isRecord(config)) fail("config.json", "not a JSON object");
  const text = isRecord(config.text_config) ? config.text_config : {};
  const vision = isRecord(config.vision_config) ? config.vision_config : {};
  const projectionDim = positiveInt(
    "config.json",
    "projection_dim",
    config.projection_dim ?? text.projection_dim,
    512,
  );
  const contextLength = positiveInt(
    "config.json",
    "text_config.max_position_embeddings",
    text.max_position_embeddings,
    CLIP_CONTEXT_LENGTH,
  );
  const vocabSize =
    text.vocab_size === undefined
      ? undefined
      : positiveInt("config.json", "text_config.vocab_size", text.vocab_size, 0);
  const eosTokenId =
    text.eos_token_id === undefined || text.eos_token_id === null
      ? undefined
      : nonNegativeInt("config.json", "text_config.eos_token_id", text.eos_token_id);
  const imageSize = positiveInt(
    "config.json",
    "vision_config.image_size",
    vision.image_size,
    CLIP_PREPROCESS.cropSize,
  );

  const preprocess = parsePreprocessorConfig(preprocessor, imageSize);
  const id =
    typeof config._name_or_path === "string" && config._name_or_path !== ""
      ? config._name_or_path
      : undefined;
  return {
    id,
    projectionDim,
    contextLength,
    vocabSize,
    eosTokenId,
    imageSize,
    preprocess,
  };
}
