// The frame pipeline: decode -> preprocess -> embed -> consume, as four concurrent stages joined by bounded
// queues, so decoding the next frames overlaps inference on the current ones. It yields each video's frame
// vectors to a consumer (`index` aggregates and journals them, `eval` caches them) and knows nothing of either.
import { BoundedQueue } from "./bounded-queue.ts";
import type { StageClock } from "./stage-clock.ts";
import type {
  DecodedFrame,
  FrameEmbedder,
  FrameSource,
  PipelineJob,
  Preprocess,
  VideoInfo,
} from "./types.ts";

/** What the pipeline reports as it goes (for progress display). */
export type PipelineEvent =
  | { type: "frames"; count: number }
  | { type: "video"; id: string; ok: true; frames: number }
  | { type: "video"; id: string; ok: false; reason: string };

/** One video's frames, embedded: what a consumer gets, in job order. */
export interface EmbeddedVideo<J extends PipelineJob> {
  job: J;
  info: VideoInfo;
  /** The container's duration, or the span of the decoded frames when the container has none. */
  durationSec: number;
  /** One Float32Array(d) per sampled frame, in time order, as the embedder returned it (not normalized). */
  vectors: Float32Array[];
  /** Time of each sampled frame, seconds. */
  timestampsSec: number[];
  /** JPEG of the sampled frame nearest the middle; null when not asked for or when encoding it failed. */
  thumbnail: Uint8Array | null;
  /** Small JPEG of each sampled frame in order (null where one failed); empty unless asked for. */
  frameThumbnails: (Uint8Array | null)[];
}

export interface PipelineOptions<J extends PipelineJob> {
  source: FrameSource;
  preprocess: Preprocess;
  embedder: FrameEmbedder;
  /**
   * Frames per inference call. Batches span videos (the last one may be short): ONNX Runtime computes
   * each row independently of the others in its batch (pinned in clip-towers.test.ts), so a video's
   * vectors do not depend on its neighbours, and videos with few sampled frames still fill batches.
   */
  batchSize: number;
  /** Which JPEGs to encode while decoding: the video's (middle frame) and one small one per sampled frame. */
  thumbnails: { video: boolean; frames: boolean };
  /**
   * Takes a finished video (the consume stage, timed as "write"). Called in job order, each call before the
   * next; up to WRITE_AHEAD calls may still be running (their fsyncs overlap). A rejection aborts the run.
   */
  consume(video: EmbeddedVideo<J>): Promise<void>;
  clock: StageClock;
  onEvent?(event: PipelineEvent): void;
}

/** Outcome of a pipeline run: the videos that failed and why, and the frames embedded. */
export interface PipelineOutcome {
  failed: { id: string; path: string; reason: string }[];
  frames: number;
}

type Ending<J extends PipelineJob> = {
  kind: "end";
  job: J;
  info: VideoInfo | null;
  thumbnail: Uint8Array | null;
  frameThumbnails: (Uint8Array | null)[];
  error: string | null;
};
type Decoded<J extends PipelineJob> = { kind: "frame"; job: J; frame: DecodedFrame } | Ending<J>;
type Prepared<J extends PipelineJob> =
  | { kind: "frame"; job: J; timestampSec: number; pixels: Float32Array }
  | Ending<J>;
type Embedded<J extends PipelineJob> = Omit<Ending<J>, "kind"> & {
  vectors: Float32Array[];
  timestampsSec: number[];
};

/** Videos decoded ahead of the one being consumed. */
const DECODE_AHEAD = 1;
/** Consume calls in flight at once beyond the oldest (journal and cache writes wait on fsync, not on the CPU). */
const WRITE_AHEAD = 3;

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Duration of a video: the container's, or the span of the decoded frames when the container has none. */
function durationOf(info: VideoInfo, timestampsSec: readonly number[]): number {
  if (Number.isFinite(info.durationSec) && info.durationSec > 0) return info.durationSec;
  const last = timestampsSec[timestampsSec.length - 1] ?? 0;
  return last + (info.fps > 0 ? 1 / info.fps : 0);
}

/**
 * Runs `jobs` in order and hands each embedded video to `consume`. A video whose probe or decoding fails,
 * or that yields no frame, is reported in `failed` and skipped; any other error (inference, consume) aborts
 * the run. Busy time is added to `clock`: decode (probe, frames, thumbnails), preprocess, embed, write (consume).
 */
export async function runFramePipeline<J extends PipelineJob>(
  jobs: readonly J[],
  options: PipelineOptions<J>,
): Promise<PipelineOutcome> {
  const { source, clock, batchSize } = options;
  const emit = options.onEvent ?? (() => {});
  const decoded = new BoundedQueue<Decoded<J>>(Math.max(2, batchSize * 2));
  const prepared = new BoundedQueue<Prepared<J>>(Math.max(2, batchSize * 2));
  const embedded = new BoundedQueue<Embedded<J>>(4);
  const outcome: PipelineOutcome = { failed: [], frames: 0 };

  /** Decodes one video into its own queue: frames, then one "end" item. Never throws for a bad video. */
  async function decodeVideo(job: J, out: BoundedQueue<Decoded<J>>): Promise<void> {
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
          if (options.thumbnails.frames) {
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
      if (error === null && middle && options.thumbnails.video) {
        const frame = middle;
        thumbnail = await clock.time("decode", () => source.thumbnail(frame)).catch(() => null);
      }
    }
    await out.push({ kind: "end", job, info, thumbnail, frameThumbnails, error });
    out.close();
  }

  /**
   * Emits the videos' frames in job order, each video's frames contiguous, while the next
   * DECODE_AHEAD videos already probe and decode into their own bounded queues (hides ffmpeg's
   * start-up and probing behind the current video).
   */
  async function decodeStage(): Promise<void> {
    const started: { queue: BoundedQueue<Decoded<J>>; done: Promise<void> }[] = [];
    const start = (i: number) => {
      const queue = new BoundedQueue<Decoded<J>>(Math.max(2, batchSize));
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
    let failedJob: J | null = null;
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
    type Pending = { job: J; timestampSec: number; pixels: Float32Array };
    let pending: Pending[] = [];
    const perJob = new Map<J, { vectors: Float32Array[]; timestampsSec: number[] }>();
    const ends: Ending<J>[] = [];
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
      for (const { kind: _, ...end } of ends.splice(0)) {
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
    const take = (item: Prepared<J>) => {
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

  /**
   * Hands each finished video to `consume` in job order; up to WRITE_AHEAD calls are in flight at once
   * (each ends in an fsync-bound write), and events follow job order.
   */
  async function consumeStage(): Promise<void> {
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
          const video: EmbeddedVideo<J> = {
            job,
            info,
            durationSec: durationOf(info, item.timestampsSec),
            vectors: item.vectors,
            timestampsSec: item.timestampsSec,
            thumbnail: item.thumbnail,
            frameThumbnails: item.frameThumbnails,
          };
          const done = clock.time("write", () => options.consume(video));
          // Observed in order by settleOldest; this only keeps a failure from being reported as unhandled first.
          done.catch(() => {});
          const frames = item.vectors.length;
          inFlight.push({ done, after: () => emit({ type: "video", id: job.id, ok: true, frames }) });
        }
        while (inFlight.length > WRITE_AHEAD) await settleOldest();
      }
      while (inFlight.length > 0) await settleOldest();
    } finally {
      // On failure, let the consume calls already started finish before the run reports (no write after return).
      await Promise.allSettled(inFlight.map((f) => f.done));
    }
  }

  const queues = [decoded, prepared, embedded];
  const guard = (stage: () => Promise<void>) =>
    stage().catch((error: unknown) => {
      for (const queue of queues) queue.fail(error);
      throw error;
    });
  const results = await Promise.allSettled(
    [decodeStage, preprocessStage, embedStage, consumeStage].map(guard),
  );
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected) throw rejected.reason;
  return outcome;
}
