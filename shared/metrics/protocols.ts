// Evaluation protocols over a caption x video similarity matrix: text-to-video (TVR) and the two
// video-to-text conventions, "paper" (seed code, CLIP4Clip) and "ce" (Collaborative Experts).
import { InputError } from "../errors.ts";
import { type RetrievalMetrics, rankFromCounts, summarizeRanks } from "./ranks.ts";

/** Metrics of the three protocols, as printed by `eval-features --json`. */
export interface RetrievalEvaluation {
  tvr: RetrievalMetrics;
  vtr_paper: RetrievalMetrics;
  vtr_ce: RetrievalMetrics;
}

/**
 * Checks the caption -> video map: one integer video index in [0, videoCount) per caption, and
 * every video with at least one caption (a video without captions has no ground truth for VTR).
 */
export function validateCaptionVideos(
  captionVideos: ArrayLike<number>,
  captionCount: number,
  videoCount: number,
): void {
  if (captionVideos.length !== captionCount) {
    throw new InputError(
      "bad_captions",
      `the captions map has ${captionVideos.length} entries but there are ${captionCount} captions; give one video index per caption`,
    );
  }
  const seen = new Uint8Array(videoCount);
  for (let c = 0; c < captionCount; c++) {
    const v = captionVideos[c];
    if (!Number.isInteger(v) || v < 0 || v >= videoCount) {
      throw new InputError(
        "bad_captions",
        `caption ${c} refers to video ${String(v)}, outside 0..${videoCount - 1}; indexes are 0-based rows of the video matrix`,
      );
    }
    seen[v] = 1;
  }
  const missing = seen.indexOf(0);
  if (missing >= 0) {
    throw new InputError(
      "bad_captions",
      `video ${missing} has no caption; every video needs at least one caption to be evaluated`,
    );
  }
}

/** TVR: each caption queries all V videos; rank of its own video. Returns C ranks. */
export function textToVideoRanks(
  similarities: Float32Array,
  videoCount: number,
  captionVideos: ArrayLike<number>,
): Float64Array {
  const captions = similarities.length / videoCount;
  const ranks = new Float64Array(captions);
  for (let c = 0; c < captions; c++) {
    const row = c * videoCount;
    const target = similarities[row + captionVideos[c]];
    let higher = 0;
    let equal = 0;
    for (let v = 0; v < videoCount; v++) {
      const s = similarities[row + v];
      if (s > target) higher++;
      else if (s === target) equal++;
    }
    ranks[c] = rankFromCounts(higher, equal);
  }
  return ranks;
}

/** For each video v: the best similarity of any of its own captions to it. */
function ownBestScores(similarities: Float32Array, videoCount: number, captionVideos: ArrayLike<number>) {
  const best = new Float32Array(videoCount).fill(Number.NEGATIVE_INFINITY);
  for (let c = 0; c < captionVideos.length; c++) {
    const v = captionVideos[c];
    const s = similarities[c * videoCount + v];
    if (s > best[v]) best[v] = s;
  }
  return best;
}

/**
 * VTR, "paper" protocol: a caption group's score for video v is the max over the group's captions;
 * video v is ranked among the V groups by that score. Returns V ranks.
 */
export function videoToTextRanksPaper(
  similarities: Float32Array,
  videoCount: number,
  captionVideos: ArrayLike<number>,
): Float64Array {
  // groups[g * V + v] = max over captions c of video g of sim[c, v]; row-wise passes stay cache-friendly.
  const groups = new Float32Array(videoCount * videoCount).fill(Number.NEGATIVE_INFINITY);
  for (let c = 0; c < captionVideos.length; c++) {
    const row = c * videoCount;
    const groupRow = captionVideos[c] * videoCount;
    for (let v = 0; v < videoCount; v++) {
      const s = similarities[row + v];
      if (s > groups[groupRow + v]) groups[groupRow + v] = s;
    }
  }
  return columnRanks(groups, videoCount, ownBestScores(similarities, videoCount, captionVideos));
}

/**
 * VTR, "ce" protocol: each of video v's captions is ranked among all C captions by similarity to
 * v and the video keeps the best (minimum) rank, i.e. the rank of its best-scoring caption.
 * Returns V ranks.
 */
export function videoToTextRanksCe(
  similarities: Float32Array,
  videoCount: number,
  captionVideos: ArrayLike<number>,
): Float64Array {
  return columnRanks(similarities, videoCount, ownBestScores(similarities, videoCount, captionVideos));
}

/** Rank of targets[v] within column v of a row-major [rows, V] matrix, ties averaged. */
function columnRanks(matrix: Float32Array, videoCount: number, targets: Float32Array): Float64Array {
  const higher = new Int32Array(videoCount);
  const equal = new Int32Array(videoCount);
  for (let offset = 0; offset < matrix.length; offset += videoCount) {
    for (let v = 0; v < videoCount; v++) {
      const s = matrix[offset + v];
      if (s > targets[v]) higher[v]++;
      else if (s === targets[v]) equal[v]++;
    }
  }
  const ranks = new Float64Array(videoCount);
  for (let v = 0; v < videoCount; v++) ranks[v] = rankFromCounts(higher[v], equal[v]);
  return ranks;
}

/**
 * Runs TVR, VTR "paper" and VTR "ce" on a [C, V] similarity matrix (see captionVideoSimilarities)
 * with `captionVideos[c]` = the ground-truth video of caption c. Throws InputError on a bad map.
 */
export function evaluateRetrieval(
  similarities: Float32Array,
  videoCount: number,
  captionVideos: ArrayLike<number>,
): RetrievalEvaluation {
  validateCaptionVideos(captionVideos, similarities.length / videoCount, videoCount);
  return {
    tvr: summarizeRanks(textToVideoRanks(similarities, videoCount, captionVideos)),
    vtr_paper: summarizeRanks(videoToTextRanksPaper(similarities, videoCount, captionVideos)),
    vtr_ce: summarizeRanks(videoToTextRanksCe(similarities, videoCount, captionVideos)),
  };
}
