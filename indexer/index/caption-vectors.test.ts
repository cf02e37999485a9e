// captionVectors: stored vectors reused by text, only distinct new texts embedded (once), file order kept.
import { describe, expect, it } from "vitest";
import { captionVectors } from "./caption-vectors.ts";
import type { IndexData } from "./index-data.ts";

const previous = {
  manifest: { model: { dimension: 2 } },
  captions: [{ text: "a dog" }, { text: "a cat" }, { text: "a dog" }],
  captionVectors: new Float32Array([1, 0, 0, 1, 9, 9]),
} as unknown as IndexData;

describe("captionVectors", () => {
  const captions = [
    { videoId: "v1", text: "a cat" },
    { videoId: "v2", text: "a bird" },
    { videoId: "v1", text: "a dog" },
    { videoId: "v2", text: "a bird" },
  ];

  it("reuses stored vectors (the first row of a repeated text), embeds each new text once", async () => {
    const calls: string[][] = [];
    const { captionsOf, reusedCaptions } = await captionVectors(captions, previous, async (texts) => {
      calls.push(texts);
      return texts.map(() => new Float32Array([0.6, 0.8]));
    });
    expect(calls).toEqual([["a bird"]]);
    expect(reusedCaptions).toBe(2);
    const plain = (id: string) => captionsOf.get(id)?.map((c) => [c.text, [...c.vector]]);
    expect(plain("v1")).toEqual([
      ["a cat", [0, 1]],
      ["a dog", [1, 0]],
    ]);
    expect(plain("v2")).toEqual([
      ["a bird", [0.6000000238418579, 0.800000011920929]],
      ["a bird", [0.6000000238418579, 0.800000011920929]],
    ]);
  });

  it("embeds everything without a usable previous index, and nothing when there are no captions", async () => {
    const calls: string[][] = [];
    const embed = async (texts: string[]) => {
      calls.push(texts);
      return texts.map(() => new Float32Array([1, 0]));
    };
    expect((await captionVectors(captions, null, embed)).reusedCaptions).toBe(0);
    expect(await captionVectors([], null, embed)).toEqual({ captionsOf: new Map(), reusedCaptions: 0 });
    expect(calls).toEqual([["a cat", "a bird", "a dog"]]);
  });
});
