// Decoding with the WASM ffmpeg core: the core runs to completion per call and writes to an
// in-memory file, so frames are produced in chunks (each at most CHUNK_BYTES of raw output) chosen by
// decode index with a `select` filter. When sampling depends on timestamps (fps, uniform), a first
// decode-only pass reads every frame's timestamp. Slower than native (no SIMD, decodes twice for
// fps/uniform, re-decodes from the start for each chunk); meant for short clips.
import { readFile } from "node:fs/promises";
import { decodeArguments, decodedSize, type RawFormat } from "./decode-args.ts";
import { checkDecodeOutcome, type DecodedFrame } from "./decoded-frame.ts";
import { FfmpegLog } from "./ffmpeg-log.ts";
import { type FfmpegCore, removeWasmFile, runWasm, wasmCore, wasmTempPath } from "./ffmpeg-wasm.ts";
import { framesFromRaw, keptFrameIndices } from "./logged-frames.ts";
import type { FrameSelector, Sampling } from "./sampling.ts";
import type { VideoProbe } from "./video-probe.ts";

/** Upper bound on the raw output of one core run (the core's memory is limited to a few GiB). */
const CHUNK_BYTES = 256 * 1024 * 1024;

/** Decode-order indices to output: a known list, or "all" (count unknown until decoded). */
type Wanted = number[] | "all";

/**
 * First pass: every frame's timestamp, then the selector's choice. A damaged file fails in the
 * second pass, after its good frames, as with the native decoder.
 */
function selectByTimestamp(
  core: FfmpegCore,
  input: string,
  displayName: string,
  probe: VideoProbe,
  selector: FrameSelector,
): number[] {
  const log = new FfmpegLog(probe.fps);
  const { code } = runWasm(
    core,
    "ffmpeg",
    decodeArguments({ input, output: "-", format: null, size: probe }),
    (line) => log.line(line),
  );
  log.close();
  const { kept, seen } = keptFrameIndices(log, selector);
  if (!log.inputDamage) checkDecodeOutcome(displayName, code, log, seen);
  return kept;
}

/** Yields the frames `sampling` keeps, in decode order. */
export async function* decodeWasm(
  path: string,
  displayName: string,
  probe: VideoProbe,
  format: RawFormat,
  sampling: Sampling,
  selector: FrameSelector,
): AsyncGenerator<DecodedFrame> {
  const core = await wasmCore();
  const input = wasmTempPath("-input");
  const output = wasmTempPath("-frames.raw");
  core.FS.writeFile(input, await readFile(path));
  try {
    let wanted: Wanted;
    if (sampling.kind === "all") wanted = "all";
    else if (sampling.kind === "frames") wanted = sampling.indices;
    else wanted = selectByTimestamp(core, input, displayName, probe, selector);
    const delivered = decodedSize(probe.width, probe.height);
    const perChunk = Math.max(
      1,
      Math.floor(CHUNK_BYTES / format.frameBytes(delivered.width, delivered.height)),
    );
    let produced = 0;
    for (let start = 0; ; start += perChunk) {
      const indices =
        wanted === "all"
          ? Array.from({ length: perChunk }, (_, i) => start + i)
          : wanted.slice(start, start + perChunk);
      if (indices.length === 0) break;
      const log = new FfmpegLog(probe.fps);
      const { code } = runWasm(
        core,
        "ffmpeg",
        decodeArguments({ input, output, format, indices, size: probe }),
        (line) => log.line(line),
      );
      log.close();
      const raw = core.FS.analyzePath(output).exists ? core.FS.readFile(output) : new Uint8Array(0);
      removeWasmFile(core, output);
      let emitted = 0;
      for (const frame of framesFromRaw(raw, indices, log, format)) {
        yield frame;
        emitted++;
      }
      produced += emitted;
      // After the frames: a truncated file yields what decoded before the damage, then fails.
      // Frames asked beyond the end are simply absent.
      checkDecodeOutcome(displayName, code, log, produced + (log.get(0) ? 1 : 0));
      if (emitted < indices.length) break;
    }
  } finally {
    removeWasmFile(core, input);
    removeWasmFile(core, output);
  }
}
