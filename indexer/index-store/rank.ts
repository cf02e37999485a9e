// Exact search over a loaded index: given every row's score, keep each video's best, return the top k.
import { InputError } from "../../shared/errors.ts";
import { SEGMENT_AGGREGATION } from "../../shared/index-format.ts";
import type { IndexData } from "./index-data.ts";

/** One ranked video. */
export interface VideoHit {
  /** Position in videos.json. */
  video: number;
  /** Cosine similarity of the video's best-matching vector. */
  score: number;
  /** Best segment (time window) and its score, when the index stores segments. */
  moment: { startSec: number; endSec: number; score: number } | null;
}

/**
 * Ranks videos by `scores` (Float32Array(rows): the query's cosine with every row of `index.vectors`, from
 * a shared/search/flat-scorer.ts scorer): a video's score is the max over its aggregation rows (only
 * `aggregation`'s rows when given; segment rows when the index has no other), ties broken by video order.
 */
export function rankVideos(
  index: IndexData,
  scores: Float32Array,
  k: number,
  aggregation?: string,
): VideoHit[] {
  const { manifest, rows } = index;
  let only: number | null = null;
  if (aggregation !== undefined) {
    only = manifest.aggregations.indexOf(aggregation);
    if (only < 0)
      throw new InputError(
        "bad_arguments",
        `the index has no "${aggregation}" vectors; it stores ${manifest.aggregations.join(", ") || "segments only"}`,
      );
  }
  if (scores.length !== rows.video.length)
    throw new RangeError(`${scores.length} scores for an index of ${rows.video.length} rows`);
  const videoCount = index.videos.length;
  const best = new Float64Array(videoCount).fill(Number.NEGATIVE_INFINITY);
  const bestSegment = new Int32Array(videoCount).fill(-1);
  const hasAggregationRows = rows.aggregation.some((a) => a !== SEGMENT_AGGREGATION);
  for (let r = 0; r < scores.length; r++) {
    const v = rows.video[r];
    const a = rows.aggregation[r];
    if (a === SEGMENT_AGGREGATION) {
      if (bestSegment[v] < 0 || scores[r] > scores[bestSegment[v]]) bestSegment[v] = r;
      if (hasAggregationRows) continue;
    } else if (only !== null && a !== only) continue;
    if (scores[r] > best[v]) best[v] = scores[r];
  }
  const order = Array.from({ length: videoCount }, (_, v) => v)
    .filter((v) => best[v] > Number.NEGATIVE_INFINITY)
    .sort((x, y) => best[y] - best[x] || x - y)
    .slice(0, k);
  return order.map((v) => {
    const s = bestSegment[v];
    return {
      video: v,
      score: best[v],
      moment: s < 0 ? null : { startSec: rows.startSec[s], endSec: rows.endSec[s], score: scores[s] },
    };
  });
}
