// Entry of the page's visual query (served as /browser/visual-query.js, imported on the first image or clip):
// the file decoded, preprocessed with shared/'s Pillow-exact code, embedded with onnxruntime-web and, for a
// clip, its sampled frames mean-aggregated as the index does. Only the vector leaves this module.

import { parseSampling } from "../indexer/decode/sampling.ts";
import { aggregateFrames } from "../shared/aggregate.ts";
import { type PreprocessConfig, preprocessFrame } from "../shared/image/preprocess.ts";
import type { ClipImageEncoder } from "../shared/model/image-encoder.ts";
import { decodeClip, loadFfmpeg } from "./decode-clip.ts";
import { decodeImage } from "./decode-image.ts";
import { loadVisionModel } from "./vision-model.ts";

export { createVisionEncoder } from "./vision-model.ts";

/** The clip sampling of the visual query: the indexer's rules, N frames at the centres of N equal parts. */
export const CLIP_SAMPLING = "uniform:8";

/** What the page shows while a file is turned into a vector. */
export type EmbedStep =
  | { step: "model" | "decoder"; receivedBytes: number; totalBytes: number }
  | { step: "decode" | "embed"; frames?: number };

export type MediaKind = "image" | "clip";

/** "image", "clip", or null for a file that is neither (by its MIME type, else its extension). */
export function mediaKind(file: File): MediaKind | null {
  if (file.type.startsWith("image/")) return "image";
  if (file.type.startsWith("video/")) return "clip";
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? "";
  if (["png", "jpg", "jpeg", "webp", "gif", "bmp", "avif"].includes(extension)) return "image";
  if (["mp4", "m4v", "mov", "webm", "mkv", "avi", "ogv", "mpg", "mpeg", "ts"].includes(extension))
    return "clip";
  return null;
}

/** The L2-normalized embedding of an image file, as `embed image` computes it. */
export async function embedImage(
  encoder: ClipImageEncoder,
  preprocess: PreprocessConfig,
  file: Blob,
): Promise<Float32Array> {
  const image = await decodeImage(file);
  const [vector] = await encoder.encode(preprocessFrame(image.rgb, image.width, image.height, preprocess), 1);
  return vector;
}

/** A clip's sampled frames and their mean (L2-normalized), as `embed video --aggregate mean` computes them. */
export async function embedClip(
  encoder: ClipImageEncoder,
  preprocess: PreprocessConfig,
  file: File,
  options: { sampling?: string; onStep?: (step: EmbedStep) => void } = {},
): Promise<{ vector: Float32Array; frames: { index: number; timestampSec: number }[] }> {
  const onStep = options.onStep ?? (() => undefined);
  const ffmpeg = await loadFfmpeg((receivedBytes, totalBytes) =>
    onStep({ step: "decoder", receivedBytes, totalBytes }),
  );
  onStep({ step: "decode" });
  const decoded = await decodeClip(ffmpeg, file, parseSampling(options.sampling ?? CLIP_SAMPLING));
  onStep({ step: "embed", frames: decoded.length });
  const vectors: Float32Array[] = [];
  // One frame a run: batch 1 is the shape the deployed tower is verified at.
  for (const frame of decoded) {
    const [vector] = await encoder.encode(
      preprocessFrame(frame.rgb, frame.width, frame.height, preprocess),
      1,
    );
    vectors.push(vector);
  }
  // Mean aggregation needs no seed (only k-means does).
  const [vector] = aggregateFrames({ kind: "mean" }, vectors, 0);
  return { vector, frames: decoded.map(({ index, timestampSec }) => ({ index, timestampSec })) };
}

/** What embedMedia hands the page: the vector to POST and facts for the status line. */
export interface MediaEmbedding {
  kind: MediaKind;
  vector: number[];
  frames: number;
  modelId: string;
  dtype: string;
  backend: string;
  /** True when the vision model came from Cache Storage. */
  modelCached: boolean;
}

/** The deployment's vision model embeds `file` (an image or a clip) in this browser. */
export async function embedMedia(file: File, onStep: (step: EmbedStep) => void): Promise<MediaEmbedding> {
  const kind = mediaKind(file);
  if (!kind)
    throw new Error(
      `${file.name || "this file"} is neither an image nor a video; choose a PNG, JPEG, MP4 or WebM`,
    );
  const model = await loadVisionModel((receivedBytes, totalBytes) =>
    onStep({ step: "model", receivedBytes, totalBytes }),
  );
  const { encoder, info } = model;
  let vector: Float32Array;
  let frames = 1;
  if (kind === "image") {
    onStep({ step: "embed", frames: 1 });
    vector = await embedImage(encoder, info.preprocess, file);
  } else {
    const clip = await embedClip(encoder, info.preprocess, file, { onStep });
    vector = clip.vector;
    frames = clip.frames.length;
  }
  return {
    kind,
    vector: Array.from(vector),
    frames,
    modelId: info.modelId,
    dtype: info.dtype,
    backend: model.backend,
    modelCached: model.cached,
  };
}
