// Scores one query against every row of a loaded index with onnxruntime-node (the fed scoring graph: the
// matrix is read in place, so a one-shot `search` pays no copy and no model build, ~1 ms to start).
import { FedScorer } from "../../shared/search/flat-scorer.ts";
import { nodeOrt } from "../embed/onnx-runtime.ts";

/**
 * Float32Array(rows) of `query` (Float32Array(d)) . row r for a row-major [rows, d] `vectors` matrix: cosine
 * similarities for L2-normalized vectors, equal to shared/vectors.ts scoreRows within float32 rounding.
 */
export async function scoreIndexRows(
  vectors: Float32Array,
  dimension: number,
  query: Float32Array,
): Promise<Float32Array> {
  if (vectors.length === 0) return new Float32Array(0);
  const scorer = await FedScorer.create(nodeOrt, vectors, dimension);
  try {
    return await scorer.score(query);
  } finally {
    await scorer.release();
  }
}
