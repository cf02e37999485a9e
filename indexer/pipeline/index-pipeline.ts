// The indexing pipeline: decode -> preprocess -> embed -> aggregate + save, as four concurrent stages
// joined by bounded queues, so decoding the next frames overlaps inference on the current ones.
import type { Aggregation } from "../../shared/aggregate.ts";
import type { VideoResult } from "../index-store/video-result.ts";
import { BoundedQueue } from "./bounded-queue.ts";
import type { StageClock } from "./stage-clock.ts";
import type { DecodedFrame, FrameEmbedder, FrameSource, Preprocess, VideoInfo } from "./types.ts";
import { videoRows } from "./video-vectors.ts";

/** A video to index. */
export interface PipelineJob {
  id: string;
  path: string;
  title: string;
  url: string | null;
  source: VideoResult["source"];
}

/** What the pipeline reports as it goes (for progress display). */
export type PipelineEvent =
  | { type: "frames"; count: number }
  | { type: "video"; id: string; ok: true; frames: number }
  | { type: "video"; id: string; ok: false; reason: string };

export interface PipelineOptions {
  source: FrameSource;
  preprocess: Preprocess;
  embedder: FrameEmbedder;
  /** Frames per inference call. Batches never span two videos, so a video's vectors do not depend on its neighbours. */
  batchSize: number;
  aggregations: readonly Aggregation[];
  /** Segment window in seconds, or null for no segment vectors. */
  segmentSec: number | null;
  /** Stores a finished video (the journal); runs in the write stage. */
  save(result: VideoResult): Promise<void>;
  clock: StageClock;
  onEvent?(event: PipelineEvent): void;
}

/** Outcome of a pipeline run: the videos that failed and why, and the frames embedded. */
export interface PipelineOutcome {
  failed: { id: string; path: string; reason: string }[];
  frames: number;
}

type Decoded =
  | { kind: "frame"; job: PipelineJob; frame: DecodedFrame }
  | {
      kind: "end";
      job: PipelineJob;
      info: VideoInfo | null;
      thumbnail: Uint8Array | null;
      error: string | null;
    };
type Prepared =
  | { kind: "frame"; job: PipelineJob; timestampSec: number; pixels: Float32Array }
  | Extract<Decoded, { kind: "end" }>;
type Embedded = {
  job: PipelineJob;
  info: VideoInfo | null;
  thumbnail: Uint8Array | null;
  error: string | null;
  vectors: Float32Array[];
  timestampsSec: number[];
};

/** Videos decoded ahead of the one being consumed. */
const DECODE_AHEAD = 1;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Duration to store: the container's, or the span of the decoded frames when the container has none. */
function durationOf(info: VideoInfo, timestampsSec: readonly number[]): number {
  if (Number.isFinite(info.durationSec) && info.durationSec > 0) return info.durationSec;
  const last = timestampsSec[timestampsSec.length - 1] ?? 0;
  return last + (info.fps > 0 ? 1 / info.fps : 0);
}

/**
 * Indexes `jobs` in order. A video whose probe or decoding fails, or that yields no frame, is
 * reported in `failed` and skipped; any other error (inference, saving) aborts the run. Busy time is
 * added to `clock`: decode (probe, frames, thumbnail), preprocess, embed, write (aggregation + save).
 */
export async function runIndexPipeline(
  jobs: readonly PipelineJob[],
  options: PipelineOptions,
): Promise<PipelineOutcome> {
  const { source, clock, batchSize } = options;
  const emit = options.onEvent ?? (() => {});
  const decoded = new BoundedQueue<Decoded>(Math.max(2, batchSize * 2));
  const prepared = new BoundedQueue<Prepared>(Math.max(2, batchSize * 2));
  const embedded = new BoundedQueue<Embedded>(4);
  const outcome: PipelineOutcome = { failed: [], frames: 0 };

  /** Decodes one video into its own queue: frames, then one "end" item. Never throws for a bad video. */
  async function decodeVideo(job: PipelineJob, out: BoundedQueue<Decoded>): Promise<void> {
    let info: VideoInfo | null = null;
    let error: string | null = null;
    let thumbnail: Uint8Array | null = null;
    let count = 0;
    // The sampled frame nearest the middle of the video becomes its thumbnail.
    let middle: DecodedFrame | null = null;
    try {
      info = await clock.time("decode", () => source.probe(job.path));
    } catch (cause) {
      error = reasonOf(cause);
    }
    if (info) {
      const iterator = source.frames(job.path)[Symbol.asyncIterator]();
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
          await out.push({ kind: "frame", job, frame: next.value });
        }
      } finally {
        if (error === null && count === 0) error = "no frames could be decoded (empty or zero-frame video)";
        // Stops the decoder (and its ffmpeg process) when we leave early.
        await iterator.return?.();
      }
      if (error === null && middle) {
        const frame = middle;
        thumbnail = await clock.time("decode", () => source.thumbnail(frame)).catch(() => null);
      }
    }
    await out.push({ kind: "end", job, info, thumbnail, error });
    out.close();
  }

  /**
   * Emits the videos' frames in job order, each video's frames contiguous, while the next
   * DECODE_AHEAD videos already probe and decode into their own bounded queues (hides ffmpeg's
   * start-up and probing behind the current video).
   */
  async function decodeStage(): Promise<void> {
    const started: { queue: BoundedQueue<Decoded>; done: Promise<void> }[] = [];
    const start = (i: number) => {
      const queue = new BoundedQueue<Decoded>(Math.max(2, batchSize));
      const done = decodeVideo(jobs[i], queue).catch((error: unknown) => queue.fail(error));
      started[i] = { queue, done };
    };
    try {
      for (let i = 0; i < jobs.length; i++) {
        for (let j = i; j < Math.min(jobs.length, i + 1 + DECODE_AHEAD); j++) if (!started[j]) start(j);
        for await (const item of started[i].queue) await decoded.push(item);
        await started[i].done;
      }
      decoded.close();
    } finally {
      // On failure, stop the decoders already started (their queues make them throw and exit).
      for (const s of started) s?.queue.fail(new Error("pipeline stopped"));
    }
  }

  async function preprocessStage(): Promise<void> {
    let failedJob: PipelineJob | null = null;
    let failure: string | null = null;
    for await (const item of decoded) {
      if (item.kind === "end") {
        await prepared.push(
          item.job === failedJob && item.error === null ? { ...item, error: failure } : item,
        );
        continue;
      }
      if (item.job === failedJob) continue;
      let pixels: Float32Array;
      try {
        pixels = await clock.time("preprocess", () => options.preprocess(item.frame));
      } catch (cause) {
        failedJob = item.job;
        failure = `frame ${item.frame.index} could not be preprocessed: ${reasonOf(cause)}`;
        continue;
      }
      await prepared.push({ kind: "frame", job: item.job, timestampSec: item.frame.timestampSec, pixels });
    }
    prepared.close();
  }

  async function embedStage(): Promise<void> {
    let pending: { pixels: Float32Array; timestampSec: number }[] = [];
    let vectors: Float32Array[] = [];
    let timestampsSec: number[] = [];
    let batch: Float32Array | null = null;
    const flush = async () => {
      if (pending.length === 0) return;
      const size = pending[0].pixels.length;
      if (!batch || batch.length !== size * batchSize) batch = new Float32Array(size * batchSize);
      for (const [i, p] of pending.entries()) batch.set(p.pixels, i * size);
      const input = pending.length === batchSize ? batch : batch.subarray(0, size * pending.length);
      const out = await clock.time("embed", () => options.embedder.embed(input, pending.length));
      vectors.push(...out);
      timestampsSec.push(...pending.map((p) => p.timestampSec));
      outcome.frames += pending.length;
      emit({ type: "frames", count: pending.length });
      pending = [];
    };
    for await (const item of prepared) {
      if (item.kind === "frame") {
        pending.push(item);
        if (pending.length === batchSize) await flush();
        continue;
      }
      if (item.error === null) await flush();
      await embedded.push({ ...item, vectors: item.error === null ? vectors : [], timestampsSec });
      pending = [];
      vectors = [];
      timestampsSec = [];
    }
    embedded.close();
  }

  async function writeStage(): Promise<void> {
    for await (const item of embedded) {
      const { job, info } = item;
      if (item.error !== null || info === null) {
        const reason = item.error ?? "unknown error";
        outcome.failed.push({ id: job.id, path: job.path, reason });
        emit({ type: "video", id: job.id, ok: false, reason });
        continue;
      }
      await clock.time("write", async () => {
        const durationSec = durationOf(info, item.timestampsSec);
        const { rows, vectors } = videoRows(
          job.id,
          item.vectors,
          item.timestampsSec,
          durationSec,
          options.aggregations,
          options.segmentSec,
        );
        await options.save({
          id: job.id,
          title: job.title,
          url: job.url,
          durationSec,
          fps: info.fps,
          width: info.width,
          height: info.height,
          frames: item.vectors.length,
          source: job.source,
          rows,
          vectors,
          thumbnail: item.thumbnail,
        });
      });
      emit({ type: "video", id: job.id, ok: true, frames: item.vectors.length });
    }
  }

  const queues = [decoded, prepared, embedded];
  const guard = (stage: () => Promise<void>) =>
    stage().catch((error: unknown) => {
      for (const queue of queues) queue.fail(error);
      throw error;
    });
  const results = await Promise.allSettled([decodeStage, preprocessStage, embedStage, writeStage].map(guard));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected) throw rejected.reason;
  return outcome;
}
