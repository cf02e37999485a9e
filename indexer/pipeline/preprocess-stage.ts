// The frame pipeline's preprocess stage: each decoded frame -> the model's input pixels. A frame that fails
// fails its video (the rest of its frames are dropped, its "end" carries the reason).
import type { BoundedQueue } from "./bounded-queue.ts";
import type { StageClock } from "./stage-clock.ts";
import { type Decoded, type Prepared, reasonOf } from "./stage-items.ts";
import type { PipelineJob, Preprocess } from "./types.ts";

/** Preprocesses `input` into `out` in order; closes `out` when done. */
export async function preprocessStage<J extends PipelineJob>(
  input: BoundedQueue<Decoded<J>>,
  out: BoundedQueue<Prepared<J>>,
  { preprocess, clock }: { preprocess: Preprocess; clock: StageClock },
): Promise<void> {
  let failedJob: J | null = null;
  let failure: string | null = null;
  for await (const item of input) {
    if (item.kind === "end") {
      await out.push(item.job === failedJob && item.error === null ? { ...item, error: failure } : item);
      continue;
    }
    if (item.job === failedJob) continue;
    let pixels: Float32Array;
    try {
      pixels = await clock.time("preprocess", () => preprocess(item.frame));
    } catch (cause) {
      failedJob = item.job;
      failure = `frame ${item.frame.index} could not be preprocessed: ${reasonOf(cause)}`;
      continue;
    }
    await out.push({ kind: "frame", job: item.job, timestampSec: item.frame.timestampSec, pixels });
  }
  out.close();
}
