// Encodes raw RGB24 frames to an H.264 mp4 with native ffmpeg (through indexer/decode/ffmpeg-native.ts,
// the one place that runs it); only the toy videos are ever encoded.
import { InputError } from "../../shared/errors.ts";
import { hasNativeFfmpeg, runNative } from "../decode/ffmpeg-native.ts";

export interface EncodeOptions {
  width: number;
  height: number;
  fps: number;
}

/**
 * Writes `frames` (each width*height*3 bytes, rgb24) to `outPath` as H.264 yuv420p with one keyframe
 * per second. The frames are passed in one buffer: toy videos are a few seconds (about 14 MB of rgb24).
 */
export async function encodeRgbFrames(
  outPath: string,
  frames: Uint8Array[],
  options: EncodeOptions,
): Promise<void> {
  if (!hasNativeFfmpeg()) {
    throw new InputError(
      "ffmpeg_missing",
      "writing the toy videos needs native ffmpeg and ffprobe on PATH: install them (e.g. apt-get install ffmpeg)",
    );
  }
  const frameBytes = options.width * options.height * 3;
  const input = new Uint8Array(frames.length * frameBytes);
  frames.forEach((frame, i) => {
    if (frame.length !== frameBytes)
      throw new RangeError(`frame ${i} has ${frame.length} bytes, expected ${frameBytes}`);
    input.set(frame, i * frameBytes);
  });
  const args = [
    ["-hide_banner", "-loglevel", "error", "-y"],
    ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${options.width}x${options.height}`],
    ["-r", String(options.fps), "-i", "-"],
    ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"],
    ["-g", String(options.fps), "-threads", "1", "-movflags", "+faststart", outPath],
  ].flat();
  const result = await runNative("ffmpeg", args, input);
  if (result.code !== 0)
    throw new Error(`ffmpeg exited with status ${result.code} writing ${outPath}: ${result.stderr.trim()}`);
}
