// Exact search over a loaded index: the CLI's adapter from IndexData to shared/search/rank-videos.ts.
import { InputError } from "../../shared/errors.ts";
import { SEGMENT_AGGREGATION } from "../../shared/index-format.ts";
import { type RankedVideo, rankVideos } from "../../shared/search/rank-videos.ts";
import type { IndexData } from "../index/index-data.ts";

/**
 * One ranked video as the CLI reports it: shared's RankedVideo (video = position in videos.json) without
 * the row numbers, which mean nothing outside the index's matrix.
 */
export interface IndexHit extends Pick<RankedVideo, "video" | "score"> {
  /** Best segment (time window) and its score, when the video has segments. */
  moment: Omit<NonNullable<RankedVideo["moment"]>, "row"> | null;
}

/**
 * Ranks videos by `scores` (Float32Array(rows): the query's cosine with every row of `index.vectors`, from
 * a shared/search/flat-scorer.ts scorer): a video's score is the max over its aggregation rows (only
 * `aggregation`'s rows when given; its segment rows when the video has no aggregation rows), ties broken by
 * video order. Throws InputError when the index has no `aggregation` vectors.
 */
export function rankIndexVideos(
  index: IndexData,
  scores: Float32Array,
  k: number,
  aggregation?: string,
): IndexHit[] {
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
  const isSegment = Uint8Array.from(rows.aggregation, (a) => (a === SEGMENT_AGGREGATION ? 1 : 0));
  const hits = rankVideos(
    scores,
    { video: rows.video, isSegment, startSec: rows.startSec, endSec: rows.endSec },
    index.videos.length,
    k,
    only === null ? {} : { scoresVideo: (r) => rows.aggregation[r] === only },
  );
  return hits.map(({ video, score, moment }) => ({
    video,
    score,
    moment: moment && { startSec: moment.startSec, endSec: moment.endSec, score: moment.score },
  }));
}
