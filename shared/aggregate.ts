// Frame aggregation (paper sec. 3.4): turn a video's frame embeddings into one or more video vectors.
import { InputError } from "./errors.ts";
import { kMeans } from "./kmeans.ts";
import { l2Normalize, l2NormalizeInPlace, meanVector } from "./vectors.ts";

/**
 * How a video's frames become video vectors:
 * - `frame`: the embedding of one frame, `index` 0-based (the paper uses the 30th frame, "frame:29");
 * - `mean`: the mean of the L2-normalized frame embeddings, normalized again (the seed code's choice);
 * - `kmeans`: k normalized centroids; the video is scored by its best-matching vector.
 */
export type Aggregation = { kind: "mean" } | { kind: "frame"; index: number } | { kind: "kmeans"; k: number };

/** Largest k accepted by parseAggregation: more centroids than this is a typo, not a choice. */
export const MAX_KMEANS_K = 1024;

const SPELLINGS = 'use "mean", "frame:N" (N = 0-based frame index) or "kmeans:K" (K = 1..1024)';

/** Parses the CLI spelling "mean" | "frame:N" | "kmeans:K"; throws a one-line InputError otherwise. */
export function parseAggregation(text: string): Aggregation {
  const trimmed = text.trim();
  if (trimmed === "mean") return { kind: "mean" };
  const match = /^(frame|kmeans):(\d+)$/.exec(trimmed);
  const value = match ? Number(match[2]) : Number.NaN;
  if (match?.[1] === "frame" && Number.isSafeInteger(value)) return { kind: "frame", index: value };
  if (match?.[1] === "kmeans" && value >= 1 && value <= MAX_KMEANS_K) return { kind: "kmeans", k: value };
  throw new InputError("bad_aggregation", `aggregation "${text}" is not valid: ${SPELLINGS}`);
}

/** Inverse of parseAggregation (the spelling stored in an index manifest). */
export function formatAggregation(aggregation: Aggregation): string {
  switch (aggregation.kind) {
    case "mean":
      return "mean";
    case "frame":
      return `frame:${aggregation.index}`;
    case "kmeans":
      return `kmeans:${aggregation.k}`;
  }
}

/**
 * The frame that `frame:N` uses for a video of `frameCount` frames: N, clamped to the last frame.
 * Clamping (not an error) because a library holds short clips too and one of them must not stop
 * indexing; the index records the sampled frame count, so the clamp is visible there.
 */
function selectedFrameIndex(index: number, frameCount: number): number {
  return Math.min(index, frameCount - 1);
}

/**
 * Aggregates one video's frame embeddings (each Float32Array(d), any norm, in time order) into
 * video vectors, each L2-normalized: 1 vector for `mean` and `frame`, min(k, frames) for `kmeans`.
 * `seed` drives k-means++ (same seed, same frames -> same centroids). Throws InputError when
 * there are no frames.
 */
export function aggregateFrames(
  aggregation: Aggregation,
  frameVectors: readonly Float32Array[],
  seed = 0,
): Float32Array[] {
  if (frameVectors.length === 0)
    throw new InputError("no_frames", "no frames to aggregate: the video decoded to zero frames");
  switch (aggregation.kind) {
    case "frame":
      return [l2Normalize(frameVectors[selectedFrameIndex(aggregation.index, frameVectors.length)])];
    case "mean":
      return [l2NormalizeInPlace(meanVector(frameVectors.map((v) => l2Normalize(v))))];
    case "kmeans":
      return kMeans(
        frameVectors.map((v) => l2Normalize(v)),
        aggregation.k,
        seed,
      );
  }
}
