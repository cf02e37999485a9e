// Encodes raw RGB24 frames to an H.264 mp4 with native ffmpeg (through indexer/decode/ffmpeg-native.ts,
// the one place that runs it), or, when it is not installed, with the @ffmpeg/core WASM build (its
// libx264; about 5x slower); only the toy videos are ever encoded.
import { writeFile } from "node:fs/promises";
import { InputError } from "../../shared/errors.ts";
import { hasNativeFfmpeg, runNative } from "../decode/ffmpeg-native.ts";
import { runWasmOnBytes } from "../decode/ffmpeg-wasm.ts";

/** "native": ffmpeg from PATH; "wasm": @ffmpeg/core; "auto": native when available. */
export const ENCODER_CHOICES = ["auto", "native", "wasm"] as const;
export type EncoderChoice = (typeof ENCODER_CHOICES)[number];

export interface EncodeOptions {
  width: number;
  height: number;
  fps: number;
  /** Which ffmpeg encodes (default "auto"). */
  encoder?: EncoderChoice;
}

/** Resolves "auto"; InputError when "native" is asked for but ffmpeg is not installed. */
export function resolveEncoder(choice: EncoderChoice = "auto"): "native" | "wasm" {
  if (choice === "wasm") return "wasm";
  if (hasNativeFfmpeg()) return "native";
  if (choice === "native") {
    throw new InputError(
      "ffmpeg_missing",
      "encoding with native ffmpeg needs ffmpeg and ffprobe on PATH (e.g. apt-get install ffmpeg)",
    );
  }
  return "wasm";
}

/** ffmpeg arguments: rgb24 frames from `input` to H.264 yuv420p mp4 `output`, one keyframe per second. */
function encodeArguments(input: string, output: string, options: EncodeOptions): string[] {
  return [
    ["-hide_banner", "-loglevel", "error", "-y"],
    ["-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${options.width}x${options.height}`],
    ["-r", String(options.fps), "-i", input],
    ["-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-pix_fmt", "yuv420p"],
    ["-g", String(options.fps), "-threads", "1", "-movflags", "+faststart", output],
  ].flat();
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
  const encoder = resolveEncoder(options.encoder);
  const frameBytes = options.width * options.height * 3;
  const input = new Uint8Array(frames.length * frameBytes);
  frames.forEach((frame, i) => {
    if (frame.length !== frameBytes)
      throw new RangeError(`frame ${i} has ${frame.length} bytes, expected ${frameBytes}`);
    input.set(frame, i * frameBytes);
  });
  if (encoder === "native") {
    const result = await runNative("ffmpeg", encodeArguments("-", outPath, options), input);
    if (result.code !== 0)
      throw new Error(`ffmpeg exited with status ${result.code} writing ${outPath}: ${result.stderr.trim()}`);
    return;
  }
  const result = await runWasmOnBytes(input, (from, to) => encodeArguments(from, to, options), ".mp4");
  if (result.code !== 0 || !result.output)
    throw new Error(
      `ffmpeg (WASM) exited with status ${result.code} writing ${outPath}: ${result.lines.join("\n").trim()}`,
    );
  await writeFile(outPath, result.output);
}
