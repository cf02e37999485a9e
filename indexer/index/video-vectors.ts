// Turns one video's frame embeddings into its index rows: every aggregation, then the segments.
import { type Aggregation, aggregateFrames } from "../../shared/aggregate.ts";
import { segmentVectors } from "./segments.ts";

/** Rows of one video: row-major [rows.length, d] vectors and what each row is. */
export interface VideoRows {
  rows: { aggregation: number; startSec: number; endSec: number }[];
  vectors: Float32Array;
}

/** Seed of k-means for a video: from its id, so a shard, a resumed run and a full run agree. */
export function kmeansSeed(id: string): number {
  let hash = 0x811c9dc5; // FNV-1a 32
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * Applies every aggregation to the same frames (one decoding pass serves all) and adds the segment
 * vectors when `segmentSec` is set. Aggregation rows span [0, durationSec].
 */
export function videoRows(
  id: string,
  frameVectors: readonly Float32Array[],
  timestampsSec: readonly number[],
  durationSec: number,
  aggregations: readonly Aggregation[],
  segmentSec: number | null,
): VideoRows {
  const rows: VideoRows["rows"] = [];
  const vectors: Float32Array[] = [];
  aggregations.forEach((aggregation, a) => {
    for (const vector of aggregateFrames(aggregation, frameVectors, kmeansSeed(id))) {
      rows.push({ aggregation: a, startSec: 0, endSec: durationSec });
      vectors.push(vector);
    }
  });
  if (segmentSec !== null) {
    for (const segment of segmentVectors(frameVectors, timestampsSec, durationSec, segmentSec)) {
      rows.push({ aggregation: -1, startSec: segment.startSec, endSec: segment.endSec });
      vectors.push(segment.vector);
    }
  }
  const d = frameVectors[0]?.length ?? 0;
  const matrix = new Float32Array(vectors.length * d);
  for (const [i, v] of vectors.entries()) matrix.set(v, i * d);
  return { rows, vectors: matrix };
}
