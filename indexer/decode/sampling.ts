// Which decoded frames to keep (`--sample`): every frame, N per second, N spread over the video, or
// an explicit list. Selection runs on the decoded stream in decode order, so frame indices always
// mean "the i-th decoded frame" (0-based), whatever the sampling. Timestamps are each frame's own pts,
// so fps:N and uniform:N are also right for variable-frame-rate video.
import { InputError } from "../../shared/errors.ts";

/** A parsed `--sample` value. */
export type Sampling =
  | { kind: "all" }
  /** At most `perSecond` frames per second of video time. */
  | { kind: "fps"; perSecond: number }
  /** `count` frames spread evenly over the duration. */
  | { kind: "uniform"; count: number }
  /** Explicit 0-based decode-order indices, sorted, unique. */
  | { kind: "frames"; indices: number[] };

export const SAMPLING_SYNTAX = "all | fps:N | uniform:N | frames:i,j,...";

function bad(text: string, why: string): never {
  throw new InputError("bad_sampling", `bad --sample "${text}": ${why} (expected ${SAMPLING_SYNTAX})`);
}

/** Parses `all`, `fps:N` (N > 0, may be fractional), `uniform:N` (integer >= 1), `frames:i,j,...`. */
export function parseSampling(text: string): Sampling {
  const trimmed = text.trim();
  if (trimmed === "all") return { kind: "all" };
  const colon = trimmed.indexOf(":");
  if (colon < 0) bad(text, "unknown mode");
  const mode = trimmed.slice(0, colon);
  const value = trimmed.slice(colon + 1).trim();
  if (mode === "fps") {
    const perSecond = Number(value);
    if (value === "" || !Number.isFinite(perSecond) || perSecond <= 0) bad(text, "N must be a number > 0");
    return { kind: "fps", perSecond };
  }
  if (mode === "uniform") {
    const count = Number(value);
    if (!/^\d+$/.test(value) || count < 1) bad(text, "N must be an integer >= 1");
    return { kind: "uniform", count };
  }
  if (mode === "frames") {
    const parts = value.split(",").map((part) => part.trim());
    if (parts.some((part) => !/^\d+$/.test(part))) bad(text, "indices must be integers >= 0");
    const indices = [...new Set(parts.map(Number))].sort((a, b) => a - b);
    if (indices.some((i) => !Number.isSafeInteger(i))) bad(text, "index too large");
    return { kind: "frames", indices };
  }
  return bad(text, `unknown mode "${mode}"`);
}

/** Formats a Sampling back to its `--sample` text. */
export function formatSampling(sampling: Sampling): string {
  switch (sampling.kind) {
    case "all":
      return "all";
    case "fps":
      return `fps:${sampling.perSecond}`;
    case "uniform":
      return `uniform:${sampling.count}`;
    case "frames":
      return `frames:${sampling.indices.join(",")}`;
  }
}

/** Timestamps within this many seconds count as equal (pts are rationals printed as doubles). */
const TIME_EPSILON_SEC = 1e-6;

/** Decides frame by frame, in decode order, which frames to keep. */
export interface FrameSelector {
  /** True to keep decoded frame `index` shown at `timestampSec` (call once per frame, in order). */
  keep(index: number, timestampSec: number): boolean;
  /** True once no later frame can be kept (the decoder may stop early). */
  readonly done: boolean;
}

/**
 * Keeps, for each target time in increasing order, the first decoded frame whose timestamp is at or
 * after it; a frame covering several targets is kept once (no duplicates, so fps:N above the native
 * rate yields every frame, never repeats).
 */
function targetSelector(targetAt: (k: number) => number, targetCount: number): FrameSelector {
  let next = 0;
  return {
    keep(_index, timestampSec) {
      if (next >= targetCount || timestampSec + TIME_EPSILON_SEC < targetAt(next)) return false;
      while (next < targetCount && targetAt(next) <= timestampSec + TIME_EPSILON_SEC) next++;
      return true;
    },
    get done() {
      return next >= targetCount;
    },
  };
}

/**
 * Builds the selector of `sampling`. `durationSec` (from probeVideo) places uniform targets:
 * target k of N is at `durationSec * (k + 0.5) / N` (segment centres). fps:N targets are k / N.
 */
export function createFrameSelector(sampling: Sampling, durationSec: number): FrameSelector {
  switch (sampling.kind) {
    case "all":
      return { keep: () => true, done: false };
    case "fps":
      return targetSelector((k) => k / sampling.perSecond, Number.POSITIVE_INFINITY);
    case "uniform":
      return targetSelector((k) => (durationSec * (k + 0.5)) / sampling.count, sampling.count);
    case "frames": {
      const wanted = new Set(sampling.indices);
      const last = sampling.indices[sampling.indices.length - 1] ?? -1;
      let seen = -1;
      return {
        keep(index) {
          seen = index;
          return wanted.has(index);
        },
        get done() {
          return seen >= last;
        },
      };
    }
  }
}
