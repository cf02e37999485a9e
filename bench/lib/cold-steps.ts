// The cold start's steps as the worker timed them (health's encoder and index load checkpoints) on one
// timeline: the two loads run concurrently on the isolate's one thread, so a step's duration includes the
// other load's work that ran meanwhile, and only the common timeline shows what waited for what.
import type { LoadMemory } from "../../worker/encoder/load-memory.ts";

/** One step: which load, the checkpoint that ended it, when (since the first load began), and its length. */
export interface ColdStep {
  load: "encoder" | "index";
  name: string;
  /** Milliseconds from the start of the earlier of the two loads to this checkpoint. */
  atMs: number;
  /** Milliseconds since this load's previous checkpoint (its start for the first). */
  stepMs: number;
}

/** Both loads' checkpoints merged in time order; a load that was not reported contributes nothing. */
export function coldSteps(
  encoder: LoadMemory | null | undefined,
  index: LoadMemory | null | undefined,
): ColdStep[] {
  const loads = [
    { load: "encoder" as const, memory: encoder },
    { load: "index" as const, memory: index },
  ].filter((entry): entry is { load: "encoder" | "index"; memory: LoadMemory } => Boolean(entry.memory));
  if (loads.length === 0) return [];
  const origin = Math.min(...loads.map(({ memory }) => memory.startedAtEpochMs));
  const steps = loads.flatMap(({ load, memory }) =>
    memory.checkpoints.map((checkpoint, i) => ({
      load,
      name: checkpoint.name,
      atMs: memory.startedAtEpochMs - origin + checkpoint.atMs,
      stepMs: checkpoint.atMs - (i > 0 ? memory.checkpoints[i - 1].atMs : 0),
    })),
  );
  return steps.sort((a, b) => a.atMs - b.atMs);
}
