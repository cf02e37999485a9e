// Embeds the frames of the videos missing from the frame cache with the indexing pipeline
// (decode -> preprocess -> embed, all videos in one run) and stores each video in the cache as soon as it is done.
import { l2NormalizeInPlace } from "../../shared/vectors.ts";
import { type PipelineEvent, runIndexPipeline } from "../pipeline/index-pipeline.ts";
import { StageClock } from "../pipeline/stage-clock.ts";
import type { FrameEmbedder, FrameSource, Preprocess } from "../pipeline/types.ts";
import type { FrameCache, SourceIdentity } from "./frame-cache.ts";

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

/**
 * Embeds `jobs` in order in one pipeline run (decoding, preprocessing and inference overlap across
 * videos): the pipeline's onFrames hook hands over each finished video's raw frame vectors, and its
 * save (next, same video) carries the metadata the cache stores. A video that fails is skipped whole.
 * Never prints.
 */
export async function embedFrames(
  jobs: readonly FrameJob[],
  options: EmbedFramesOptions,
): Promise<EmbedFramesOutcome> {
  const clock = new StageClock();
  // Thumbnails are not needed here.
  const source: FrameSource = { ...options.source, thumbnail: async () => new Uint8Array(0) };
  const byId = new Map(jobs.map((job) => [job.id, job]));
  if (byId.size !== jobs.length) throw new Error("embedFrames: job ids must be unique");
  let frames: { id: string; vectors: readonly Float32Array[]; timestampsSec: readonly number[] } | null =
    null;
  const run = await runIndexPipeline(
    jobs.map((job) => ({ id: job.id, path: job.path, title: job.id, url: null, source: job.source })),
    {
      source,
      preprocess: options.preprocess,
      embedder: options.embedder,
      batchSize: options.batchSize,
      aggregations: [],
      segmentSec: null,
      clock,
      onEvent: options.onEvent,
      onFrames(job, vectors, timestampsSec) {
        frames = { id: job.id, vectors, timestampsSec };
      },
      async save(result) {
        const job = byId.get(result.id);
        const captured = frames;
        frames = null;
        if (
          !job ||
          captured === null ||
          captured.id !== result.id ||
          captured.vectors.length !== result.frames
        )
          throw new Error(`${result.id}: the frames handed over do not match the video saved`);
        const dimension = options.embedder.dimension;
        const matrix = new Float32Array(result.frames * dimension);
        captured.vectors.forEach((vector, i) => {
          matrix.set(l2NormalizeInPlace(Float32Array.from(vector)), i * dimension);
        });
        await options.cache.save(job.path, job.source, {
          vectors: matrix,
          count: result.frames,
          dimension,
          timestampsSec: [...captured.timestampsSec],
          durationSec: result.durationSec,
          fps: result.fps,
          width: result.width,
          height: result.height,
        });
      },
    },
  );
  return { failed: run.failed, frames: run.frames, seconds: clock.snapshot() };
}
