// The caption cache: a hit only for the same model file and the same caption list; damage is a miss.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CaptionCacheKey, loadCaptionVectors, saveCaptionVectors } from "./caption-cache.ts";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "caption-cache-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const key: CaptionCacheKey = {
  model: { id: "toy-clip", file: "/m/text_model.onnx", sizeBytes: 5, mtimeMs: 1 },
  texts: ["a red square", "a blue circle"],
};
const vectors = Float32Array.from([1, 0, 0, 1]);

describe("caption cache", () => {
  it("returns the saved vectors for the same key only", async () => {
    expect(await loadCaptionVectors(dir, key, 2)).toBeNull();
    await saveCaptionVectors(dir, key, vectors, 2);
    expect(await loadCaptionVectors(dir, key, 2)).toEqual(vectors);
    expect(await loadCaptionVectors(dir, { ...key, texts: ["a red square"] }, 2)).toBeNull();
    expect(await loadCaptionVectors(dir, { ...key, model: { ...key.model, mtimeMs: 2 } }, 2)).toBeNull();
    expect(await loadCaptionVectors(dir, key, 4)).toBeNull();
  });

  it("treats a damaged file as a miss", async () => {
    const [file] = await readdir(join(dir, "captions"));
    await writeFile(join(dir, "captions", file), "damaged");
    expect(await loadCaptionVectors(dir, key, 2)).toBeNull();
  });
});
