// The frame pipeline's contract: the pieces it runs (injected, so that it owns only the flow), the jobs it
// takes and the videos and events it hands out.
import type { DecodedFrame } from "../decode/decoded-frame.ts";

/** What a file's stat (or a URL's HEAD) already found: its size, so the decoder need not stat it again. */
export interface KnownSource {
  sizeBytes: number;
}

/** A video to run: consumers extend it with what they need back (title, source identity, ...). */
export interface PipelineJob {
  id: string;
  /** What ffmpeg opens: a file path or an http(s) URL. */
  path: string;
  source: KnownSource;
}

/** Container metadata of a video. */
export interface VideoInfo {
  durationSec: number;
  fps: number;
  width: number;
  height: number;
}

/** Decoding: metadata, the sampled frames, and JPEG thumbnails. */
export interface FrameSource {
  /** `source` is what the caller's stat of `path` found (the file is not stat'ed again). */
  probe(path: string, source: KnownSource): Promise<VideoInfo>;
  /** The sampled frames; `info` is what `probe(path)` returned (so the source need not probe twice). */
  frames(path: string, info: VideoInfo): AsyncIterable<DecodedFrame>;
  /** JPEG of a decoded frame (the video's middle one). A failure only costs the thumbnail. */
  thumbnail(frame: DecodedFrame): Promise<Uint8Array>;
  /**
   * A small JPEG of a sampled frame, kept until the video's vectors exist (`index` gives each moment,
   * segment or k-means centroid, the one of the frame nearest its vector). A failure only costs that JPEG.
   */
  frameThumbnail(frame: DecodedFrame): Promise<Uint8Array>;
}

/** Turns a frame into the model input: Float32Array [3, size, size]. */
export type Preprocess = (frame: DecodedFrame) => Float32Array;

/** Embeds a batch: `pixels` = `count` frames of [3, size, size] back to back -> `count` vectors [d]. */
export interface FrameEmbedder {
  readonly dimension: number;
  embed(pixels: Float32Array, count: number): Promise<Float32Array[]>;
}

/** One video's frames, embedded: what a consumer gets, in job order. */
export interface EmbeddedVideo<J extends PipelineJob> {
  job: J;
  info: VideoInfo;
  /** The container's duration, or the span of the decoded frames when the container has none. */
  durationSec: number;
  /** One Float32Array(d) per sampled frame, in time order, as the embedder returned it (not normalized). */
  vectors: Float32Array[];
  /** Time of each sampled frame, seconds. */
  timestampsSec: number[];
  /** JPEG of the sampled frame nearest the middle; null when not asked for or when encoding it failed. */
  thumbnail: Uint8Array | null;
  /** Small JPEG of each sampled frame in order (null where one failed); empty unless asked for. */
  frameThumbnails: (Uint8Array | null)[];
}

/** What the pipeline reports as it goes (for progress display). */
export type PipelineEvent =
  | { type: "frames"; count: number }
  | { type: "video"; id: string; ok: true; frames: number }
  | { type: "video"; id: string; ok: false; reason: string };
