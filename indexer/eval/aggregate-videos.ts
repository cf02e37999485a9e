// Turns the cached frame embeddings of every evaluated video into one video matrix per aggregation.
import { type Aggregation, aggregateFrames, formatAggregation } from "../../shared/aggregate.ts";
import type { SourceIdentity } from "../index/video-result.ts";
import { kmeansSeed } from "../index/video-vectors.ts";
import type { FrameCache } from "./frame-cache.ts";

/** A video whose frames are in the cache. */
export interface CachedVideo {
  id: string;
  path: string;
  source: SourceIdentity;
}

/** The videos under one aggregation: `vectorsPerVideo` rows per video, best one scores. */
export interface AggregatedVideos {
  /** Spelling, e.g. "kmeans:4". */
  aggregation: string;
  /** Row-major [V * vectorsPerVideo, d], L2-normalized rows, video v in rows v*k .. v*k+k-1. */
  vectors: Float32Array;
  vectorsPerVideo: number;
  /**
   * Videos this aggregation could not apply as asked: `frame:N` on a video with N or fewer sampled
   * frames (the last frame is used), `kmeans:K` on one with fewer than K frames (fewer centroids).
   */
  shortVideos: number;
}

/** The aggregated matrices, with per-video facts from the cache in the same order. */
export interface AggregationOutcome {
  /** Videos that made it, in input order. */
  videos: CachedVideo[];
  durationsSec: number[];
  frameCounts: number[];
  aggregated: AggregatedVideos[];
  /** Videos whose cache entry could not be read back. */
  unreadable: CachedVideo[];
}

/**
 * Reads each video's frames from `cache` once and applies every aggregation (k-means seeded by the
 * video id, as `index` does, so eval and search agree). A video with fewer vectors than the most of
 * any video is padded by repeating its first vector: the best-vector score is unchanged.
 */
export async function aggregateVideos(
  cache: FrameCache,
  videos: readonly CachedVideo[],
  aggregations: readonly Aggregation[],
  dimension: number,
  onVideo?: (done: number, total: number) => void,
): Promise<AggregationOutcome> {
  const perAggregation: Float32Array[][][] = aggregations.map(() => []);
  const short = aggregations.map(() => 0);
  const outcome: AggregationOutcome = {
    videos: [],
    durationsSec: [],
    frameCounts: [],
    aggregated: [],
    unreadable: [],
  };
  let done = 0;
  for (const video of videos) {
    const frames = await cache.load(video.path, video.source);
    onVideo?.(++done, videos.length);
    if (!frames || frames.count === 0 || frames.dimension !== dimension) {
      outcome.unreadable.push(video);
      continue;
    }
    const rows = Array.from({ length: frames.count }, (_, i) =>
      frames.vectors.subarray(i * dimension, (i + 1) * dimension),
    );
    aggregations.forEach((aggregation, a) => {
      if (aggregation.kind === "frame" && aggregation.index >= frames.count) short[a]++;
      if (aggregation.kind === "kmeans" && aggregation.k > frames.count) short[a]++;
      perAggregation[a].push(aggregateFrames(aggregation, rows, kmeansSeed(video.id)));
    });
    outcome.videos.push(video);
    outcome.durationsSec.push(frames.durationSec);
    outcome.frameCounts.push(frames.count);
  }
  outcome.aggregated = aggregations.map((aggregation, a) => {
    const lists = perAggregation[a];
    const k = Math.max(1, ...lists.map((list) => list.length));
    const vectors = new Float32Array(lists.length * k * dimension);
    lists.forEach((list, v) => {
      for (let j = 0; j < k; j++) vectors.set(list[j] ?? list[0], (v * k + j) * dimension);
    });
    return {
      aggregation: formatAggregation(aggregation),
      vectors,
      vectorsPerVideo: k,
      shortVideos: short[a],
    };
  });
  return outcome;
}
