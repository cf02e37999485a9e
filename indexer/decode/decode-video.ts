// Public entry of video decoding: probeVideo and decodeVideoFrames, with the backend chosen per
// call (native ffmpeg when on PATH, else the WASM core) and bad files turned into InputError.
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { rawFormatFor } from "./decode-args.ts";
import { decodeNative } from "./decode-native.ts";
import { decodeWasm } from "./decode-wasm.ts";
import type { DecodedFrame } from "./decoded-frame.ts";
import { hasNativeFfmpeg, runNative } from "./ffmpeg-native.ts";
import { removeWasmFile, runWasm, wasmCore, wasmTempPath } from "./ffmpeg-wasm.ts";
import { createFrameSelector, type Sampling } from "./sampling.ts";
import { parseProbeJson, probeArguments, type VideoProbe } from "./video-probe.ts";

export type { Sampling } from "./sampling.ts";
export type { VideoProbe } from "./video-probe.ts";

/** "native": ffmpeg/ffprobe from PATH; "wasm": @ffmpeg/core; "auto": native when available. */
export const DECODER_CHOICES = ["auto", "native", "wasm"] as const;
export type DecoderChoice = (typeof DECODER_CHOICES)[number];

export interface DecodeOptions {
  sampling: Sampling;
  decoder?: DecoderChoice;
  /** probeVideo's result for this file, when the caller has it (saves a second probe, and a second stat). */
  probe?: VideoProbe;
}

/** Resolves "auto"; InputError when "native" is asked for but ffmpeg is not installed. */
export function resolveDecoder(choice: DecoderChoice = "auto"): "native" | "wasm" {
  if (choice === "wasm") return "wasm";
  if (hasNativeFfmpeg()) return "native";
  if (choice === "native") {
    throw new InputError(
      "ffmpeg_missing",
      "native decoding needs ffmpeg and ffprobe on PATH (e.g. apt-get install ffmpeg); or use --decoder wasm",
    );
  }
  return "wasm";
}

/**
 * InputError unless `path` is a non-empty regular file (http(s) URLs are left to ffmpeg). `known`: what the
 * caller's stat found (readSourceIdentity: a regular file of that size), so the file is not stat'ed again.
 */
async function checkVideoFile(path: string, known?: { sizeBytes: number }): Promise<void> {
  if (/^https?:\/\//i.test(path)) return;
  if (known) {
    if (known.sizeBytes === 0) throw new InputError("empty_video", `${path}: the file is empty (0 bytes)`);
    return;
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputError("video_not_found", `${path}: no such video file`, { cause: error });
  }
  if (!info.isFile()) throw new InputError("not_a_video", `${path}: not a file`);
  if (info.size === 0) throw new InputError("empty_video", `${path}: the file is empty (0 bytes)`);
}

/** InputError from ffprobe's error lines, minus their "[demuxer @ 0x..]" and file-name prefixes. */
function probeFailure(path: string, lines: string[]): InputError {
  const reasons = lines
    .map((line) =>
      line
        .replace(/^\[[^\]]*\]\s*/, "")
        .replace(`${path}: `, "")
        .trim(),
    )
    .filter((line) => line !== "");
  const reason = [...new Set(reasons)].join("; ").slice(0, 300);
  return new InputError(
    "not_a_video",
    `${basename(path)}: not a readable video${reason ? ` (ffprobe: ${reason})` : ""}`,
  );
}

async function probeWith(path: string, decoder: "native" | "wasm"): Promise<VideoProbe> {
  const name = basename(path);
  if (decoder === "wasm" && /^https?:\/\//i.test(path))
    throw new InputError("url_needs_ffmpeg", `${path}: URLs are read by native ffmpeg only (install ffmpeg)`);
  if (decoder === "native") {
    const result = await runNative("ffprobe", probeArguments(path));
    if (result.code !== 0) throw probeFailure(path, result.stderr.split("\n"));
    return parseProbeJson(new TextDecoder().decode(result.stdout), name);
  }
  const core = await wasmCore();
  const input = wasmTempPath("-probe-input");
  const output = wasmTempPath("-probe.json");
  core.FS.writeFile(input, await readFile(path));
  try {
    // The core's ffprobe exit status is not meaningful; its JSON output file is.
    const { lines } = runWasm(core, "ffprobe", [...probeArguments(input), "-o", output]);
    const json = core.FS.analyzePath(output).exists ? new TextDecoder().decode(core.FS.readFile(output)) : "";
    const errors = lines
      .map((line) => line.replace(input, path))
      .filter((line) => line.trim() !== "" && !line.startsWith("Aborted"));
    if (errors.length > 0 || json === "") throw probeFailure(path, errors);
    return parseProbeJson(json, name);
  } finally {
    removeWasmFile(core, input);
    removeWasmFile(core, output);
  }
}

/**
 * Reads a video's metadata (ffprobe: native, else the WASM core's). Throws InputError for a
 * missing, empty or non-video file. `source`: what the caller's stat of `path` found (not stat'ed again).
 */
export async function probeVideo(
  path: string,
  options: { decoder?: DecoderChoice; source?: { sizeBytes: number } } = {},
): Promise<VideoProbe> {
  await checkVideoFile(path, options.source);
  return probeWith(path, resolveDecoder(options.decoder));
}

/**
 * Decodes the frames of `path` that `options.sampling` keeps, in decode order, as rgb24.
 * Frames are identical (bytes, indices, timestamps) whichever decoder runs. Throws InputError for a
 * missing, empty, truncated or non-video file; a truncated file's error comes after the frames
 * decoded before the damage.
 */
export async function* decodeVideoFrames(path: string, options: DecodeOptions): AsyncGenerator<DecodedFrame> {
  // A probe was made from the checked file.
  if (!options.probe) await checkVideoFile(path);
  const decoder = resolveDecoder(options.decoder);
  const probe = options.probe ?? (await probeWith(path, decoder));
  const format = rawFormatFor(probe);
  const selector = createFrameSelector(options.sampling, probe.durationSec);
  const name = basename(path);
  if (decoder === "native") yield* decodeNative(path, name, probe, format, selector);
  else yield* decodeWasm(path, name, probe, format, options.sampling, selector);
}
