// Caption x video similarity matrix for evaluation: one matrix product, max over a video's vectors.
import { multiplyTransposed } from "../vectors.ts";

/**
 * Similarities of C captions to V videos as a row-major [C, V] Float32Array.
 * `text` is [C, d]; `video` is [V * k, d] with the k vectors of video v in rows v*k .. v*k+k-1
 * (k = 1 for one vector per video). A caption's similarity to a video is the max over its k vectors
 * (the paper's "scored by its best vector"). Rows are expected L2-normalized (cosine similarity).
 */
export function captionVideoSimilarities(
  text: Float32Array,
  video: Float32Array,
  d: number,
  vectorsPerVideo = 1,
): Float32Array {
  const all = multiplyTransposed(text, video, d);
  const k = vectorsPerVideo;
  if (k === 1) return all;
  if (!Number.isInteger(k) || k < 1 || (video.length / d) % k !== 0) {
    throw new RangeError(`${video.length / d} video rows are not a multiple of ${k} vectors per video`);
  }
  const captions = text.length / d;
  const videos = video.length / d / k;
  const out = new Float32Array(captions * videos);
  for (let c = 0; c < captions; c++) {
    for (let v = 0; v < videos; v++) {
      const start = c * videos * k + v * k;
      let best = all[start];
      for (let j = 1; j < k; j++) if (all[start + j] > best) best = all[start + j];
      out[c * videos + v] = best;
    }
  }
  return out;
}
