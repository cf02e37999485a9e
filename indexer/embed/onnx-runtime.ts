// The only file importing onnxruntime-node: creates sessions (threads, cpu|cuda) and the shared CLIP
// encoders on top of them for a model directory.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
import { InputError } from "../../shared/errors.ts";
import { checkPoolingToken } from "../../shared/model/clip-config.ts";
import { ClipImageEncoder } from "../../shared/model/image-encoder.ts";
import type { OrtNamespace, OrtSession } from "../../shared/model/ort-types.ts";
import { ClipTextEncoder } from "../../shared/model/text-encoder.ts";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { towerSessionSource } from "../onnx/tower-graph.ts";
import {
  describeTowerFile,
  type ModelDirectory,
  type ModelDtype,
  resolveModelDir,
  type Tower,
  type TowerFile,
} from "./model-dir.ts";

/** onnxruntime-node as the shared encoders' injected namespace. */
export const nodeOrt: OrtNamespace = ort;

export type ExecutionProvider = "cpu" | "cuda";

export interface NodeSessionOptions {
  /** Intra-op threads (default: ONNX Runtime's choice, one per physical core). */
  threads?: number;
  /** Default "cpu". "cuda" needs onnxruntime-node's CUDA 12 libraries (see CUDA_INSTALL_HINT). */
  executionProvider?: ExecutionProvider;
  /** Also write the graph as ONNX Runtime optimized it (external data keeps its location) to this path. */
  optimizedModelPath?: string;
}

/**
 * How to get the CUDA execution provider: onnxruntime-node downloads its CUDA 12 libraries in its
 * install script, which this project's .npmrc skips (offline installs); the environment variable
 * takes precedence over .npmrc. Needs CUDA 12 and cuDNN 9 on the machine.
 */
export const CUDA_INSTALL_HINT =
  "install onnxruntime-node's CUDA 12 libraries with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node` (needs network access, CUDA 12 and cuDNN 9), or use --device cpu";

/** True when onnxruntime-node's CUDA provider library is present beside its binding (Linux, Windows x64). */
export function cudaProviderInstalled(): boolean {
  if (!ort.listSupportedBackends().some((backend) => backend.name === "cuda")) return false;
  const packageDir = join(dirname(createRequire(import.meta.url).resolve("onnxruntime-node")), "..");
  const library =
    process.platform === "win32" ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
  return existsSync(join(packageDir, "bin", "napi-v6", process.platform, process.arch, library));
}

/**
 * Loads a model from its path (external data resolved beside it) or its bytes; `label` names it in errors.
 * Throws InputError for a bad file or missing CUDA.
 */
export async function createNodeSession(
  model: string | Uint8Array,
  options: NodeSessionOptions = {},
  label: string = typeof model === "string" ? model : "the model",
): Promise<OrtSession> {
  const provider = options.executionProvider ?? "cpu";
  if (provider === "cuda" && !cudaProviderInstalled()) {
    throw new InputError(
      "cuda_unavailable",
      `onnxruntime-node has no CUDA provider here; ${CUDA_INSTALL_HINT}`,
    );
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    // "extended", not "all": the layout transformations "all" adds made CLIP's text encoder ~7% slower per
    // query here (13.5 vs 14.9 ms on ViT-B/32, 100 MSR-VTT sentences interleaved) and the vision encoder no faster.
    graphOptimizationLevel: "extended",
    interOpNumThreads: 1,
  };
  if (options.threads !== undefined) sessionOptions.intraOpNumThreads = options.threads;
  if (options.optimizedModelPath) sessionOptions.optimizedModelFilePath = options.optimizedModelPath;
  try {
    return typeof model === "string"
      ? await ort.InferenceSession.create(model, sessionOptions)
      : await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    const message = (error as Error).message;
    if (provider === "cuda") {
      throw new InputError(
        "cuda_unavailable",
        `could not start the CUDA execution provider (${message}); ${CUDA_INSTALL_HINT}`,
        {
          cause: error,
        },
      );
    }
    throw new InputError("bad_model", `ONNX Runtime could not load ${label}: ${message}`, {
      cause: error,
    });
  }
}

export interface LoadEncoderOptions extends NodeSessionOptions {
  /** Weight files to load (default fp32); ignored when an already resolved directory is passed. */
  dtype?: ModelDtype;
  /** Texts per ONNX run (text encoder). */
  batchSize?: number;
}

/** `model` resolved with `tower` (re-resolved when the given directory was resolved without it). */
function withTower(
  model: string | ModelDirectory,
  tower: Tower,
  dtype: ModelDtype | undefined,
): { dir: ModelDirectory; file: TowerFile } {
  const dir =
    typeof model === "string"
      ? resolveModelDir(model, { towers: [tower], dtype })
      : model.models[tower]
        ? model
        : resolveModelDir(model.dir, { towers: [tower], dtype: model.dtype });
  return { dir, file: dir.models[tower] as TowerFile };
}

/** A session on `file`'s tower (a combined graph is cut to it first). */
export async function createTowerSession(
  file: TowerFile,
  options: NodeSessionOptions = {},
): Promise<OrtSession> {
  return createNodeSession(towerSessionSource(file), options, file.path);
}

/** The text encoder of a model directory (or an already resolved one), with its tokenizer. */
export async function loadTextEncoder(
  model: string | ModelDirectory,
  options: LoadEncoderOptions = {},
): Promise<{ model: ModelDirectory; file: TowerFile; encoder: ClipTextEncoder; tokenizer: ClipTokenizer }> {
  const { dir, file } = withTower(model, "text", options.dtype);
  const tokenizer = ClipTokenizer.fromFiles(
    readFileSync(dir.vocabPath, "utf8"),
    readFileSync(dir.mergesPath, "utf8"),
    { contextLength: dir.config.contextLength },
  );
  checkPoolingToken(dir.config, tokenizer.endToken);
  const session = await createTowerSession(file, options);
  const encoder = new ClipTextEncoder(nodeOrt, session, tokenizer, {
    dimension: dir.config.projectionDim,
    contextLength: dir.config.contextLength,
    vocabSize: dir.config.vocabSize,
    batchSize: options.batchSize,
    label: `${dir.dir}/${describeTowerFile(file)}`,
  });
  return { model: dir, file, encoder, tokenizer };
}

/** The image encoder of a model directory (or an already resolved one). */
export async function loadImageEncoder(
  model: string | ModelDirectory,
  options: LoadEncoderOptions = {},
): Promise<{ model: ModelDirectory; file: TowerFile; encoder: ClipImageEncoder }> {
  const { dir, file } = withTower(model, "vision", options.dtype);
  const session = await createTowerSession(file, options);
  const encoder = new ClipImageEncoder(nodeOrt, session, {
    dimension: dir.config.projectionDim,
    imageSize: dir.config.preprocess.cropSize,
    label: `${dir.dir}/${describeTowerFile(file)}`,
  });
  return { model: dir, file, encoder };
}
