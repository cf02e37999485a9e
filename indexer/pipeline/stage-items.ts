// What flows between the frame pipeline's stages: a video's frames, then one "end" item with its metadata,
// thumbnails and error (null when it decoded).

import type { DecodedFrame } from "../decode/decoded-frame.ts";
import type { PipelineJob, VideoInfo } from "./types.ts";

/** The last item of a video: what the decoder learnt, and why the video failed (null when it did not). */
export interface VideoEnd<J extends PipelineJob> {
  kind: "end";
  job: J;
  info: VideoInfo | null;
  /** JPEG of the sampled frame nearest the middle; null when not asked for or when encoding it failed. */
  thumbnail: Uint8Array | null;
  /** Small JPEG of each sampled frame in order (null where one failed); empty unless asked for. */
  frameThumbnails: (Uint8Array | null)[];
  error: string | null;
}

/** Decode stage -> preprocess stage. */
export type Decoded<J extends PipelineJob> = { kind: "frame"; job: J; frame: DecodedFrame } | VideoEnd<J>;

/** Preprocess stage -> embed stage. */
export type Prepared<J extends PipelineJob> =
  | { kind: "frame"; job: J; timestampSec: number; pixels: Float32Array }
  | VideoEnd<J>;

/** Embed stage -> consume stage: one item per video, its vectors empty when it failed. */
export type Embedded<J extends PipelineJob> = Omit<VideoEnd<J>, "kind"> & {
  vectors: Float32Array[];
  timestampsSec: number[];
};

/** The one-line reason a video failed. */
export function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
