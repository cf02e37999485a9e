// Captions files (--captions): CSV/TSV/JSON pairs of video id and text, and their one-line refusals.
import { describe, expect, it } from "vitest";
import { parseCaptions } from "./captions-file.ts";

describe("parseCaptions", () => {
  it.each([
    ["c.csv", 'video_id,caption\nv1,a dog runs\nv1,"a dog, running"\nv2,a cat\n'],
    ["c.tsv", "id\tsentence\nv1\ta dog runs\nv1\ta dog, running\nv2\ta cat\n"],
    ["c.tsv", "v1\ta dog runs\nv1\ta dog, running\nv2\ta cat\n"],
    ["c.json", JSON.stringify({ v1: ["a dog runs", "a dog, running"], v2: "a cat" })],
    [
      "c.json",
      JSON.stringify([
        { video_id: "v1", caption: "a dog runs" },
        { video: "v1", text: "a dog, running" },
        { id: "v2", sentence: "a cat" },
      ]),
    ],
  ])("reads %s", (file, text) => {
    expect(parseCaptions(text, file)).toEqual([
      { videoId: "v1", text: "a dog runs" },
      { videoId: "v1", text: "a dog, running" },
      { videoId: "v2", text: "a cat" },
    ]);
  });

  it("names the bad row", () => {
    expect(() => parseCaptions("video_id,caption\nv1,\n", "c.csv")).toThrow(/c.csv: row 2 needs/);
    expect(() => parseCaptions("[1]", "c.json")).toThrow(/entry 0 is not an object/);
  });
});
