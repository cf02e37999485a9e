// The frame pipeline's last stage: each embedded video handed to the consumer in job order, a few of its
// calls in flight at once, and the per-video events in job order.
import type { BoundedQueue } from "./bounded-queue.ts";
import type { StageClock } from "./stage-clock.ts";
import type { Embedded } from "./stage-items.ts";
import type { EmbeddedVideo, PipelineEvent, PipelineJob, VideoInfo } from "./types.ts";

/** Consume calls in flight at once beyond the oldest (journal and cache writes wait on fsync, not on the CPU). */
const WRITE_AHEAD = 3;

export interface ConsumeStageOptions<J extends PipelineJob> {
  consume(video: EmbeddedVideo<J>): Promise<void>;
  clock: StageClock;
  emit(event: PipelineEvent): void;
  /** Called, in job order, for each video that failed to decode. */
  onFailed(job: J, reason: string): void;
}

/** Duration of a video: the container's, or the span of the decoded frames when the container has none. */
function durationOf(info: VideoInfo, timestampsSec: readonly number[]): number {
  if (Number.isFinite(info.durationSec) && info.durationSec > 0) return info.durationSec;
  const last = timestampsSec[timestampsSec.length - 1] ?? 0;
  return last + (info.fps > 0 ? 1 / info.fps : 0);
}

/**
 * Hands each video of `input` that decoded to `consume` in job order (each call timed as "write"); up to
 * WRITE_AHEAD calls are in flight at once (each ends in an fsync-bound write), and events follow job order.
 * A rejected call fails the stage once the calls already started have settled (no write after return).
 */
export async function consumeStage<J extends PipelineJob>(
  input: BoundedQueue<Embedded<J>>,
  { consume, clock, emit, onFailed }: ConsumeStageOptions<J>,
): Promise<void> {
  const inFlight: { done: Promise<void>; after(): void }[] = [];
  const settleOldest = async () => {
    const oldest = inFlight.shift();
    if (!oldest) return;
    await oldest.done;
    oldest.after();
  };
  try {
    for await (const item of input) {
      const { job, info } = item;
      if (item.error !== null || info === null) {
        const reason = item.error ?? "unknown error";
        onFailed(job, reason);
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
        const done = clock.time("write", () => consume(video));
        // Observed in order by settleOldest; this only keeps a failure from being reported as unhandled first.
        done.catch(() => {});
        const frames = item.vectors.length;
        inFlight.push({ done, after: () => emit({ type: "video", id: job.id, ok: true, frames }) });
      }
      while (inFlight.length > WRITE_AHEAD) await settleOldest();
    }
    while (inFlight.length > 0) await settleOldest();
  } finally {
    await Promise.allSettled(inFlight.map((f) => f.done));
  }
}
