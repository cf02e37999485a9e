// The Worker-ready CLIP text encoder written by `prepare-edge`: edge.json, its token-embedding table, and an
// int8 graph taking inputs_embeds, and optionally the browser's image encoder (edge.json `vision`).
// Runtime-neutral: the ONNX Runtime namespace is injected by the caller.
import { InputError } from "../errors.ts";
import { float16ToFloat32Array } from "../float16.ts";
import type { PreprocessConfig } from "../image/preprocess.ts";
import { dequantizeRow } from "../search/quantize.ts";
import type { OrtNamespace, OrtSession, OrtSessionOptions, OrtTensor } from "./ort-types.ts";
import { TextEncoderCore, type TextEncoderTokenizer } from "./text-encoder-core.ts";

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

function triple(value: unknown, field: string): readonly [number, number, number] {
  if (!Array.isArray(value) || value.length !== 3) fail(`${field} must be 3 numbers`);
  return [finite(value[0], `${field}[0]`), finite(value[1], `${field}[1]`), finite(value[2], `${field}[2]`)];
}

/** edge.json `vision`, checked: every field present, the sizes consistent with the model. */
function visionTower(value: unknown, dimension: number): EdgeVisionTower {
  if (!isRecord(value) || !isRecord(value.preprocess)) fail("vision must be an object with preprocess");
  if (value.dtype !== "int8" && value.dtype !== "fp32") fail('vision.dtype must be "int8" or "fp32"');
  if (typeof value.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(value.sha256))
    fail("vision.sha256 must be 64 hex digits");
  const pre = value.preprocess;
  const tower: EdgeVisionTower = {
    file: text(value.file, "vision.file"),
    bytes: positiveInteger(value.bytes, "vision.bytes"),
    sha256: value.sha256,
    dtype: value.dtype,
    cosineMin: finite(value.cosineMin, "vision.cosineMin"),
    cosineMean: finite(value.cosineMean, "vision.cosineMean"),
    verifiedFrames: positiveInteger(value.verifiedFrames, "vision.verifiedFrames"),
    imageSize: positiveInteger(value.imageSize, "vision.imageSize"),
    preprocess: {
      shortestEdge: positiveInteger(pre.shortestEdge, "vision.preprocess.shortestEdge"),
      cropSize: positiveInteger(pre.cropSize, "vision.preprocess.cropSize"),
      mean: triple(pre.mean, "vision.preprocess.mean"),
      std: triple(pre.std, "vision.preprocess.std"),
    },
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

/** Bytes of the table file described by `table`. */
export function edgeTableBytes(table: EdgeManifest["table"]): number {
  return table.dtype === "int8" ? table.scaleOffset! + table.rows * 4 : table.rows * table.width * 2;
}

/** Looks up token rows in a table file's bytes without expanding the whole table to float32. */
export class TokenEmbeddingTable {
  readonly rows: number;
  readonly width: number;
  private readonly int8?: Int8Array;
  private readonly scales?: Float32Array;
  private readonly halves?: Uint16Array;

  /** `bytes` must hold edgeTableBytes(table) bytes; views are kept, not copies (except misaligned scales). */
  constructor(table: EdgeManifest["table"], bytes: Uint8Array) {
    if (bytes.byteLength !== edgeTableBytes(table))
      throw new InputError(
        "bad_edge_model",
        `${table.file} holds ${bytes.byteLength} bytes, edge.json describes ${edgeTableBytes(table)}; run prepare-edge again`,
      );
    this.rows = table.rows;
    this.width = table.width;
    const count = table.rows * table.width;
    if (table.dtype === "int8") {
      this.int8 = new Int8Array(bytes.buffer, bytes.byteOffset, count);
      const at = bytes.byteOffset + table.scaleOffset!;
      this.scales =
        at % 4 === 0
          ? new Float32Array(bytes.buffer, at, table.rows)
          : new Float32Array(bytes.slice(table.scaleOffset!, table.scaleOffset! + table.rows * 4).buffer);
    } else {
      this.halves =
        bytes.byteOffset % 2 === 0
          ? new Uint16Array(bytes.buffer, bytes.byteOffset, count)
          : new Uint16Array(bytes.slice().buffer);
    }
  }

  /** Row-major float32 [ids.length, width]: the embedding of each token id. */
  gather(ids: readonly number[]): Float32Array {
    const { width } = this;
    const out = new Float32Array(ids.length * width);
    ids.forEach((id, position) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.rows)
        throw new InputError(
          "bad_tokens",
          `token id ${id} is outside the embedding table (${this.rows} rows)`,
        );
      if (this.int8) {
        dequantizeRow({ dimension: width, data: this.int8, scales: this.scales! }, id, out, position * width);
      } else {
        out.set(float16ToFloat32Array(this.halves!.subarray(id * width, (id + 1) * width)), position * width);
      }
    });
    return out;
  }
}

/** Bytes of manifest.table.file, or a loader that createEdgeTextEncoder calls once the session exists. */
export type EdgeTableSource = Uint8Array | (() => Promise<Uint8Array>);

/** What createEdgeTextEncoder needs; the graph bytes and external data are only held during creation. */
export interface EdgeTextEncoderSource {
  manifest: EdgeManifest;
  /**
   * The embedding table (kept by the encoder). A loader is called after InferenceSession.create has returned,
   * so that the table (24 MiB for B/32) never coexists with the graph bytes: the peak of a Worker's 128 MB.
   * The loader can release the graph bytes first (ORT has copied them into its own memory by then).
   */
  table: EdgeTableSource;
  /** Bytes of manifest.graph.file. */
  graph: Uint8Array;
  /** Bytes of each manifest.graph.externalData file, by the same path. */
  externalData: { path: string; data: Uint8Array }[];
  /** CLIP tokenizer: ids with start and end tokens, cut to the context length, not padded. */
  tokenizer: TextEncoderTokenizer;
}

/**
 * `ids` up to its first largest id, the end token (49407, the last id of CLIP's vocabulary) that the text tower
 * pools at. The transformer is causal, so what follows cannot change the pooled row: cutting it is exact, and
 * prepare-edge's graph, which computes its last block for the last row only, needs the end token last.
 */
export function throughEndToken(ids: readonly number[]): readonly number[] {
  let end = 0;
  for (let i = 1; i < ids.length; i++) if (ids[i] > ids[end]) end = i;
  return end === ids.length - 1 ? ids : ids.slice(0, end + 1);
}

/**
 * Encodes texts with the prepared graph, through TextEncoderCore as ClipTextEncoder does: each sequence runs
 * alone and unpadded ([1, n] tokens, cut after its end token), fed as rows of the token-embedding table.
 * Made by createEdgeTextEncoder, which checks the session against edge.json first.
 */
export class EdgeTextEncoder extends TextEncoderCore {
  readonly modelId: string;
  protected readonly batchSize = 1;
  private readonly ort: OrtNamespace;
  private readonly table: TokenEmbeddingTable;
  private readonly inputs: EdgeManifest["graph"]["inputs"];
  private readonly output: string;

  constructor(
    ort: OrtNamespace,
    session: OrtSession,
    tokenizer: TextEncoderTokenizer,
    manifest: EdgeManifest,
    table: TokenEmbeddingTable,
  ) {
    super(session, tokenizer, {
      dimension: manifest.model.dimension,
      contextLength: manifest.tokenizer.contextLength,
      vocabSize: table.rows,
    });
    this.modelId = manifest.model.id;
    this.ort = ort;
    this.table = table;
    this.inputs = manifest.graph.inputs;
    this.output = manifest.graph.output;
  }

  /** Feeds of the batch's one sequence (batchSize 1, never padded: `length` is its own). */
  protected feeds(batch: readonly (readonly number[])[], _length: number): Record<string, OrtTensor> {
    const { ort, table, inputs } = this;
    const ids = throughEndToken(batch[0]);
    const feeds: Record<string, OrtTensor> = {
      [inputs.embeds]: new ort.Tensor("float32", table.gather(ids), [1, ids.length, table.width]),
    };
    const shape = [1, ids.length];
    if (inputs.ids)
      feeds[inputs.ids.name] = new ort.Tensor(
        "int64",
        BigInt64Array.from(ids, (id) => BigInt(id)),
        shape,
      );
    if (inputs.mask)
      feeds[inputs.mask.name] = new ort.Tensor("int64", new BigInt64Array(ids.length).fill(1n), shape);
    return feeds;
  }

  protected outputRows(outputs: Record<string, OrtTensor>): Float32Array[] {
    const data = outputs[this.output].data;
    if (!(data instanceof Float32Array) || data.length !== this.dimension)
      throw new InputError(
        "bad_edge_model",
        `${this.output} has ${(data as { length?: number }).length} values, edge.json says dimension ${this.dimension}`,
      );
    return [Float32Array.from(data)];
  }
}

/** Builds the lookup table from bytes given up front or from the loader (called at most once). */
async function loadTable(manifest: EdgeManifest, source: EdgeTableSource): Promise<TokenEmbeddingTable> {
  return new TokenEmbeddingTable(manifest.table, source instanceof Uint8Array ? source : await source());
}

/**
 * Creates the ONNX session from `source` and returns the encoder. The caller should drop its references to
 * source.graph and source.externalData afterwards (ORT has copied them); only the table stays referenced.
 * A table given as bytes is checked before the session starts; a table loader runs after it.
 */
export async function createEdgeTextEncoder(
  ort: OrtNamespace,
  source: EdgeTextEncoderSource,
  sessionOptions: OrtSessionOptions = {},
): Promise<EdgeTextEncoder> {
  const { manifest, tokenizer } = source;
  const tableSource = source.table;
  let table = tableSource instanceof Uint8Array ? await loadTable(manifest, tableSource) : undefined;
  const given = source.externalData.map((file) => file.path);
  const missing = manifest.graph.externalData.filter((file) => !given.includes(file));
  if (missing.length)
    throw new InputError("bad_edge_model", `missing external data file(s): ${missing.join(", ")}`);
  const session = await ort.InferenceSession.create(source.graph, {
    ...sessionOptions,
    externalData: source.externalData,
  });
  const { inputs, output } = manifest.graph;
  const expected = [inputs.embeds, inputs.ids?.name, inputs.mask?.name].filter((name) => name !== undefined);
  const unknown = session.inputNames.filter((name) => !expected.includes(name));
  const absent = expected.filter((name) => !session.inputNames.includes(name));
  try {
    if (unknown.length || absent.length || !session.outputNames.includes(output))
      throw new InputError(
        "bad_edge_model",
        `the graph does not match edge.json (unexpected inputs: ${unknown.join(", ") || "none"}; missing: ${absent.join(", ") || "none"}; output ${output}); run prepare-edge again`,
      );
    table ??= await loadTable(manifest, tableSource);
  } catch (error) {
    await session.release();
    throw error;
  }
  return new EdgeTextEncoder(ort, session, tokenizer, manifest, table);
}
