// Row scores -> ranked videos: the one reduction behind the CLI's `search` and the Worker's flat store.
import { topK } from "../vectors.ts";

/** Per-row facts of an index's vector matrix, all of the same length (one entry per row). */
export interface RankRows {
  /** Video index (position in the caller's video list, 0 <= v < videoCount) of each row. */
  video: ArrayLike<number>;
  /** Nonzero where the row is a segment (a time window); zero for an aggregation row (mean, frame, centroid). */
  isSegment: ArrayLike<number>;
  /** Segment window start and end in seconds (read for segment rows only). */
  startSec: ArrayLike<number>;
  endSec: ArrayLike<number>;
}

/** Optional restrictions of {@link rankVideos}. */
export interface RankOptions {
  /** Videos for which this returns false are left out of the ranking (a search filter). */
  keep?: (video: number) => boolean;
  /**
   * Aggregation rows for which this returns false do not score their video (e.g. only one aggregation asked
   * for). They still count as the video having aggregation rows, so it does not fall back to its segments.
   */
  scoresVideo?: (row: number) => boolean;
}

/** One ranked video. */
export interface RankedVideo {
  /** Video index, as in RankRows.video. */
  video: number;
  /** Best cosine over the video's scoring rows (and over every query). */
  score: number;
  /** The row that gave `score` (an aggregation row, or its best segment when it has none). */
  row: number;
  /** The video's best segment row, its window in seconds and its score; null when it has no segment rows. */
  moment: { row: number; startSec: number; endSec: number; score: number } | null;
}

const ROLE_SEGMENT = 0;
const ROLE_SCORING = 1;
const ROLE_IGNORED = 2;

/**
 * Ranks videos by row scores. `scores` is row-major [q, rows]: one or more queries' cosine with every row
 * (q = scores.length / rows). A video's score is its best aggregation row over all queries; a video that has
 * no aggregation rows is scored by its best segment row instead (decided per video, so one index may mix
 * both). Its moment is its best segment row whichever rows scored it. Returns at most k videos, best first,
 * ties broken by lower video index; videos with nothing to score them, or not kept, are left out.
 * Throws RangeError when the shapes disagree or k is not a non-negative integer.
 */
export function rankVideos(
  scores: Float32Array,
  rows: RankRows,
  videoCount: number,
  k: number,
  options: RankOptions = {},
): RankedVideo[] {
  const rowCount = rows.video.length;
  if (
    rows.isSegment.length !== rowCount ||
    rows.startSec.length !== rowCount ||
    rows.endSec.length !== rowCount
  )
    throw new RangeError("rows.video, isSegment, startSec and endSec must have one entry per row");
  if (rowCount === 0 ? scores.length !== 0 : scores.length % rowCount !== 0)
    throw new RangeError(`${scores.length} scores are not a whole number of queries over ${rowCount} rows`);
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);

  // Each row's role is fixed across queries: decide it (and which videos have aggregation rows) once.
  const role = new Uint8Array(rowCount);
  const hasAggregation = new Uint8Array(videoCount);
  for (let r = 0; r < rowCount; r++) {
    const v = rows.video[r];
    if (!Number.isInteger(v) || v < 0 || v >= videoCount)
      throw new RangeError(`row ${r} names video ${v}, outside 0..${videoCount - 1}`);
    if (rows.isSegment[r]) role[r] = ROLE_SEGMENT;
    else {
      hasAggregation[v] = 1;
      role[r] = options.scoresVideo && !options.scoresVideo(r) ? ROLE_IGNORED : ROLE_SCORING;
    }
  }

  const best = new Float32Array(videoCount).fill(Number.NEGATIVE_INFINITY);
  const bestRow = new Int32Array(videoCount).fill(-1);
  const segmentBest = new Float32Array(videoCount).fill(Number.NEGATIVE_INFINITY);
  const segmentRow = new Int32Array(videoCount).fill(-1);
  for (let base = 0; base < scores.length; base += rowCount) {
    for (let r = 0; r < rowCount; r++) {
      const score = scores[base + r];
      const v = rows.video[r];
      if (role[r] === ROLE_SEGMENT) {
        if (segmentRow[v] < 0 || score > segmentBest[v]) {
          segmentBest[v] = score;
          segmentRow[v] = r;
        }
      } else if (role[r] === ROLE_SCORING && score > best[v]) {
        best[v] = score;
        bestRow[v] = r;
      }
    }
  }
  for (let v = 0; v < videoCount; v++) {
    if (!hasAggregation[v] && segmentRow[v] >= 0) {
      best[v] = segmentBest[v];
      bestRow[v] = segmentRow[v];
    }
    if (options.keep && !options.keep(v)) best[v] = Number.NEGATIVE_INFINITY;
  }

  return topK(best, k)
    .filter((v) => best[v] !== Number.NEGATIVE_INFINITY)
    .map((v) => {
      const r = segmentRow[v];
      return {
        video: v,
        score: best[v],
        row: bestRow[v],
        moment:
          r < 0
            ? null
            : { row: r, startSec: rows.startSec[r], endSec: rows.endSec[r], score: segmentBest[v] },
      };
    });
}
