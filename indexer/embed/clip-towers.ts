// The model side of indexing: a model directory's image tower as the pipeline's preprocess + embedder,
// and its text tower for captions (both through indexer/embed/onnx-runtime.ts).
import { preprocessFrame } from "../../shared/image/preprocess.ts";
import type { FrameEmbedder, Preprocess } from "../pipeline/types.ts";
import type { ModelDirectory } from "./model-dir.ts";
import { type ExecutionProvider, loadImageEncoder, loadTextEncoder } from "./onnx-runtime.ts";

/** --device and --threads. */
export interface RuntimeOptions {
  device: ExecutionProvider;
  /** Intra-op threads, or undefined for ONNX Runtime's default. */
  threads?: number;
}

/** The image tower ready for the pipeline. */
export interface ImageTower {
  preprocess: Preprocess;
  embedder: FrameEmbedder;
  release(): Promise<void>;
}

/** Loads the vision model; preprocessing values come from the model's preprocessor_config.json. */
export async function loadImageTower(model: ModelDirectory, runtime: RuntimeOptions): Promise<ImageTower> {
  const { encoder } = await loadImageEncoder(model, {
    executionProvider: runtime.device,
    threads: runtime.threads,
  });
  const config = model.config.preprocess;
  return {
    preprocess: (frame) => preprocessFrame(frame.rgb, frame.width, frame.height, config),
    embedder: { dimension: encoder.dimension, embed: (pixels, count) => encoder.encode(pixels, count) },
    release: () => encoder.release(),
  };
}

/** The text tower: texts -> Float32Array(d) L2-normalized vectors. */
export interface TextTower {
  encode(texts: readonly string[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/** Loads the text model and its tokenizer. */
export async function loadTextTower(model: ModelDirectory, runtime: RuntimeOptions): Promise<TextTower> {
  const { encoder } = await loadTextEncoder(model, {
    executionProvider: runtime.device,
    threads: runtime.threads,
  });
  return {
    encode: async (texts) => (await encoder.encode(texts)).vectors,
    release: () => encoder.release(),
  };
}
