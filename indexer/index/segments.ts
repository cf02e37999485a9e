// Moment vectors: the mean of the frames in each time window, windows overlapping by half.
import { aggregateFrames } from "../../shared/aggregate.ts";

/** One segment vector: the `mean` aggregation (shared/aggregate.ts) of the frames with startSec <= t < endSec. */
export interface SegmentVector {
  startSec: number;
  endSec: number;
  vector: Float32Array;
}

/**
 * Windows of `windowSec` seconds starting every windowSec / 2 seconds until one reaches the end of
 * the video; a video shorter than one window gets a single window covering it. Times in seconds.
 */
export function segmentWindows(
  durationSec: number,
  windowSec: number,
): { startSec: number; endSec: number }[] {
  if (!(windowSec > 0)) throw new RangeError("window length must be positive");
  const duration = Math.max(0, durationSec);
  if (duration <= windowSec) return [{ startSec: 0, endSec: duration }];
  const hop = windowSec / 2;
  const count = Math.ceil((duration - windowSec) / hop - 1e-9) + 1;
  const windows = [];
  for (let i = 0; i < count; i++) {
    const startSec = i * hop;
    windows.push({ startSec, endSec: Math.min(startSec + windowSec, duration) });
  }
  return windows;
}

/**
 * Segment vectors of one video from its frame embeddings (`vectors[i]` taken at `timestampsSec[i]`).
 * The last window also takes frames at or after its end (the video's last frame). Windows holding
 * no sampled frame are left out.
 */
export function segmentVectors(
  vectors: readonly Float32Array[],
  timestampsSec: readonly number[],
  durationSec: number,
  windowSec: number,
): SegmentVector[] {
  const windows = segmentWindows(durationSec, windowSec);
  const out: SegmentVector[] = [];
  windows.forEach((window, w) => {
    const last = w === windows.length - 1;
    const members = vectors.filter((_, i) => {
      const t = timestampsSec[i];
      return t >= window.startSec && (t < window.endSec || last);
    });
    if (members.length > 0) out.push({ ...window, vector: aggregateFrames({ kind: "mean" }, members)[0] });
  });
  return out;
}
