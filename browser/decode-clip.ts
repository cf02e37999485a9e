// A clip decoded in the browser by @ffmpeg/ffmpeg (the @ffmpeg/core build the indexer's WASM decoder runs,
// inside ffmpeg.wasm's Web Worker) with the indexer's own pieces: its ffprobe arguments and parser, its
// ffmpeg command lines, its showinfo log reader and its frame sampling. The two passes mirror
// indexer/decode/decode-wasm.ts (timestamps first, then the chosen frames), so the frames are the same.
/// <reference path="./build-constants.d.ts" />
import { FFmpeg } from "@ffmpeg/ffmpeg";
import { decodeArguments, rawFormatFor } from "../indexer/decode/decode-args.ts";
import { checkDecodeOutcome, type DecodedFrame } from "../indexer/decode/decoded-frame.ts";
import { FfmpegLog } from "../indexer/decode/ffmpeg-log.ts";
import { framesFromRaw, keptFrameIndices } from "../indexer/decode/logged-frames.ts";
import { createFrameSelector, type Sampling } from "../indexer/decode/sampling.ts";
import { parseProbeJson, probeArguments } from "../indexer/decode/video-probe.ts";
import { type ByteProgress, fetchCached, type HashedFile } from "./fetch-cached.ts";

/** Largest clip read into ffmpeg.wasm's memory (the whole file is copied in). */
export const MAX_CLIP_BYTES = 256 * 1024 * 1024;
/** Largest raw output of the frame pass (the core's memory is limited). */
const MAX_RAW_BYTES = 512 * 1024 * 1024;

/** The core's .wasm: static assets in parts (25 MiB a file at most), joined here. */
const CORE_WASM: HashedFile = {
  urls: BROWSER_FILES.ffmpegCoreWasmParts,
  sha256: BROWSER_FILES.ffmpegCoreWasmSha256,
  totalBytes: BROWSER_FILES.ffmpegCoreWasmBytes,
};

let loading: Promise<FFmpeg> | undefined;

async function load(onProgress: ByteProgress): Promise<FFmpeg> {
  const { data } = await fetchCached(CORE_WASM, onProgress);
  const wasmURL = URL.createObjectURL(
    new Blob([data as Uint8Array<ArrayBuffer>], { type: "application/wasm" }),
  );
  const ffmpeg = new FFmpeg();
  try {
    await ffmpeg.load({
      classWorkerURL: new URL(BROWSER_FILES.ffmpegWorker, location.href).href,
      coreURL: new URL(BROWSER_FILES.ffmpegCore, location.href).href,
      wasmURL,
    });
  } finally {
    URL.revokeObjectURL(wasmURL);
  }
  return ffmpeg;
}

/** The page's ffmpeg.wasm, started once (its core downloaded once, then from Cache Storage). */
export function loadFfmpeg(onProgress: ByteProgress): Promise<FFmpeg> {
  loading ??= load(onProgress).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

/** Runs ffmpeg or ffprobe and hands every log line to `onLine`. */
async function run(
  ffmpeg: FFmpeg,
  program: "ffmpeg" | "ffprobe",
  args: string[],
  onLine: (line: string) => void,
) {
  const listener = ({ message }: { message: string }) => onLine(message);
  ffmpeg.on("log", listener);
  try {
    return program === "ffmpeg" ? await ffmpeg.exec(args) : await ffmpeg.ffprobe(args);
  } finally {
    ffmpeg.off("log", listener);
  }
}

async function remove(ffmpeg: FFmpeg, path: string): Promise<void> {
  await ffmpeg.deleteFile(path).catch(() => undefined);
}

/** The frames of `file` that `sampling` keeps, in decode order, as rgb24 (what the indexer decodes). */
export async function decodeClip(ffmpeg: FFmpeg, file: File, sampling: Sampling): Promise<DecodedFrame[]> {
  if (file.size > MAX_CLIP_BYTES)
    throw new Error(
      `${file.name} is ${Math.round(file.size / 2 ** 20)} MiB; choose a clip under ${MAX_CLIP_BYTES / 2 ** 20} MiB`,
    );
  const input = "/clip-input";
  const probeOutput = "/clip-probe.json";
  const output = "/clip-frames.raw";
  await ffmpeg.writeFile(input, new Uint8Array(await file.arrayBuffer()));
  try {
    // The core's ffprobe exit status is not meaningful; its JSON output file is.
    await run(ffmpeg, "ffprobe", [...probeArguments(input), "-o", probeOutput], () => undefined);
    const json = await ffmpeg.readFile(probeOutput, "utf8").catch(() => "");
    const probe = parseProbeJson(typeof json === "string" ? json : "", file.name);
    const format = rawFormatFor(probe);
    const selector = createFrameSelector(sampling, probe.durationSec);
    const times = new FfmpegLog(probe.fps);
    const code = await run(
      ffmpeg,
      "ffmpeg",
      decodeArguments({ input, output: "-", format: null, size: probe }),
      (line) => times.line(line),
    );
    times.close();
    const { kept: wanted, seen } = keptFrameIndices(times, selector);
    checkDecodeOutcome(file.name, code, times, seen);
    const frameBytes = format.frameBytes(probe.width, probe.height);
    if (wanted.length * frameBytes > MAX_RAW_BYTES)
      throw new Error(`${file.name}: ${wanted.length} frames are too many to decode here; sample fewer`);
    const log = new FfmpegLog(probe.fps);
    const frameCode = await run(
      ffmpeg,
      "ffmpeg",
      decodeArguments({ input, output, format, indices: wanted, size: probe }),
      (line) => log.line(line),
    );
    log.close();
    checkDecodeOutcome(file.name, frameCode, log, wanted.length);
    const raw = await ffmpeg.readFile(output);
    if (typeof raw === "string") throw new Error("ffmpeg.wasm returned text for the frames");
    const frames = [...framesFromRaw(raw, wanted, log, format)];
    if (frames.length === 0) throw new Error(`${file.name}: no video frame could be decoded`);
    return frames;
  } finally {
    await Promise.all([remove(ffmpeg, input), remove(ffmpeg, probeOutput), remove(ffmpeg, output)]);
  }
}
