// edge.json, the manifest of a prepared (edge) model directory written by `prepare-edge`: its file names, types
// and parseEdgeManifest, which checks every field (the text graph, the token table, the tokenizer files and
// the optional `vision` section, the browser's image encoder).
import { InputError } from "../errors.ts";
import type { PreprocessConfig } from "../image/preprocess.ts";
import { readPreprocessConfig } from "../image/read-preprocess-config.ts";

export const EDGE_FORMAT = "clip-edge-text-encoder";
export const EDGE_FORMAT_VERSION = 1;

/** File names inside a prepared (edge) model directory. */
export const EDGE_FILES = {
  manifest: "edge.json",
  graph: "text_model.onnx",
  table: "token_embeddings.bin",
  vocab: "vocab.json",
  merges: "merges.txt",
  config: "config.json",
  /** The image encoder for onnxruntime-web in the browser: one self-contained .onnx (no external data). */
  vision: "vision_model.onnx",
} as const;

/** Weights of the browser's image encoder: int8 MatMuls when they keep the cosine floor, else the fp32 tower. */
export type EdgeVisionDtype = "int8" | "fp32";

/**
 * edge.json `vision`: the image encoder the page runs (pixel_values float32 [1, 3, imageSize, imageSize] ->
 * image_embeds float32 [1, dimension], normalized by the caller), measured against the fp32 tower.
 */
export interface EdgeVisionTower {
  file: string;
  bytes: number;
  /** SHA-256 (hex) of the file. */
  sha256: string;
  dtype: EdgeVisionDtype;
  /** Lowest and mean cosine of this file's embeddings to the fp32 tower's over `verifiedFrames` reference frames. */
  cosineMin: number;
  cosineMean: number;
  verifiedFrames: number;
  /** Side of the square input, pixels (= preprocess.cropSize). */
  imageSize: number;
  /** What shared/image/preprocess.ts needs (from the model's preprocessor_config.json). */
  preprocess: PreprocessConfig;
  /** Length of image_embeds (= model.dimension). */
  dimension: number;
}

export type EdgeTableDtype = "int8" | "float16";
/** Integer inputs are int64, as in Hugging Face exports (the only integer Tensor type OrtNamespace declares). */
export type EdgeIntDtype = "int64";

/** An integer graph input fed from the token ids: the ids themselves or an all-ones attention mask. */
export interface EdgeIntInput {
  name: string;
  dtype: EdgeIntDtype;
}

/** edge.json */
export interface EdgeManifest {
  format: typeof EDGE_FORMAT;
  formatVersion: number;
  /** Same id and dimension as the source model, so its indexes are accepted. */
  model: { id: string; dimension: number };
  graph: {
    file: string;
    /** External data files of the graph, relative to the directory. */
    externalData: string[];
    inputs: {
      /** float32 [1, n, width]: table rows of the n token ids (positional embeddings are added in the graph). */
      embeds: string;
      /** [1, n] token ids, read by the graph for end-token pooling; null when the graph does not need them. */
      ids: EdgeIntInput | null;
      /** [1, n] ones, or null when the graph has no mask input. */
      mask: EdgeIntInput | null;
    };
    /** float32 [1, dimension] projected text embedding (normalized again by the encoder). */
    output: string;
    /** How MatMul weights are quantized, e.g. "int8-dynamic-per-column:integer". */
    quantization: string;
  };
  table: {
    file: string;
    /**
     * "int8": rows*width int8 (row-major) at offset 0, then `rows` float32 scales at `scaleOffset`
     * (row r = q[r, :] * scale[r]); "float16": rows*width IEEE halves. Little-endian.
     */
    dtype: EdgeTableDtype;
    rows: number;
    width: number;
    /** Byte offset of the float32 scales (int8 only; a multiple of 4), else null. */
    scaleOffset: number | null;
  };
  tokenizer: { vocab: string; merges: string; contextLength: number };
  /** The browser's image encoder; absent in directories prepared before it existed (they still load). */
  vision?: EdgeVisionTower;
}

function fail(message: string): never {
  throw new InputError("bad_edge_model", `invalid edge.json: ${message}; run prepare-edge again`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    fail(`${field} must be a positive integer`);
  return value;
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value === "") fail(`${field} must be a non-empty string`);
  return value;
}

function finite(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) fail(`${field} must be a number`);
  return value;
}

/** edge.json `vision`, checked: every field present, the sizes consistent with the model. */
function visionTower(value: unknown, dimension: number): EdgeVisionTower {
  if (!isRecord(value) || !isRecord(value.preprocess)) fail("vision must be an object with preprocess");
  if (value.dtype !== "int8" && value.dtype !== "fp32") fail('vision.dtype must be "int8" or "fp32"');
  if (typeof value.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(value.sha256))
    fail("vision.sha256 must be 64 hex digits");
  const tower: EdgeVisionTower = {
    file: text(value.file, "vision.file"),
    bytes: positiveInteger(value.bytes, "vision.bytes"),
    sha256: value.sha256,
    dtype: value.dtype,
    cosineMin: finite(value.cosineMin, "vision.cosineMin"),
    cosineMean: finite(value.cosineMean, "vision.cosineMean"),
    verifiedFrames: positiveInteger(value.verifiedFrames, "vision.verifiedFrames"),
    imageSize: positiveInteger(value.imageSize, "vision.imageSize"),
    preprocess: readPreprocessConfig(value.preprocess, "vision.preprocess", fail),
    dimension: positiveInteger(value.dimension, "vision.dimension"),
  };
  if (tower.dimension !== dimension)
    fail(`vision.dimension ${tower.dimension} is not model.dimension ${dimension}`);
  if (tower.imageSize !== tower.preprocess.cropSize)
    fail("vision.imageSize must equal vision.preprocess.cropSize");
  return tower;
}

function intInput(value: unknown, field: string): EdgeIntInput | null {
  if (value === null) return null;
  if (!isRecord(value) || value.dtype !== "int64") fail(`${field} must be null or { name, dtype: "int64" }`);
  return { name: text(value.name, `${field}.name`), dtype: value.dtype };
}

/** Validates parsed edge.json; throws InputError naming the first bad field. */
export function parseEdgeManifest(json: unknown): EdgeManifest {
  if (!isRecord(json) || json.format !== EDGE_FORMAT) fail(`format must be "${EDGE_FORMAT}"`);
  if (json.formatVersion !== EDGE_FORMAT_VERSION)
    fail(`formatVersion ${String(json.formatVersion)} is not supported (expected ${EDGE_FORMAT_VERSION})`);
  const { model, graph, table, tokenizer } = json;
  if (!isRecord(model) || !isRecord(graph) || !isRecord(table) || !isRecord(tokenizer))
    fail("model, graph, table and tokenizer must be objects");
  const inputs = graph.inputs;
  if (!isRecord(inputs)) fail("graph.inputs must be an object");
  if (!Array.isArray(graph.externalData)) fail("graph.externalData must be an array of file names");
  if (table.dtype !== "int8" && table.dtype !== "float16") fail('table.dtype must be "int8" or "float16"');
  const rows = positiveInteger(table.rows, "table.rows");
  const width = positiveInteger(table.width, "table.width");
  let scaleOffset: number | null = null;
  if (table.dtype === "int8") {
    scaleOffset = positiveInteger(table.scaleOffset, "table.scaleOffset");
    if (scaleOffset % 4 !== 0 || scaleOffset < rows * width)
      fail("table.scaleOffset must follow the rows, 4-aligned");
  }
  const dimension = positiveInteger(model.dimension, "model.dimension");
  const manifest: EdgeManifest = {
    format: EDGE_FORMAT,
    formatVersion: EDGE_FORMAT_VERSION,
    model: { id: text(model.id, "model.id"), dimension },
    graph: {
      file: text(graph.file, "graph.file"),
      externalData: graph.externalData.map((file, i) => text(file, `graph.externalData[${i}]`)),
      inputs: {
        embeds: text(inputs.embeds, "graph.inputs.embeds"),
        ids: intInput(inputs.ids, "graph.inputs.ids"),
        mask: intInput(inputs.mask, "graph.inputs.mask"),
      },
      output: text(graph.output, "graph.output"),
      quantization: text(graph.quantization, "graph.quantization"),
    },
    table: { file: text(table.file, "table.file"), dtype: table.dtype, rows, width, scaleOffset },
    tokenizer: {
      vocab: text(tokenizer.vocab, "tokenizer.vocab"),
      merges: text(tokenizer.merges, "tokenizer.merges"),
      contextLength: positiveInteger(tokenizer.contextLength, "tokenizer.contextLength"),
    },
  };
  if (json.vision !== undefined) manifest.vision = visionTower(json.vision, dimension);
  return manifest;
}
