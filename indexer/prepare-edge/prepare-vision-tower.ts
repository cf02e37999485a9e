// The browser's image encoder for prepare-edge: the model's vision tower as one self-contained .onnx file for
// onnxruntime-web, int8 MatMuls (quantize-matmul.ts) when they keep the cosine floor to the fp32 tower on the
// verification frames, else the fp32 tower itself; measured in onnxruntime-web, as the page runs it.
import { readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { sha256Hex } from "../../shared/deployment/sha256.ts";
import { InputError } from "../../shared/errors.ts";
import { EDGE_FILES, type EdgeVisionDtype, type EdgeVisionTower } from "../../shared/model/edge-manifest.ts";
import { ClipImageEncoder } from "../../shared/model/image-encoder.ts";
import { cosine } from "../../shared/vectors.ts";
import { describeTowerFile, type ModelDirectory, resolveModelDir, towerFile } from "../embed/model-dir.ts";
import { loadImageEncoder } from "../embed/onnx-runtime.ts";
import { readTowerModel } from "../onnx/tower-graph.ts";
import { writeModelProto } from "../onnx/write-model.ts";
import { webOrt } from "./onnx-runtime-web.ts";
import { quantizeMatMuls } from "./quantize-matmul.ts";
import { syntheticVerificationFrames } from "./verification-frames.ts";
import { openWebSession } from "./web-session.ts";

/** "auto": int8 when it keeps the floor, else fp32; "int8" / "fp32": that one (still held to the floor). */
export type VisionChoice = "auto" | EdgeVisionDtype;

export interface VisionTowerOptions {
  choice: VisionChoice;
  /** Floor of the minimum cosine to the fp32 tower (prepare-edge's --min-cosine, default 0.99). */
  minCosine: number;
  /** CLIP input tensors [3, S, S] to measure on; default syntheticVerificationFrames. */
  frames?: Float32Array[];
  onProgress?: (message: string) => void;
}

/** One candidate file as measured. */
export interface VisionMeasurement {
  dtype: EdgeVisionDtype;
  bytes: number;
  cosineMin: number;
  cosineMean: number;
  passed: boolean;
}

export interface VisionTowerResult {
  /** edge.json's `vision`. */
  tower: EdgeVisionTower;
  /** The source tower file ("onnx/vision_model.onnx (fp32)"). */
  source: string;
  /** Every candidate tried, in order (int8 first under "auto"). */
  tried: VisionMeasurement[];
}

/** The model directory resolved with its fp32 vision tower, or null when it has none. */
export function withVisionTower(modelDir: string): ModelDirectory | null {
  try {
    return resolveModelDir(modelDir, { towers: ["vision"], dtype: "fp32" });
  } catch {
    return null;
  }
}

/**
 * Writes the tower as `dtype` to `path`, one file with every weight inline (the page fetches one URL); returns
 * its size and how many MatMuls were quantized (0 for fp32).
 */
function writeTower(model: ModelDirectory, dtype: EdgeVisionDtype, path: string) {
  const loaded = readTowerModel(towerFile(model, "vision"));
  const matmuls = dtype === "int8" ? quantizeMatMuls(loaded, "integer").matmuls : 0;
  writeModelProto(path, loaded.model, loaded.initializers, { externalDataName: null });
  return { bytes: statSync(path).size, matmuls };
}

/** Embeddings of `frames` one at a time (batch 1, as the page runs them) by `encoder`. */
async function embedEach(encoder: ClipImageEncoder, frames: Float32Array[]): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (const frame of frames) vectors.push(...(await encoder.encode(frame, 1)));
  return vectors;
}

/** The fp32 tower's embeddings of `frames` in onnxruntime-node: the reference. */
async function referenceEmbeddings(model: ModelDirectory, frames: Float32Array[]): Promise<Float32Array[]> {
  const { encoder } = await loadImageEncoder(model, { threads: 1 });
  try {
    return await embedEach(encoder, frames);
  } finally {
    await encoder.release();
  }
}

/** Cosines of the file at `path` (onnxruntime-web) to `expected` on `frames`. */
async function measure(
  model: ModelDirectory,
  path: string,
  frames: Float32Array[],
  expected: Float32Array[],
): Promise<number[]> {
  const session = await openWebSession(webOrt, path);
  const encoder = new ClipImageEncoder(webOrt, session, {
    dimension: model.config.projectionDim,
    imageSize: model.config.preprocess.cropSize,
    label: path,
  });
  try {
    const actual = await embedEach(encoder, frames);
    return actual.map((vector, i) => cosine(vector, expected[i]));
  } finally {
    await encoder.release();
  }
}

/**
 * Writes `dir`/vision_model.onnx from `model`'s fp32 vision tower and returns edge.json's `vision` for it.
 * Under "auto" the int8 file is kept when its minimum cosine reaches the floor, else replaced by fp32; a
 * chosen dtype below the floor is an InputError ("edge_verification_failed"), as for the text encoder.
 */
export async function writeVisionTower(
  model: ModelDirectory,
  dir: string,
  options: VisionTowerOptions,
): Promise<VisionTowerResult> {
  const log = options.onProgress ?? (() => {});
  const source = describeTowerFile(towerFile(model, "vision"));
  const { preprocess } = model.config;
  const frames = options.frames ?? syntheticVerificationFrames(preprocess);
  log(
    `vision tower: ${source}; measuring on ${frames.length} frames (fp32 in onnxruntime-node vs onnxruntime-web) ...`,
  );
  const expected = await referenceEmbeddings(model, frames);
  const path = join(dir, EDGE_FILES.vision);
  const candidates: EdgeVisionDtype[] = options.choice === "auto" ? ["int8", "fp32"] : [options.choice];
  const tried: VisionMeasurement[] = [];
  for (const dtype of candidates) {
    const { bytes, matmuls } = writeTower(model, dtype, path);
    // A tower without constant MatMul weights has nothing to quantize: its "int8" file would be the fp32 one.
    if (dtype === "int8" && matmuls === 0 && options.choice === "auto") {
      log("vision int8: no MatMul by a constant weight to quantize; writing the fp32 tower");
      continue;
    }
    const cosines = await measure(model, path, frames, expected);
    const cosineMin = Math.min(...cosines);
    const measured: VisionMeasurement = {
      dtype,
      bytes,
      cosineMin,
      cosineMean: cosines.reduce((a, b) => a + b, 0) / cosines.length,
      passed: cosineMin >= options.minCosine,
    };
    tried.push(measured);
    log(
      `vision ${dtype}${dtype === "int8" ? ` (${matmuls} MatMuls)` : ""}: ${(bytes / 2 ** 20).toFixed(1)} MiB, cosine to fp32 min ${cosineMin.toFixed(5)} mean ${measured.cosineMean.toFixed(5)}${measured.passed ? "" : ` (below ${options.minCosine})`}`,
    );
    if (!measured.passed) continue;
    return {
      source,
      tried,
      tower: {
        file: EDGE_FILES.vision,
        bytes,
        sha256: await sha256Hex(new Uint8Array(readFileSync(path))),
        dtype,
        cosineMin: measured.cosineMin,
        cosineMean: measured.cosineMean,
        verifiedFrames: frames.length,
        imageSize: model.config.preprocess.cropSize,
        preprocess,
        dimension: model.config.projectionDim,
      },
    };
  }
  rmSync(path, { force: true });
  const last = tried[tried.length - 1];
  throw new InputError(
    "edge_verification_failed",
    `the browser's image encoder does not reproduce ${source}: ${last.dtype} min cosine ${last.cosineMin.toFixed(5)} is below ${options.minCosine}`,
  );
}
