// Decoding with the native ffmpeg: one process per video, raw frames streamed from its stdout and
// paired with showinfo's per-frame log lines; stops ffmpeg early once sampling needs no more frames.
import { ByteReader } from "./byte-reader.ts";
import { decodeArguments, type RawFormat } from "./decode-args.ts";
import { checkDecodeOutcome, type DecodedFrame } from "./decoded-frame.ts";
import { FfmpegLog } from "./ffmpeg-log.ts";
import { startNative } from "./ffmpeg-native.ts";
import type { FrameSelector } from "./sampling.ts";
import type { VideoProbe } from "./video-probe.ts";

/** Yields the frames `selector` keeps, in decode order. */
export async function* decodeNative(
  path: string,
  displayName: string,
  probe: VideoProbe,
  format: RawFormat,
  selector: FrameSelector,
): AsyncGenerator<DecodedFrame> {
  const log = new FfmpegLog(probe.fps);
  const run = startNative(
    "ffmpeg",
    decodeArguments({ input: path, output: "pipe:1", format, size: probe }),
    (text) => log.write(text),
  );
  // The log closes when the process is gone, so frames never reported stop the loop.
  const exited = run.exited.finally(() => log.close());
  exited.catch(() => {}); // observed below; this only avoids an unhandled rejection if the consumer stops early
  const reader = new ByteReader(run.stdout);
  let stoppedEarly = false;
  let finished = false;
  let frames = 0;
  try {
    for (let index = 0; ; index++) {
      const shown = await log.waitFor(index);
      if (!shown) break;
      const size = format.frameBytes(shown.width, shown.height);
      // Frames not kept are skipped in the pipe without a copy (most of them under fps:N / uniform:N).
      const keep = selector.keep(index, shown.timestampSec);
      const raw = keep ? await reader.read(size) : null;
      if (keep ? !raw : !(await reader.skip(size))) break;
      frames++;
      log.forgetBefore(index);
      if (raw) {
        const { width, height, timestampSec } = shown;
        yield { index, timestampSec, width, height, rgb: format.toRgb(raw, width, height) };
      }
      if (selector.done) {
        stoppedEarly = true;
        break;
      }
    }
    finished = !stoppedEarly;
  } finally {
    // Also reached when the consumer stops iterating: never leave ffmpeg running.
    if (!finished) run.kill();
    await reader.close();
  }
  const code = await exited;
  if (!stoppedEarly) checkDecodeOutcome(displayName, code, log, frames);
}
