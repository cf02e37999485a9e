// The two steps both WASM decoders (the indexer's @ffmpeg/core, the browser's @ffmpeg/ffmpeg) take from
// ffmpeg's showinfo log: which frames the sampling keeps, and the raw output cut into those frames.
// Runtime-neutral: the browser bundle imports it.
import type { RawFormat } from "./decode-args.ts";
import type { DecodedFrame } from "./decoded-frame.ts";
import type { FfmpegLog } from "./ffmpeg-log.ts";
import type { FrameSelector } from "./sampling.ts";

/**
 * Indices of the logged frames `selector` keeps, in order, and how many frames were looked at (the count
 * the decode outcome is checked against: up to the selector's last, or every logged frame).
 */
export function keptFrameIndices(log: FfmpegLog, selector: FrameSelector): { kept: number[]; seen: number } {
  const kept: number[] = [];
  let index = 0;
  for (let shown = log.get(0); shown; shown = log.get(++index)) {
    if (selector.keep(index, shown.timestampSec)) kept.push(index);
    if (selector.done) break;
  }
  return { kept, seen: index };
}

/**
 * `raw` (ffmpeg's output for the frames `indices`, in order) cut into frames sized as the log shows them and
 * converted to RGB, one frame at a time (each its own buffer: none keeps `raw` alive). Stops at the first
 * frame the log or the bytes lack: a damaged file gives the frames decoded before the damage.
 */
export function* framesFromRaw(
  raw: Uint8Array,
  indices: readonly number[],
  log: FfmpegLog,
  format: RawFormat,
): Generator<DecodedFrame> {
  let offset = 0;
  for (const index of indices) {
    const shown = log.get(index);
    if (!shown) break;
    const { width, height, timestampSec } = shown;
    const size = format.frameBytes(width, height);
    if (offset + size > raw.length) break;
    const view = raw.subarray(offset, offset + size);
    const rgb = format.toRgb(view, width, height);
    // A pass-through format (rgb24) returns the view itself: copy it then, and only then.
    yield { index, timestampSec, width, height, rgb: rgb === view ? view.slice() : rgb };
    offset += size;
  }
}
