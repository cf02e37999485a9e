// The frame pipeline: decode -> preprocess -> embed -> consume, four concurrent stages joined by bounded
// queues, so decoding the next frames overlaps inference on the current ones. It hands each video's frame
// vectors to a consumer (`index` aggregates and journals them, `eval` caches them) and knows nothing of either.
import { BoundedQueue } from "./bounded-queue.ts";
import { consumeStage } from "./consume-stage.ts";
import { decodeStage } from "./decode-stage.ts";
import { embedStage } from "./embed-stage.ts";
import { preprocessStage } from "./preprocess-stage.ts";
import type { StageClock } from "./stage-clock.ts";
import type { Decoded, Embedded, Prepared } from "./stage-items.ts";
import type {
  EmbeddedVideo,
  FrameEmbedder,
  FrameSource,
  PipelineEvent,
  PipelineJob,
  Preprocess,
} from "./types.ts";

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
   * next; a few calls may still be running (their fsyncs overlap). A rejection aborts the run.
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

/**
 * Runs `jobs` in order and hands each embedded video to `consume`. A video whose probe or decoding fails,
 * or that yields no frame, is reported in `failed` and skipped; any other error (inference, consume) aborts
 * the run. Busy time is added to `clock`: decode (probe, frames, thumbnails), preprocess, embed, write (consume).
 */
export async function runFramePipeline<J extends PipelineJob>(
  jobs: readonly J[],
  options: PipelineOptions<J>,
): Promise<PipelineOutcome> {
  const { clock, batchSize } = options;
  const emit = options.onEvent ?? (() => {});
  const decoded = new BoundedQueue<Decoded<J>>(Math.max(2, batchSize * 2));
  const prepared = new BoundedQueue<Prepared<J>>(Math.max(2, batchSize * 2));
  const embedded = new BoundedQueue<Embedded<J>>(4);
  const outcome: PipelineOutcome = { failed: [], frames: 0 };
  const stages = [
    () =>
      decodeStage(jobs, decoded, {
        source: options.source,
        thumbnails: options.thumbnails,
        framesAhead: batchSize,
        clock,
      }),
    () => preprocessStage(decoded, prepared, { preprocess: options.preprocess, clock }),
    () =>
      embedStage(prepared, embedded, {
        embedder: options.embedder,
        batchSize,
        clock,
        onEmbedded(count) {
          outcome.frames += count;
          emit({ type: "frames", count });
        },
      }),
    () =>
      consumeStage(embedded, {
        consume: options.consume,
        clock,
        emit,
        onFailed: (job, reason) => outcome.failed.push({ id: job.id, path: job.path, reason }),
      }),
  ];
  // A stage that fails fails every queue, so the others stop too; the first failure (in stage order) is thrown.
  const queues = [decoded, prepared, embedded];
  const guard = (stage: () => Promise<void>) =>
    stage().catch((error: unknown) => {
      for (const queue of queues) queue.fail(error);
      throw error;
    });
  const results = await Promise.allSettled(stages.map(guard));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (rejected) throw rejected.reason;
  return outcome;
}
