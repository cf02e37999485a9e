// Turns a CLIP model directory into the Worker-ready text encoder directory (edge.json, int8 graph, token table).
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import {
  EDGE_FILES,
  EDGE_FORMAT,
  EDGE_FORMAT_VERSION,
  type EdgeIntInput,
  type EdgeManifest,
  type EdgeTableDtype,
} from "../../shared/model/edge-text-encoder.ts";
import { resolveModelDir } from "../model-dir.ts";
import { ONNX_DTYPE } from "../onnx/proto.ts";
import { readOnnxModel } from "../onnx/read-model.ts";
import { writeModelProto } from "../onnx/write-model.ts";
import { encodeEmbeddingTable } from "./embedding-table.ts";
import { extractTokenEmbedding, INPUTS_EMBEDS } from "./extract-token-embedding.ts";
import { type MatMulForm, type QuantizeSummary, quantizeMatMuls } from "./quantize-matmul.ts";

/** Output the edge encoder reads: CLIPTextModelWithProjection's projected embedding. */
const TEXT_EMBEDS = "text_embeds";
const MASK_INPUT = "attention_mask";

export interface PrepareEdgeOptions {
  /** Source model directory (Hugging Face layout, resolved by indexer/model-dir.ts; only the text tower is read). */
  modelDir: string;
  outDir: string;
  table: EdgeTableDtype;
  /** Default "integer" (standard ONNX ops; measured as fast as the contrib form in onnxruntime-web). */
  matmul?: MatMulForm;
}

export interface PrepareEdgeResult {
  manifest: EdgeManifest;
  /** The source text model file used. */
  textModel: string;
  /** Bytes of the source text model (.onnx plus its external data). */
  sourceBytes: number;
  /** Bytes of each file written to outDir, by name. */
  files: Record<string, number>;
  quantized: QuantizeSummary;
}

function intInput(name: string, elemType: number | null | undefined): EdgeIntInput {
  if (elemType === ONNX_DTYPE.int64) return { name, dtype: "int64" };
  throw new InputError("bad_model", `graph input ${name} must be int64 (ONNX type ${elemType})`);
}

function fileBytes(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Reads `options.modelDir`, writes the edge directory to `options.outDir`, and returns what it did. */
export function prepareEdgeModel(options: PrepareEdgeOptions): PrepareEdgeResult {
  const modelDir = resolve(options.modelDir);
  const outDir = resolve(options.outDir);
  if (modelDir === outDir) throw new InputError("bad_arguments", "--out must differ from --model");
  const source = resolveModelDir(modelDir, { towers: ["text"] });
  const textModel = source.models.text!;

  const loaded = readOnnxModel(textModel);
  const graph = loaded.model.graph!;
  const outputInfo = graph.output?.find((value) => value.name === TEXT_EMBEDS);
  if (!outputInfo)
    throw new InputError(
      "bad_model",
      `${textModel} has no ${TEXT_EMBEDS} output (outputs: ${graph.output?.map((value) => value.name).join(", ")}): export CLIPTextModelWithProjection`,
    );
  const locations = new Set(
    (graph.initializer ?? []).flatMap((tensor) =>
      (tensor.externalData ?? [])
        .filter((entry) => entry.key === "location")
        .map((entry) => entry.value ?? ""),
    ),
  );
  const sourceBytes = [...locations].reduce(
    (sum, location) => sum + fileBytes(join(dirname(textModel), location)),
    fileBytes(textModel),
  );

  const extracted = extractTokenEmbedding(loaded);
  const ids = extracted.idsStillUsed
    ? intInput(
        extracted.idsInput,
        graph.input?.find((value) => value.name === extracted.idsInput)?.type?.tensorType?.elemType,
      )
    : null;
  let mask: EdgeIntInput | null = null;
  for (const input of graph.input ?? []) {
    if (input.name === INPUTS_EMBEDS || input.name === ids?.name) continue;
    if (input.name === MASK_INPUT) mask = intInput(MASK_INPUT, input.type?.tensorType?.elemType);
    else
      throw new InputError(
        "bad_model",
        `unsupported text model input ${input.name}: only input_ids and attention_mask`,
      );
  }
  const form = options.matmul ?? "integer";
  const quantized = quantizeMatMuls(loaded, form);

  mkdirSync(outDir, { recursive: true });
  const written = writeModelProto(join(outDir, EDGE_FILES.graph), loaded.model, loaded.initializers);
  const externalData = written.dataPath === null ? [] : [basename(written.dataPath)];
  const table = encodeEmbeddingTable(extracted.table, extracted.rows, extracted.width, options.table);
  writeFileSync(join(outDir, EDGE_FILES.table), table.bytes);
  copyFileSync(source.vocabPath, join(outDir, EDGE_FILES.vocab));
  copyFileSync(source.mergesPath, join(outDir, EDGE_FILES.merges));
  copyFileSync(join(source.dir, EDGE_FILES.config), join(outDir, EDGE_FILES.config));

  const manifest: EdgeManifest = {
    format: EDGE_FORMAT,
    formatVersion: EDGE_FORMAT_VERSION,
    model: { id: source.id, dimension: source.config.projectionDim },
    graph: {
      file: EDGE_FILES.graph,
      externalData,
      inputs: { embeds: INPUTS_EMBEDS, ids, mask },
      output: TEXT_EMBEDS,
      quantization: `int8-dynamic-per-column:${form}`,
    },
    table: table.descriptor,
    tokenizer: {
      vocab: EDGE_FILES.vocab,
      merges: EDGE_FILES.merges,
      contextLength: source.config.contextLength,
    },
  };
  writeFileSync(join(outDir, EDGE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  const files: Record<string, number> = {};
  for (const name of [...Object.values(EDGE_FILES), ...externalData])
    files[name] = fileBytes(join(outDir, name));
  return { manifest, textModel, sourceBytes, files, quantized };
}
