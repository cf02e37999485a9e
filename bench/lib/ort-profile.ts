// ONNX Runtime profile events (its Chrome-trace JSON, as onnxruntime-node writes to a file and
// onnxruntime-web prints at endProfiling) summarized by op type, per model run, warm-up runs left out.
import { round } from "./stats.ts";

/** One trace event of ONNX Runtime's profiler. */
export interface ProfileEvent {
  cat: string;
  name: string;
  /** Microseconds. */
  dur: number;
  ts: number;
  args?: { op_name?: string };
}

/** One op type's share of the kernel time. */
export interface OpProfile {
  op: string;
  msPerRun: number;
  share: number;
  nodesPerRun: number;
}

export interface ProfileSummary {
  /** Model runs counted (after the warm-up). */
  runs: number;
  /** Sum of node kernel times per run, ms. */
  kernelMsPerRun: number;
  /** ORT's own model_run duration per run (kernels + executor + input/output handling), ms. */
  modelRunMsPerRun: number;
  nodesPerRun: number;
  byOp: OpProfile[];
}

/** The events of onnxruntime-web's printed profile: one JSON object per line starting `{"cat"`. */
export function parsePrintedProfile(stdout: string): ProfileEvent[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith('{"cat"'))
    .map((line) => JSON.parse(line.trimEnd().replace(/,$/, "")) as ProfileEvent);
}

/** Kernel times by op type over the model runs after the first `warmupRuns`. */
export function summarizeProfile(events: readonly ProfileEvent[], warmupRuns: number): ProfileSummary {
  const runs = events
    .filter((event) => event.cat === "Session" && event.name === "model_run")
    .sort((a, b) => a.ts - b.ts)
    .slice(warmupRuns);
  const inRun = (event: ProfileEvent) =>
    runs.some((run) => event.ts >= run.ts && event.ts + event.dur <= run.ts + run.dur);
  const byOp = new Map<string, { us: number; nodes: number }>();
  let totalUs = 0;
  let nodes = 0;
  for (const event of events) {
    if (event.cat !== "Node" || !event.name.endsWith("_kernel_time") || !inRun(event)) continue;
    const op = event.args?.op_name ?? "?";
    const entry = byOp.get(op) ?? { us: 0, nodes: 0 };
    entry.us += event.dur;
    entry.nodes++;
    byOp.set(op, entry);
    totalUs += event.dur;
    nodes++;
  }
  const count = Math.max(1, runs.length);
  return {
    runs: runs.length,
    kernelMsPerRun: round(totalUs / 1000 / count),
    modelRunMsPerRun: round(runs.reduce((s, run) => s + run.dur, 0) / 1000 / count),
    nodesPerRun: round(nodes / count),
    byOp: [...byOp.entries()]
      .sort((a, b) => b[1].us - a[1].us)
      .map(([op, entry]) => ({
        op,
        msPerRun: round(entry.us / 1000 / count),
        share: round(entry.us / Math.max(1, totalUs)),
        nodesPerRun: round(entry.nodes / count),
      })),
  };
}
