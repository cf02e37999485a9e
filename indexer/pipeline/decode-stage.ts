// The frame pipeline's decode stage: each video's sampled frames (and the JPEGs asked for) in job order,
// the next videos already probing and decoding behind the current one.

import type { DecodedFrame } from "../decode/decoded-frame.ts";
import { BoundedQueue } from "./bounded-queue.ts";
import type { StageClock } from "./stage-clock.ts";
import { type Decoded, reasonOf } from "./stage-items.ts";
import type { FrameSource, PipelineJob, VideoInfo } from "./types.ts";

/** Videos decoded ahead of the one being consumed. */
const DECODE_AHEAD = 1;

export interface DecodeStageOptions {
  source: FrameSource;
  /** Which JPEGs to encode: the video's (middle frame) and one small one per sampled frame. */
  thumbnails: { video: boolean; frames: boolean };
  /** Frames each video may decode ahead into its own queue. */
  framesAhead: number;
  clock: StageClock;
}

/** Decodes one video into its own queue: frames, then one "end" item. Never throws for a bad video. */
async function decodeVideo<J extends PipelineJob>(
  job: J,
  out: BoundedQueue<Decoded<J>>,
  { source, thumbnails, clock }: DecodeStageOptions,
): Promise<void> {
  let info: VideoInfo | null = null;
  let error: string | null = null;
  let thumbnail: Uint8Array | null = null;
  const frameThumbnails: (Uint8Array | null)[] = [];
  let count = 0;
  // The sampled frame nearest the middle of the video becomes its thumbnail.
  let middle: DecodedFrame | null = null;
  try {
    info = await clock.time("decode", () => source.probe(job.path, job.source));
  } catch (cause) {
    error = reasonOf(cause);
  }
  if (info) {
    const iterator = source.frames(job.path, info)[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<DecodedFrame>;
        try {
          next = await clock.time("decode", () => iterator.next());
        } catch (cause) {
          error = reasonOf(cause);
          break;
        }
        if (next.done) break;
        count++;
        const half = info.durationSec / 2;
        if (!middle || Math.abs(next.value.timestampSec - half) < Math.abs(middle.timestampSec - half))
          middle = next.value;
        if (thumbnails.frames) {
          // Encoded now (~3 KB each), not kept as pixels: an hour at fps:1 then holds ~12 MB, not ~200.
          const frame = next.value;
          frameThumbnails.push(
            await clock.time("decode", () => source.frameThumbnail(frame)).catch(() => null),
          );
        }
        await out.push({ kind: "frame", job, frame: next.value });
      }
    } finally {
      if (error === null && count === 0) error = "no frames could be decoded (empty or zero-frame video)";
      // Stops the decoder (and its ffmpeg process) when we leave early.
      await iterator.return?.();
    }
    if (error === null && middle && thumbnails.video) {
      const frame = middle;
      thumbnail = await clock.time("decode", () => source.thumbnail(frame)).catch(() => null);
    }
  }
  await out.push({ kind: "end", job, info, thumbnail, frameThumbnails, error });
  out.close();
}

/**
 * Emits the videos' frames into `out` in job order, each video's frames contiguous, while the next
 * DECODE_AHEAD videos already probe and decode into their own bounded queues (hides ffmpeg's
 * start-up and probing behind the current video). Closes `out` when done.
 */
export async function decodeStage<J extends PipelineJob>(
  jobs: readonly J[],
  out: BoundedQueue<Decoded<J>>,
  options: DecodeStageOptions,
): Promise<void> {
  const started: { queue: BoundedQueue<Decoded<J>>; done: Promise<void> }[] = [];
  const start = (i: number) => {
    const queue = new BoundedQueue<Decoded<J>>(Math.max(2, options.framesAhead));
    const done = decodeVideo(jobs[i], queue, options).catch((error: unknown) => queue.fail(error));
    started[i] = { queue, done };
  };
  try {
    for (let i = 0; i < jobs.length; i++) {
      for (let j = i; j < Math.min(jobs.length, i + 1 + DECODE_AHEAD); j++) if (!started[j]) start(j);
      for await (const item of started[i].queue) await out.push(item);
      await started[i].done;
    }
    out.close();
  } finally {
    // On failure, stop the decoders already started (their queues make them throw and exit).
    for (const s of started) s?.queue.fail(new Error("pipeline stopped"));
  }
}
