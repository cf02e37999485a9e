// What both decoders ask ffmpeg for: the raw pixel format of the frames it writes, how those bytes
// become rgb24, and the ffmpeg command line (same for native and WASM, so both give the same frames).
import type { VideoProbe } from "./video-probe.ts";
import { canConvertInJs, yuv420pFrameBytes, yuv420pToRgb } from "./yuv420p-to-rgb.ts";

/** How frames leave ffmpeg and become rgb24. */
export interface RawFormat {
  /** ffmpeg `-pix_fmt` of the raw output. */
  pixelFormat: "yuv420p" | "rgb24";
  /** Bytes of one raw frame of `width` x `height`. */
  frameBytes(width: number, height: number): number;
  /** Converts (or passes through) one raw frame to rgb24. */
  toRgb(raw: Uint8Array, width: number, height: number): Uint8Array;
}

/**
 * yuv420p limited-range video (nearly all H.264/HEVC/VP9 files) leaves ffmpeg untouched and is
 * converted here, bit-exact with x86 ffmpeg's default. Anything else is converted by ffmpeg to rgb24
 * with SIMD disabled (`-cpuflags 0`), whose portable C path is what the WASM build runs too.
 */
export function rawFormatFor(probe: VideoProbe): RawFormat {
  if (canConvertInJs(probe.pixelFormat, probe.colorRange, probe.colorSpace)) {
    return {
      pixelFormat: "yuv420p",
      frameBytes: yuv420pFrameBytes,
      toRgb: (raw, width, height) => yuv420pToRgb(raw, width, height, probe.colorSpace),
    };
  }
  return {
    pixelFormat: "rgb24",
    frameBytes: (width, height) => width * height * 3,
    toRgb: (raw) => raw,
  };
}

/** ffmpeg `select` expression keeping the decode-order indices given (sorted), as index ranges. */
export function selectExpression(indices: readonly number[]): string {
  const terms: string[] = [];
  for (let i = 0; i < indices.length; ) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    // `\,` keeps the commas inside the expression when ffmpeg splits the filter graph.
    terms.push(i === j ? `eq(n\\,${indices[i]})` : `between(n\\,${indices[i]}\\,${indices[j]})`);
    i = j + 1;
  }
  return terms.length > 0 ? terms.join("+") : "0";
}

/**
 * Longest frame side handed to JS, pixels. CLIP sees 224 px; a 12000x12000 frame would need 430 MB of RGB
 * per frame in JS, so larger frames are scaled down by ffmpeg first (area filter). Frames up to this size
 * reach the Pillow-exact preprocessing untouched.
 */
export const MAX_DECODE_SIDE = 4096;

/** The size frames of a `width` x `height` video are delivered at: capped at MAX_DECODE_SIDE, even sides. */
export function decodedSize(width: number, height: number): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= MAX_DECODE_SIDE) return { width, height };
  const even = (n: number) => Math.max(2, 2 * Math.round((n * MAX_DECODE_SIDE) / longest / 2));
  return { width: even(width), height: even(height) };
}

/** Options of one decode run. */
export interface DecodeRun {
  input: string;
  /** The probe's frame size; frames larger than MAX_DECODE_SIDE are scaled to decodedSize(). */
  size: { width: number; height: number };
  /** "pipe:1" (native) or a file path (WASM), or "-" with `format: null` to decode without output. */
  output: string;
  /** Raw format, or null to only decode (`-f null`, timestamps only). */
  format: RawFormat | null;
  /** Keep only these decode-order indices (sorted); all frames when absent. */
  indices?: readonly number[];
}

/**
 * The ffmpeg arguments (without the program name) of a decode run: first video stream only, every
 * decoded frame in decode order (`-fps_mode passthrough`: no frame dropped or duplicated), a
 * `showinfo` filter before any selection so the log reports every frame's index and exact pts.
 */
export function decodeArguments(run: DecodeRun): string[] {
  const target = decodedSize(run.size.width, run.size.height);
  // Scaled before showinfo, so that the log reports the delivered size.
  const scale = target.width !== run.size.width || target.height !== run.size.height;
  const filters = scale ? [`scale=${target.width}:${target.height}:flags=area`, "showinfo"] : ["showinfo"];
  if (run.indices) filters.push(`select='${selectExpression(run.indices)}'`);
  const args = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "level+info"];
  if (run.format?.pixelFormat === "rgb24") args.push("-cpuflags", "0");
  // V: video streams that are not attached pictures (an audio file's cover art is no video).
  args.push("-i", run.input, "-map", "0:V:0", "-an", "-sn", "-dn", "-vf", filters.join(","));
  args.push("-fps_mode", "passthrough");
  if (run.indices) args.push("-frames:v", String(run.indices.length));
  if (run.format) args.push("-f", "rawvideo", "-pix_fmt", run.format.pixelFormat, run.output);
  else args.push("-f", "null", "-");
  return args;
}
