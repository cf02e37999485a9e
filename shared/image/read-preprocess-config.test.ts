// readPreprocessConfig, the one check of edge.json's and GET /api/model/vision's `preprocess`: a valid value
// read as a fresh four-field object, and each bad field refused by name, first bad field first.
import { describe, expect, it } from "vitest";
import { CLIP_PREPROCESS } from "./preprocess.ts";
import { readPreprocessConfig } from "./read-preprocess-config.ts";

const refuse = (problem: string): never => {
  throw new Error(problem);
};

describe("readPreprocessConfig", () => {
  it("reads a valid value as a fresh object holding only the four fields", () => {
    const json = JSON.parse(JSON.stringify({ ...CLIP_PREPROCESS, extra: true }));
    const config = readPreprocessConfig(json, "preprocess", refuse);
    expect(config).toEqual(CLIP_PREPROCESS);
    expect(config).not.toBe(json);
    expect(config.mean).not.toBe(json.mean);
  });

  it.each([
    ["not an object", [224], "preprocess must be an object"],
    ["null", null, "preprocess must be an object"],
    [
      "a zero size",
      { ...CLIP_PREPROCESS, shortestEdge: 0 },
      "preprocess.shortestEdge must be a positive integer",
    ],
    [
      "a fractional crop",
      { ...CLIP_PREPROCESS, cropSize: 22.5 },
      "preprocess.cropSize must be a positive integer",
    ],
    [
      "a missing crop",
      { ...CLIP_PREPROCESS, cropSize: undefined },
      "preprocess.cropSize must be a positive integer",
    ],
    ["a mean of 2 numbers", { ...CLIP_PREPROCESS, mean: [0.5, 0.5] }, "preprocess.mean must be 3 numbers"],
    ["a string in std", { ...CLIP_PREPROCESS, std: [0.2, "0.2", 0.2] }, "preprocess.std[1] must be a number"],
    [
      "a non-finite mean",
      { ...CLIP_PREPROCESS, mean: [0.5, 0.5, Number.NaN] },
      "preprocess.mean[2] must be a number",
    ],
    [
      "two bad fields (the first is named)",
      { ...CLIP_PREPROCESS, shortestEdge: -1, std: [] },
      "preprocess.shortestEdge must be a positive integer",
    ],
  ])("refuses %s", (_, value, problem) => {
    expect(() => readPreprocessConfig(value, "preprocess", refuse)).toThrow(new Error(problem));
  });

  it("names the field as the caller does", () => {
    expect(() => readPreprocessConfig({ ...CLIP_PREPROCESS, mean: 1 }, "vision.preprocess", refuse)).toThrow(
      "vision.preprocess.mean must be 3 numbers",
    );
  });
});
