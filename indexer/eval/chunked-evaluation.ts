// TVR and both VTR protocols computed over caption chunks, so that a [C, V] similarity matrix never has
// to exist at once (MSR-VTT full: 59,800 x 2,990 x k floats), with every query's rank kept for figures.
import {
  type RetrievalEvaluation,
  textToVideoRanks,
  validateCaptionVideos,
} from "../../shared/metrics/protocols.ts";
import { rankFromCounts, summarizeRanks } from "../../shared/metrics/ranks.ts";
import { captionVideoSimilarities } from "../../shared/metrics/similarity.ts";

/** Metrics of the three protocols plus the rank of every query (1-based, ties averaged). */
export interface RankedEvaluation extends RetrievalEvaluation {
  ranks: {
    /** One per caption, in caption order. */
    tvr: Float64Array;
    /** One per video, in video order. */
    vtr_paper: Float64Array;
    vtr_ce: Float64Array;
  };
}

/** Similarities held at once by default: 16M floats (64 MB). */
const DEFAULT_CHUNK_FLOATS = 16 * 1024 * 1024;

/**
 * Same results as shared/metrics evaluateRetrieval on captionVideoSimilarities(text, video, d, k),
 * bit for bit (a test pins it), in memory O(V^2 + chunk): `text` [C, d] and `video` [V * k, d]
 * (k vectors per video, best one scores), rows L2-normalized; `captionVideos[c]` is caption c's
 * video. Each similarity is one dotAt (shared/vectors.ts) whatever rows surround it, so the
 * ground-truth scores computed first equal the ones met in the chunks.
 */
export function evaluateInChunks(
  text: Float32Array,
  video: Float32Array,
  d: number,
  vectorsPerVideo: number,
  captionVideos: ArrayLike<number>,
  chunkFloats = DEFAULT_CHUNK_FLOATS,
): RankedEvaluation {
  const k = vectorsPerVideo;
  const captions = text.length / d;
  const videos = video.length / d / k;
  validateCaptionVideos(captionVideos, captions, videos);

  // Best similarity of any of video v's own captions to v: the target of both VTR protocols.
  const ownBest = new Float32Array(videos).fill(Number.NEGATIVE_INFINITY);
  for (let c = 0; c < captions; c++) {
    const v = captionVideos[c];
    const s = captionVideoSimilarities(
      text.subarray(c * d, (c + 1) * d),
      video.subarray(v * k * d, (v + 1) * k * d),
      d,
      k,
    )[0];
    if (s > ownBest[v]) ownBest[v] = s;
  }

  const tvr = new Float64Array(captions);
  // groups[g * V + v] = max over captions of video g of sim(caption, v) ("paper" VTR).
  const groups = new Float32Array(videos * videos).fill(Number.NEGATIVE_INFINITY);
  const ceHigher = new Int32Array(videos);
  const ceEqual = new Int32Array(videos);
  const rowsPerChunk = Math.max(1, Math.floor(chunkFloats / (videos * k)));
  for (let start = 0; start < captions; start += rowsPerChunk) {
    const end = Math.min(captions, start + rowsPerChunk);
    const similarities = captionVideoSimilarities(text.subarray(start * d, end * d), video, d, k);
    const owners = Array.from({ length: end - start }, (_, i) => captionVideos[start + i]);
    tvr.set(textToVideoRanks(similarities, videos, owners), start);
    for (let row = 0; row < end - start; row++) {
      const offset = row * videos;
      const groupRow = owners[row] * videos;
      for (let v = 0; v < videos; v++) {
        const s = similarities[offset + v];
        if (s > groups[groupRow + v]) groups[groupRow + v] = s;
        if (s > ownBest[v]) ceHigher[v]++;
        else if (s === ownBest[v]) ceEqual[v]++;
      }
    }
  }

  const vtrPaper = new Float64Array(videos);
  const vtrCe = new Float64Array(videos);
  const paperHigher = new Int32Array(videos);
  const paperEqual = new Int32Array(videos);
  for (let offset = 0; offset < groups.length; offset += videos) {
    for (let v = 0; v < videos; v++) {
      const s = groups[offset + v];
      if (s > ownBest[v]) paperHigher[v]++;
      else if (s === ownBest[v]) paperEqual[v]++;
    }
  }
  for (let v = 0; v < videos; v++) {
    vtrPaper[v] = rankFromCounts(paperHigher[v], paperEqual[v]);
    vtrCe[v] = rankFromCounts(ceHigher[v], ceEqual[v]);
  }
  return {
    tvr: summarizeRanks(tvr),
    vtr_paper: summarizeRanks(vtrPaper),
    vtr_ce: summarizeRanks(vtrCe),
    ranks: { tvr, vtr_paper: vtrPaper, vtr_ce: vtrCe },
  };
}
