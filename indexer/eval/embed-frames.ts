// Embeds the frames of the videos missing from the frame cache with the frame pipeline (decode ->
// preprocess -> embed, all videos in one run) and stores each video in the cache as soon as it is done.
import { l2NormalizeInPlace } from "../../shared/vectors.ts";
import type { SourceIdentity } from "../index/video-result.ts";
import { runFramePipeline } from "../pipeline/frame-pipeline.ts";
import { StageClock } from "../pipeline/stage-clock.ts";
import type {
  EmbeddedVideo,
  FrameEmbedder,
  FrameSource,
  PipelineEvent,
  Preprocess,
} from "../pipeline/types.ts";
import type { FrameCache, VideoFrames } from "./frame-cache.ts";

/** A video to embed. */
export interface FrameJob {
  id: string;
  path: string;
  source: SourceIdentity;
}

export interface EmbedFramesOptions {
  source: FrameSource;
  preprocess: Preprocess;
  embedder: FrameEmbedder;
  /** Frames per inference call. */
  batchSize: number;
  cache: FrameCache;
  onEvent?(event: PipelineEvent): void;
}

/** Videos that could not be decoded (and why), frames embedded, busy seconds per stage. */
export interface EmbedFramesOutcome {
  failed: { id: string; path: string; reason: string }[];
  frames: number;
  seconds: ReturnType<StageClock["snapshot"]>;
}

/** The cache's record of an embedded video: its frame vectors L2-normalized into one row-major matrix. */
export function cachedFrames(video: EmbeddedVideo<FrameJob>, dimension: number): VideoFrames {
  const matrix = new Float32Array(video.vectors.length * dimension);
  video.vectors.forEach((vector, i) => {
    matrix.set(l2NormalizeInPlace(Float32Array.from(vector)), i * dimension);
  });
  return {
    vectors: matrix,
    count: video.vectors.length,
    dimension,
    timestampsSec: [...video.timestampsSec],
    durationSec: video.durationSec,
    fps: video.info.fps,
    width: video.info.width,
    height: video.info.height,
  };
}

/**
 * Embeds `jobs` in order in one pipeline run (decoding, preprocessing and inference overlap across
 * videos; no thumbnails) and saves each finished video in the cache. A video that fails is skipped whole.
 * Never prints.
 */
export async function embedFrames(
  jobs: readonly FrameJob[],
  options: EmbedFramesOptions,
): Promise<EmbedFramesOutcome> {
  const clock = new StageClock();
  const run = await runFramePipeline(jobs, {
    source: options.source,
    preprocess: options.preprocess,
    embedder: options.embedder,
    batchSize: options.batchSize,
    thumbnails: { video: false, frames: false },
    clock,
    onEvent: options.onEvent,
    consume: (video) =>
      options.cache.save(video.job.path, video.job.source, cachedFrames(video, options.embedder.dimension)),
  });
  return { failed: run.failed, frames: run.frames, seconds: clock.snapshot() };
}
