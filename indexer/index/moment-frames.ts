// Which sampled frame shows each moment: the frame whose vector is nearest (highest cosine) to the row's.
import type { Aggregation } from "../../shared/aggregate.ts";
import type { VideoRows } from "./video-vectors.ts";

/**
 * Per row of `rows`, the index of the frame (into `frameVectors`, unit Float32Array(d) each, taken at
 * `timestampsSec`) nearest to the row's vector, or null for rows that keep the video's thumbnail (mean and
 * chosen-frame aggregations). Segment rows look only at the frames inside their window (the last window
 * also takes frames at its end, as in segments.ts), so a moment's picture is one of its own frames; k-means
 * centroids look at every frame. Ties go to the earlier frame.
 */
export function momentFrames(
  rows: VideoRows,
  frameVectors: readonly Float32Array[],
  timestampsSec: readonly number[],
  aggregations: readonly Aggregation[],
): (number | null)[] {
  const d = frameVectors[0]?.length ?? 0;
  const lastEnd = Math.max(...rows.rows.map((row) => (row.aggregation < 0 ? row.endSec : 0)), 0);
  return rows.rows.map((row, r) => {
    const segment = row.aggregation < 0;
    if (!segment && aggregations[row.aggregation]?.kind !== "kmeans") return null;
    const vector = rows.vectors.subarray(r * d, (r + 1) * d);
    let best: number | null = null;
    let bestScore = Number.NEGATIVE_INFINITY;
    frameVectors.forEach((frame, f) => {
      const t = timestampsSec[f];
      if (segment && !(t >= row.startSec && (t < row.endSec || row.endSec >= lastEnd))) return;
      let score = 0;
      for (let j = 0; j < d; j++) score += vector[j] * frame[j];
      if (score > bestScore) {
        bestScore = score;
        best = f;
      }
    });
    return best;
  });
}
