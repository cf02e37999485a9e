// The pieces the indexing pipeline runs, injected so that the pipeline owns only the flow.
import type { DecodedFrame } from "../decode/decoded-frame.ts";

/** The decoders' frame record (indexer/decode/decoded-frame.ts), what a FrameSource yields. */
export type { DecodedFrame };

/** Container metadata of a video. */
export interface VideoInfo {
  durationSec: number;
  fps: number;
  width: number;
  height: number;
}

/** Decoding: metadata, the sampled frames, and a JPEG thumbnail. */
export interface FrameSource {
  probe(path: string): Promise<VideoInfo>;
  /** The sampled frames; `info` is what `probe(path)` returned (so the source need not probe twice). */
  frames(path: string, info: VideoInfo): AsyncIterable<DecodedFrame>;
  /** JPEG of a decoded frame (the video's middle one). A failure only costs the thumbnail. */
  thumbnail(frame: DecodedFrame): Promise<Uint8Array>;
  /**
   * A small JPEG of a sampled frame, kept until the video's vectors exist so that each moment (segment,
   * k-means centroid) gets the frame nearest its vector as its thumbnail. Absent: no moment thumbnails.
   */
  momentThumbnail?(frame: DecodedFrame): Promise<Uint8Array>;
}

/** Turns a frame into the model input: Float32Array [3, size, size]. */
export type Preprocess = (frame: DecodedFrame) => Float32Array;

/** Embeds a batch: `pixels` = `count` frames of [3, size, size] back to back -> `count` vectors [d]. */
export interface FrameEmbedder {
  readonly dimension: number;
  embed(pixels: Float32Array, count: number): Promise<Float32Array[]>;
}
