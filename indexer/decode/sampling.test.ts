// Sampling specs: parse and format round trips, one-line refusals, and which decoded frames each spec keeps.
import { describe, expect, it } from "vitest";
import { isInputError } from "../../shared/errors.ts";
import { createFrameSelector, formatSampling, parseSampling, type Sampling } from "./sampling.ts";

describe("parseSampling", () => {
  it.each<[string, Sampling]>([
    ["all", { kind: "all" }],
    [" all ", { kind: "all" }],
    ["fps:1", { kind: "fps", perSecond: 1 }],
    ["fps:0.5", { kind: "fps", perSecond: 0.5 }],
    ["uniform:8", { kind: "uniform", count: 8 }],
    ["frames:29,0,29,3", { kind: "frames", indices: [0, 3, 29] }],
    ["frames: 5 , 7", { kind: "frames", indices: [5, 7] }],
  ])("parses %j", (text, expected) => {
    expect(parseSampling(text)).toEqual(expected);
    expect(parseSampling(formatSampling(expected))).toEqual(expected);
  });

  it.each([
    "",
    "every",
    "fps:",
    "fps:0",
    "fps:-1",
    "fps:abc",
    "uniform:0",
    "uniform:2.5",
    "frames:",
    "frames:1,,2",
    "frames:-1",
    "frames:a",
    "kmeans:3",
  ])("rejects %j with a one-line InputError", (text) => {
    let error: unknown;
    try {
      parseSampling(text);
    } catch (caught) {
      error = caught;
    }
    expect(isInputError(error)).toBe(true);
    expect((error as Error).message).toContain("--sample");
    expect((error as Error).message).not.toContain("\n");
  });
});

/** Indices kept from `count` frames at `fps`, fed in decode order until the selector is done. */
function select(sampling: Sampling, count: number, fps: number, durationSec = count / fps): number[] {
  const selector = createFrameSelector(sampling, durationSec);
  const kept: number[] = [];
  for (let i = 0; i < count && !selector.done; i++) if (selector.keep(i, i / fps)) kept.push(i);
  return kept;
}

describe("createFrameSelector", () => {
  it("all keeps every frame and never finishes early", () => {
    expect(select({ kind: "all" }, 5, 25)).toEqual([0, 1, 2, 3, 4]);
  });

  it("fps:N keeps the first frame at or after each k/N seconds", () => {
    expect(select({ kind: "fps", perSecond: 1 }, 56, 25)).toEqual([0, 25, 50]);
    expect(select({ kind: "fps", perSecond: 10 }, 10, 25)).toEqual([0, 3, 5, 8]);
    // Timestamps that are multiples of 1/N in floating point (0.1 * 3 != 0.3) still match their target.
    expect(select({ kind: "fps", perSecond: 10 }, 30, 10)).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });

  it("fps:N above the frame rate keeps each frame once", () => {
    expect(select({ kind: "fps", perSecond: 100 }, 6, 25)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("uniform:N keeps the frames at the centres of N equal segments", () => {
    expect(select({ kind: "uniform", count: 4 }, 56, 25, 2.23)).toEqual([7, 21, 35, 49]);
    expect(select({ kind: "uniform", count: 1 }, 56, 25, 2.24)).toEqual([28]);
    // More targets than frames: no duplicates (targets 0.15, 0.45, 0.75 s all fall to frame 1 at 1 s).
    expect(select({ kind: "uniform", count: 10 }, 3, 1)).toEqual([1, 2]);
  });

  it("uniform:N is done after its last target, so decoding can stop", () => {
    const selector = createFrameSelector({ kind: "uniform", count: 2 }, 4);
    const kept = [0, 1, 2, 3].filter((i) => selector.keep(i, i));
    expect(kept).toEqual([1, 3]);
    expect(selector.done).toBe(true);
  });

  it("frames:i,j keeps those decode indices and is done after the largest", () => {
    const selector = createFrameSelector({ kind: "frames", indices: [0, 29] }, 2.23);
    const kept: number[] = [];
    for (let i = 0; i < 56 && !selector.done; i++) if (selector.keep(i, i / 25)) kept.push(i);
    expect(kept).toEqual([0, 29]);
    expect(selector.done).toBe(true);
  });
});
