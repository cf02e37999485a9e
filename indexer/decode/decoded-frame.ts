// The frame record both decoders yield, and the checks that turn ffmpeg's failures into InputError.
import { InputError } from "../../shared/errors.ts";
import type { FfmpegLog } from "./ffmpeg-log.ts";

/** One sampled frame. */
export interface DecodedFrame {
  /** 0-based index in decode order among all decoded frames (not among sampled ones). */
  index: number;
  /** Presentation time from the frame's pts, seconds from the start of the file. */
  timestampSec: number;
  /** Frame size, pixels (after display rotation). */
  width: number;
  height: number;
  /** Packed rgb24, row-major, `width * height * 3` bytes. */
  rgb: Uint8Array;
}

/**
 * Throws InputError when a finished run shows the input was bad: non-zero exit, damage reported
 * by the demuxer or decoder (a truncated file decodes partially and still exits 0), or no frame.
 */
export function checkDecodeOutcome(
  displayName: string,
  exitCode: number | null,
  log: FfmpegLog,
  framesSeen: number,
): void {
  const damage = log.inputDamage;
  if (damage) {
    throw new InputError(
      "damaged_video",
      `${displayName}: the video is truncated or corrupt (ffmpeg: ${damage}); re-download or re-encode it`,
    );
  }
  if (exitCode !== 0) {
    const reason = log.errors.at(-1) ?? log.tail.at(-1) ?? `exit code ${exitCode}`;
    throw new InputError("undecodable_video", `${displayName}: ffmpeg could not decode it (${reason})`);
  }
  if (framesSeen === 0) {
    throw new InputError("empty_video", `${displayName}: no video frame could be decoded`);
  }
}
