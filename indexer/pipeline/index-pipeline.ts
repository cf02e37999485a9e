// The indexing pipeline: decode -> preprocess -> embed -> aggregate + save, as four concurrent stages
// joined by bounded queues, so decoding the next frames overlaps inference on the current ones.
import type { Aggregation } from "../../shared/aggregate.ts";
import { momentFrames } from "../index/moment-frames.ts";
import type { VideoResult } from "../index/video-result.ts";
import { type VideoRows, videoRows } from "../index/video-vectors.ts";
import { BoundedQueue } from "./bounded-queue.ts";
import type { StageClock } from "./stage-clock.ts";
import type { DecodedFrame, FrameEmbedder, FrameSource, Preprocess, VideoInfo } from "./types.ts";

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
  /**
   * Frames per inference call. Batches span videos (the last one may be short): ONNX Runtime computes
   * each row independently of the others in its batch (pinned in clip-towers.test.ts), so a video's
   * vectors do not depend on its neighbours, and videos with few sampled frames still fill batches.
   */
  batchSize: number;
  aggregations: readonly Aggregation[];
  /** Segment window in seconds, or null for no segment vectors. */
  segmentSec: number | null;
  /** Stores a finished video (the journal); runs in the write stage. */
  save(result: VideoResult): Promise<void>;
  /**
   * Called in the write stage for each finished video, just before `save`, with its frame vectors
   * (Float32Array(d) each, as the embedder returned them) and their timestamps (seconds).
   */
  onFrames?(
    job: PipelineJob,
    vectors: readonly Float32Array[],
    timestampsSec: readonly number[],
  ): Promise<void> | void;
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
      /** Small JPEGs of the sampled frames in order (null where one failed); empty when none are wanted. */
      previews: (Uint8Array | null)[];
      error: string | null;
    };
type Prepared =
  | { kind: "frame"; job: PipelineJob; timestampSec: number; pixels: Float32Array }
  | Extract<Decoded, { kind: "end" }>;
type Embedded = {
  job: PipelineJob;
  info: VideoInfo | null;
  thumbnail: Uint8Array | null;
  previews: (Uint8Array | null)[];
  error: string | null;
  vectors: Float32Array[];
  timestampsSec: number[];
};

/** Videos decoded ahead of the one being consumed. */
const DECODE_AHEAD = 1;
/** Saves in flight at once beyond the oldest (journal writes wait on fsync, not on the CPU). */
const WRITE_AHEAD = 3;

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
  // Moment thumbnails only when there are moments: segments or k-means centroids.
  const wantsMoments =
    options.segmentSec !== null || options.aggregations.some((aggregation) => aggregation.kind === "kmeans");
  const momentThumbnail = wantsMoments ? source.momentThumbnail?.bind(source) : undefined;

  /** Decodes one video into its own queue: frames, then one "end" item. Never throws for a bad video. */
  async function decodeVideo(job: PipelineJob, out: BoundedQueue<Decoded>): Promise<void> {
    let info: VideoInfo | null = null;
    let error: string | null = null;
    let thumbnail: Uint8Array | null = null;
    const previews: (Uint8Array | null)[] = [];
    let count = 0;
    // The sampled frame nearest the middle of the video becomes its thumbnail.
    let middle: DecodedFrame | null = null;
    try {
      info = await clock.time("decode", () => source.probe(job.path));
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
          if (momentThumbnail) {
            // Encoded now (~3 KB each), not kept as pixels: an hour at fps:1 then holds ~12 MB, not ~200.
            const frame = next.value;
            previews.push(await clock.time("decode", () => momentThumbnail(frame)).catch(() => null));
          }
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
    await out.push({ kind: "end", job, info, thumbnail, previews, error });
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

  /**
   * Embeds frames in batches of `batchSize` that may span videos; a video's "end" goes on once all
   * its frames are embedded (ends stay in job order). Frames of a video that failed are dropped.
   */
  async function embedStage(): Promise<void> {
    type Pending = { job: PipelineJob; timestampSec: number; pixels: Float32Array };
    let pending: Pending[] = [];
    const perJob = new Map<PipelineJob, { vectors: Float32Array[]; timestampsSec: number[] }>();
    const ends: Extract<Prepared, { kind: "end" }>[] = [];
    let batch: Float32Array | null = null;
    const flush = async () => {
      if (pending.length === 0) return;
      const size = pending[0].pixels.length;
      if (!batch || batch.length !== size * batchSize) batch = new Float32Array(size * batchSize);
      for (const [i, p] of pending.entries()) batch.set(p.pixels, i * size);
      const input = pending.length === batchSize ? batch : batch.subarray(0, size * pending.length);
      const out = await clock.time("embed", () => options.embedder.embed(input, pending.length));
      for (const [i, p] of pending.entries()) {
        const frames = perJob.get(p.job);
        frames?.vectors.push(out[i]);
        frames?.timestampsSec.push(p.timestampSec);
      }
      outcome.frames += pending.length;
      emit({ type: "frames", count: pending.length });
      pending = [];
    };
    const passEnds = async () => {
      for (const end of ends.splice(0)) {
        const frames = perJob.get(end.job) ?? { vectors: [], timestampsSec: [] };
        perJob.delete(end.job);
        const ok = end.error === null;
        await embedded.push({
          ...end,
          vectors: ok ? frames.vectors : [],
          timestampsSec: ok ? frames.timestampsSec : [],
        });
      }
    };
    const take = (item: Prepared) => {
      if (item.kind === "frame") {
        if (!perJob.has(item.job)) perJob.set(item.job, { vectors: [], timestampsSec: [] });
        pending.push(item);
        return;
      }
      // A failed video's frames not yet embedded are not worth embedding.
      if (item.error !== null) pending = pending.filter((p) => p.job !== item.job);
      ends.push(item);
    };
    // Full batches (a short one only at the end): measured against taking whatever is ready when the
    // runtime is free, small batches cost more CPU per frame on 2 cores than the idle time they save.
    for await (const item of prepared) {
      take(item);
      if (pending.length === batchSize) await flush();
      if (pending.length === 0) await passEnds();
    }
    await flush();
    await passEnds();
    embedded.close();
  }

  /** The rows with their moment thumbnails: the JPEG of each moment's nearest frame (rows may share one). */
  function withMomentThumbnails(videoRows: VideoRows, item: Embedded): VideoResult["rows"] {
    if (item.previews.length !== item.vectors.length) return videoRows.rows;
    const frames = momentFrames(videoRows, item.vectors, item.timestampsSec, options.aggregations);
    return videoRows.rows.map((row, r) => {
      const f = frames[r];
      const thumbnail = f === null ? null : item.previews[f];
      return thumbnail ? { ...row, thumbnail } : row;
    });
  }

  /**
   * Aggregates each finished video and saves it; up to WRITE_AHEAD saves are in flight at once
   * (started in job order; each is an fsync-bound journal write), and events follow job order.
   */
  async function writeStage(): Promise<void> {
    const inFlight: { done: Promise<void>; after(): void }[] = [];
    const settleOldest = async () => {
      const oldest = inFlight.shift();
      if (!oldest) return;
      await oldest.done;
      oldest.after();
    };
    try {
      for await (const item of embedded) {
        const { job, info } = item;
        if (item.error !== null || info === null) {
          const reason = item.error ?? "unknown error";
          outcome.failed.push({ id: job.id, path: job.path, reason });
          inFlight.push({
            done: Promise.resolve(),
            after: () => emit({ type: "video", id: job.id, ok: false, reason }),
          });
        } else {
          const result = await clock.time("write", async (): Promise<VideoResult> => {
            await options.onFrames?.(job, item.vectors, item.timestampsSec);
            const durationSec = durationOf(info, item.timestampsSec);
            const { rows, vectors } = videoRows(
              job.id,
              item.vectors,
              item.timestampsSec,
              durationSec,
              options.aggregations,
              options.segmentSec,
            );
            return {
              id: job.id,
              title: job.title,
              url: job.url,
              durationSec,
              fps: info.fps,
              width: info.width,
              height: info.height,
              frames: item.vectors.length,
              source: job.source,
              rows: withMomentThumbnails({ rows, vectors }, item),
              vectors,
              thumbnail: item.thumbnail,
            };
          });
          const done = clock.time("write", () => options.save(result));
          // Observed in order by settleOldest; this only keeps a failure from being reported as unhandled first.
          done.catch(() => {});
          inFlight.push({
            done,
            after: () => emit({ type: "video", id: job.id, ok: true, frames: result.frames }),
          });
        }
        while (inFlight.length > WRITE_AHEAD) await settleOldest();
      }
      while (inFlight.length > 0) await settleOldest();
    } finally {
      // On failure, let the saves already started finish before the run reports (no write after return).
      await Promise.allSettled(inFlight.map((f) => f.done));
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
