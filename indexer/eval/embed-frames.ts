// Embeds the frames of the videos missing from the frame cache with the indexing pipeline
// (decode -> preprocess -> embed) and stores each video in the cache as soon as it is done.
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
 * Embeds `jobs` in order, one pipeline run per video: the pipeline's output is aggregated rows, so
 * the raw frame vectors are taken where they leave the embedder, and one video per run makes every
 * captured vector belong to that video (a video that fails part-way is dropped whole). Decoding,
 * preprocessing and inference still overlap within a video. Never prints.
 */
export async function embedFrames(
  jobs: readonly FrameJob[],
  options: EmbedFramesOptions,
): Promise<EmbedFramesOutcome> {
  const clock = new StageClock();
  const outcome: EmbedFramesOutcome = { failed: [], frames: 0, seconds: clock.snapshot() };
  // Thumbnails are not needed here; skipping them saves an ffmpeg run per video.
  const source: FrameSource = { ...options.source, thumbnail: async () => new Uint8Array(0) };
  for (const job of jobs) {
    const vectors: Float32Array[] = [];
    const timestampsSec: number[] = [];
    const preprocess: Preprocess = (frame) => {
      const pixels = options.preprocess(frame);
      timestampsSec.push(frame.timestampSec);
      return pixels;
    };
    const embedder: FrameEmbedder = {
      dimension: options.embedder.dimension,
      async embed(pixels, count) {
        const out = await options.embedder.embed(pixels, count);
        vectors.push(...out);
        return out;
      },
    };
    const run = await runIndexPipeline(
      [{ id: job.id, path: job.path, title: job.id, url: null, source: job.source }],
      {
        source,
        preprocess,
        embedder,
        batchSize: options.batchSize,
        aggregations: [],
        segmentSec: null,
        clock,
        onEvent: options.onEvent,
        async save(result) {
          if (vectors.length !== result.frames || timestampsSec.length !== result.frames)
            throw new Error(
              `${job.path}: ${result.frames} frames embedded but ${vectors.length} vectors and ${timestampsSec.length} times captured`,
            );
          const dimension = options.embedder.dimension;
          const matrix = new Float32Array(result.frames * dimension);
          vectors.forEach((vector, i) => {
            matrix.set(l2NormalizeInPlace(vector), i * dimension);
          });
          await clock.time("write", () =>
            options.cache.save(job.path, job.source, {
              vectors: matrix,
              count: result.frames,
              dimension,
              timestampsSec,
              durationSec: result.durationSec,
              fps: result.fps,
              width: result.width,
              height: result.height,
            }),
          );
        },
      },
    );
    outcome.failed.push(...run.failed);
    outcome.frames += run.frames;
  }
  outcome.seconds = clock.snapshot();
  return outcome;
}
