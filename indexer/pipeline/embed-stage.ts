// The frame pipeline's embed stage: frames in batches that may span videos, each video handed on whole
// (its vectors and timestamps) once all its frames are embedded.
import type { BoundedQueue } from "./bounded-queue.ts";
import type { StageClock } from "./stage-clock.ts";
import type { Embedded, Prepared, VideoEnd } from "./stage-items.ts";
import type { FrameEmbedder, PipelineJob } from "./types.ts";

export interface EmbedStageOptions {
  embedder: FrameEmbedder;
  /** Frames per inference call (see PipelineOptions.batchSize). */
  batchSize: number;
  clock: StageClock;
  /** Called after each inference call with the frames it embedded. */
  onEmbedded(count: number): void;
}

/**
 * Embeds frames in batches of `batchSize` that may span videos; a video's item goes on once all its
 * frames are embedded (videos stay in job order). Frames of a video that failed are dropped. Closes `out`.
 */
export async function embedStage<J extends PipelineJob>(
  input: BoundedQueue<Prepared<J>>,
  out: BoundedQueue<Embedded<J>>,
  { embedder, batchSize, clock, onEmbedded }: EmbedStageOptions,
): Promise<void> {
  type Pending = { job: J; timestampSec: number; pixels: Float32Array };
  let pending: Pending[] = [];
  const perJob = new Map<J, { vectors: Float32Array[]; timestampsSec: number[] }>();
  const ends: VideoEnd<J>[] = [];
  let batch: Float32Array | null = null;
  const flush = async () => {
    if (pending.length === 0) return;
    const size = pending[0].pixels.length;
    if (!batch || batch.length !== size * batchSize) batch = new Float32Array(size * batchSize);
    for (const [i, p] of pending.entries()) batch.set(p.pixels, i * size);
    const input = pending.length === batchSize ? batch : batch.subarray(0, size * pending.length);
    const vectors = await clock.time("embed", () => embedder.embed(input, pending.length));
    for (const [i, p] of pending.entries()) {
      const frames = perJob.get(p.job);
      frames?.vectors.push(vectors[i]);
      frames?.timestampsSec.push(p.timestampSec);
    }
    onEmbedded(pending.length);
    pending = [];
  };
  const passEnds = async () => {
    for (const { kind: _, ...end } of ends.splice(0)) {
      const frames = perJob.get(end.job) ?? { vectors: [], timestampsSec: [] };
      perJob.delete(end.job);
      const ok = end.error === null;
      await out.push({
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
  for await (const item of input) {
    take(item);
    if (pending.length === batchSize) await flush();
    if (pending.length === 0) await passEnds();
  }
  await flush();
  await passEnds();
  out.close();
}
