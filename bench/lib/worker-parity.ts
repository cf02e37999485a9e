// The worker's answers against the same prepared encoder in onnxruntime-node with exact float32 search over
// the local index: do the int8 index and onnxruntime-web change the results?

import { nodeOrt } from "../../indexer/embed/onnx-runtime.ts";
import { readIndex } from "../../indexer/index/reader.ts";
import { loadEdgeTextEncoder } from "../../indexer/prepare-edge/load-edge-encoder.ts";
import { rankIndexVideos } from "../../indexer/search/rank.ts";
import { scoreRows } from "../../shared/vectors.ts";

/** Shares over the queries: same first video, mean overlap of the top 10, largest score gap of a shared hit. */
export interface ParityFigures {
  queries: number;
  sameFirst: number;
  top10Overlap: number;
  maxScoreDiff: number;
}

interface SearchHits {
  results: { videoId: string; score: number }[];
}

/** Asks the worker at `url` for the top 10 of each query and compares with onnxruntime-node. */
export async function measureParity(
  url: string,
  edgeDir: string,
  indexDir: string,
  queries: readonly string[],
): Promise<ParityFigures> {
  const encoder = await loadEdgeTextEncoder(nodeOrt, edgeDir);
  const index = await readIndex(indexDir);
  let sameFirst = 0;
  let overlap = 0;
  let maxScoreDiff = 0;
  try {
    const vectors = (await encoder.encode(queries)).vectors;
    for (const [i, q] of queries.entries()) {
      const response = await fetch(`${url}/api/search?k=10&q=${encodeURIComponent(q)}`);
      const worker = ((await response.json()) as SearchHits).results;
      const scores = scoreRows(index.vectors, index.manifest.model.dimension, vectors[i]);
      const node = rankIndexVideos(index, scores, 10).map((hit) => ({
        videoId: index.videos[hit.video].id,
        score: hit.score,
      }));
      if (worker[0]?.videoId === node[0]?.videoId) sameFirst++;
      const ids = new Set(node.map((hit) => hit.videoId));
      overlap += worker.filter((hit) => ids.has(hit.videoId)).length / Math.max(1, node.length);
      for (const hit of worker) {
        const twin = node.find((n) => n.videoId === hit.videoId);
        if (twin) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(twin.score - hit.score));
      }
    }
  } finally {
    await encoder.release();
  }
  const n = Math.max(1, queries.length);
  return { queries: queries.length, sameFirst: sameFirst / n, top10Overlap: overlap / n, maxScoreDiff };
}
