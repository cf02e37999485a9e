// Turns a CLIP model directory into the Worker-ready text encoder directory (edge.json, int8 graph, token table),
// written beside the target, checked against the source, and only then moved into place.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join, resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import {
  EDGE_FILES,
  EDGE_FORMAT,
  EDGE_FORMAT_VERSION,
  type EdgeIntInput,
  type EdgeManifest,
  type EdgeTableDtype,
} from "../../shared/model/edge-manifest.ts";
import type { OrtTensor } from "../../shared/model/ort-types.ts";
import { ONNX_DTYPE } from "../../shared/onnx/onnx-constants.ts";
import { describeTowerFile, type ModelDtype, resolveModelDir, towerFile } from "../embed/model-dir.ts";
import { nodeOrt } from "../embed/onnx-runtime.ts";
import type { OnnxTypes } from "../onnx/proto.ts";
import { readTowerModel } from "../onnx/tower-graph.ts";
import { writeModelProto } from "../onnx/write-model.ts";
import { encodeEmbeddingTable } from "./embedding-table.ts";
import { extractTokenEmbedding, INPUTS_EMBEDS } from "./extract-token-embedding.ts";
import { computeLastTokenOnly, type LastTokenSummary } from "./last-token-layer.ts";
import {
  type VisionChoice,
  type VisionTowerResult,
  withVisionTower,
  writeVisionTower,
} from "./prepare-vision-tower.ts";
import { type MatMulForm, type QuantizeSummary, quantizeMatMuls } from "./quantize-matmul.ts";
import { saveOptimizedGraph } from "./save-optimized-graph.ts";
import { type SpecializeSummary, specializeReshapes } from "./specialize-reshapes.ts";
import { VERIFICATION_SENTENCES } from "./verification-sentences.ts";
import { DEFAULT_MIN_COSINE, type EdgeVerification, verifyEdgeModel } from "./verify-edge-model.ts";

/** Output the edge encoder reads: CLIPTextModelWithProjection's projected embedding. */
const TEXT_EMBEDS = "text_embeds";
const MASK_INPUT = "attention_mask";

export interface PrepareEdgeOptions {
  /** Source model directory (Hugging Face layout, resolved by indexer/embed/model-dir.ts; only the text tower is read). */
  modelDir: string;
  outDir: string;
  table: EdgeTableDtype;
  /** Default "integer" (standard ONNX ops; measured as fast as the contrib form in onnxruntime-web). */
  matmul?: MatMulForm;
  /** Source weights; only fp32 (the quantization starts from full precision). */
  dtype?: ModelDtype;
  /** Refuse the result when the edge encoder's minimum cosine to the source is below this (default 0.99). */
  minCosine?: number;
  /** Compute the last block for the pooled row only (default true; false to measure without it). */
  lastToken?: boolean;
  /** Store the graph as ONNX Runtime optimizes it, to skip that at session creation (default true). */
  optimizedGraph?: boolean;
  /**
   * The browser's image encoder (vision_model.onnx, edge.json `vision`): "auto" (default: int8 when it keeps
   * minCosine to the fp32 tower, else fp32), "int8", "fp32", or "none". Under "auto" a model directory
   * without a vision tower is prepared without one.
   */
  vision?: VisionChoice | "none";
  /** CLIP input tensors [3, S, S] the vision tower is measured on (default: the generated frames). */
  visionFrames?: Float32Array[];
  /** Progress messages for people. */
  onProgress?: (message: string) => void;
}

export interface PrepareEdgeResult {
  manifest: EdgeManifest;
  /** The source text model file used, relative to the model directory, with its dtype. */
  textModel: string;
  /** Bytes of the source text model (.onnx plus its external data). */
  sourceBytes: number;
  /** Bytes of each file written to outDir, by name. */
  files: Record<string, number>;
  quantized: QuantizeSummary;
  /** The ops between input_ids and the token-embedding lookup that was taken out (e.g. ["Reshape"]). */
  idsPath: string[];
  /** Reshape targets made constant for batch 1, and the node counts before and after. */
  reshapes: SpecializeSummary;
  /** Whether the last block was cut to the pooled (last) row, or why not. */
  lastToken: LastTokenSummary;
  /** Source vs edge cosines on the verification sentences. */
  verification: EdgeVerification;
  /** The browser's image encoder as written and measured, or null when none was written. */
  vision: VisionTowerResult | null;
}

function intInput(name: string, elemType: number | null | undefined): EdgeIntInput {
  if (elemType === ONNX_DTYPE.int64) return { name, dtype: "int64" };
  throw new InputError("bad_model", `graph input ${name} must be int64 (ONNX type ${elemType})`);
}

/** Zero embeddings and all-ones integer inputs (ids, mask) of `length` tokens, batch 1, for the shape probe. */
function probeFeeds(graph: OnnxTypes.IGraphProto, length: number, width: number): Record<string, OrtTensor> {
  const feeds: Record<string, OrtTensor> = {};
  for (const input of graph.input ?? []) {
    const name = input.name ?? "";
    feeds[name] =
      name === INPUTS_EMBEDS
        ? new nodeOrt.Tensor("float32", new Float32Array(length * width), [1, length, width])
        : new nodeOrt.Tensor("int64", new BigInt64Array(length).fill(1n), [1, length]);
  }
  return feeds;
}

function fileBytes(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** True when `dir` may be replaced by a prepared directory: absent, empty, or an earlier prepare-edge output. */
function replaceable(dir: string): boolean {
  if (!existsSync(dir)) return true;
  if (!statSync(dir).isDirectory()) return false;
  return readdirSync(dir).length === 0 || existsSync(join(dir, EDGE_FILES.manifest));
}

/**
 * Reads `options.modelDir`, writes the edge directory beside `options.outDir`, verifies it against the source
 * (VERIFICATION_SENTENCES, onnxruntime-web) and moves it into place. Below the cosine floor nothing at
 * `outDir` changes and an InputError says why.
 */
export async function prepareEdgeModel(options: PrepareEdgeOptions): Promise<PrepareEdgeResult> {
  const modelDir = resolve(options.modelDir);
  const outDir = resolve(options.outDir);
  const log = options.onProgress ?? (() => {});
  if (modelDir === outDir) throw new InputError("bad_arguments", "--out must differ from --model");
  if ((options.dtype ?? "fp32") !== "fp32")
    throw new InputError(
      "bad_arguments",
      `prepare-edge quantizes the fp32 text tower itself; --dtype ${options.dtype} is not a source for it (give the directory's fp32 text_model.onnx or model.onnx)`,
    );
  if (!replaceable(outDir))
    throw new InputError(
      "bad_arguments",
      `--out ${outDir} exists and is not an edge model directory (no ${EDGE_FILES.manifest}); choose an empty or new folder`,
    );
  const source = resolveModelDir(modelDir, { towers: ["text"], dtype: "fp32" });
  const visionChoice = options.vision ?? "auto";
  const visionModel = visionChoice === "none" ? null : withVisionTower(modelDir);
  if (!visionModel && visionChoice !== "none" && visionChoice !== "auto")
    throw new InputError(
      "bad_arguments",
      `--vision ${visionChoice}: ${modelDir} has no fp32 vision tower (onnx/vision_model.onnx or model.onnx)`,
    );
  const file = towerFile(source, "text");
  log(`source text tower: ${describeTowerFile(file)}`);

  const loaded = readTowerModel(file);
  const graph = loaded.model.graph!;
  const outputInfo = graph.output?.find((value) => value.name === TEXT_EMBEDS);
  if (!outputInfo)
    throw new InputError(
      "bad_model",
      `${file.path} has no ${TEXT_EMBEDS} output (outputs: ${graph.output?.map((value) => value.name).join(", ")}): export CLIPTextModelWithProjection`,
    );
  const sourceBytes = loaded.initializers.reduce((sum, tensor) => sum + tensor.bytes.byteLength, 0);

  const extracted = extractTokenEmbedding(loaded, { vocabSize: source.config.vocabSize });
  const lastToken =
    options.lastToken === false
      ? { applied: false, skipped: "not asked", nodesBefore: 0, nodesAfter: 0 }
      : computeLastTokenOnly(loaded, TEXT_EMBEDS);
  log(
    lastToken.applied
      ? `last block computed for the pooled row only; nodes ${lastToken.nodesBefore} -> ${lastToken.nodesAfter}`
      : `last block kept whole: ${lastToken.skipped}`,
  );
  const reshapes = await specializeReshapes(loaded, [TEXT_EMBEDS], (length) =>
    probeFeeds(graph, length, extracted.width),
  );
  log(
    `reshape targets fixed for batch 1: ${reshapes.fixed} of ${reshapes.fixed + reshapes.kept}; nodes ${reshapes.nodesBefore} -> ${reshapes.nodesAfter}`,
  );
  const ids = graph.input?.some((value) => value.name === extracted.idsInput)
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

  // Written beside the target and renamed into place once verified: a refused or interrupted run leaves outDir as it was.
  const partial = `${outDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    const result = await writeAndVerify(partial);
    const old = `${outDir}.old-${process.pid}`;
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(partial, outDir);
    rmSync(old, { recursive: true, force: true });
    return result;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }

  async function writeAndVerify(dir: string): Promise<PrepareEdgeResult> {
    const written = writeModelProto(join(dir, EDGE_FILES.graph), loaded.model, loaded.initializers);
    const externalData = written.dataPath === null ? [] : [basename(written.dataPath)];
    if (options.optimizedGraph !== false) await saveOptimizedGraph(join(dir, EDGE_FILES.graph));
    const table = encodeEmbeddingTable(extracted.table, extracted.rows, extracted.width, options.table);
    writeFileSync(join(dir, EDGE_FILES.table), table.bytes);
    copyFileSync(source.vocabPath, join(dir, EDGE_FILES.vocab));
    copyFileSync(source.mergesPath, join(dir, EDGE_FILES.merges));
    copyFileSync(join(source.dir, EDGE_FILES.config), join(dir, EDGE_FILES.config));

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
    const writeManifest = () =>
      writeFileSync(join(dir, EDGE_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
    writeManifest();
    log(
      `verifying: ${VERIFICATION_SENTENCES.length} sentences through the source (onnxruntime-node) and the edge encoder (onnxruntime-web) ...`,
    );
    const verification = await verifyEdgeModel(source, dir, options.minCosine ?? DEFAULT_MIN_COSINE);
    if (!verification.passed)
      throw new InputError(
        "edge_verification_failed",
        `the edge encoder does not reproduce ${describeTowerFile(file)}: min cosine ${verification.minCosine.toFixed(5)} (mean ${verification.meanCosine.toFixed(5)}, worst "${verification.worstText.slice(0, 60)}") is below ${verification.threshold}; nothing was written to ${outDir}`,
      );
    if (!visionModel && visionChoice === "auto")
      log("no fp32 vision tower in the model directory: written without the browser's image encoder");
    const vision = visionModel
      ? await writeVisionTower(visionModel, dir, {
          choice: visionChoice as VisionChoice,
          minCosine: options.minCosine ?? DEFAULT_MIN_COSINE,
          frames: options.visionFrames,
          onProgress: log,
        })
      : null;
    if (vision) {
      manifest.vision = vision.tower;
      writeManifest();
    }
    const files: Record<string, number> = {};
    for (const name of [...Object.values(EDGE_FILES), ...externalData])
      if (name !== EDGE_FILES.vision || vision) files[name] = fileBytes(join(dir, name));
    return {
      manifest,
      textModel: describeTowerFile(file),
      sourceBytes,
      files,
      quantized,
      idsPath: extracted.path,
      reshapes,
      lastToken,
      verification,
      vision,
    };
  }
}
