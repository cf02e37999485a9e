// The shared text and image encoders on onnxruntime-node, on a generated tiny CLIP: normalized vectors,
// padding invariance (alone = in a batch = padded to 77), input checks, and the CUDA error.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../shared/errors.ts";
import type { ClipImageEncoder } from "../../shared/model/image-encoder.ts";
import type { ClipTextEncoder } from "../../shared/model/text-encoder.ts";
import type { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { fillNormal } from "../demo/random-weights.ts";
import {
  createNodeSession,
  cudaProviderInstalled,
  loadImageEncoder,
  loadTextEncoder,
} from "./onnx-runtime.ts";

const dir = mkdtempSync(join(tmpdir(), "onnx-runtime-"));
let text: ClipTextEncoder;
let tokenizer: ClipTokenizer;
let image: ClipImageEncoder;

beforeAll(async () => {
  fixtureModel({ kind: "random", arch: "tiny", dir, seed: 1 });
  ({ encoder: text, tokenizer } = await loadTextEncoder(dir, { threads: 1, batchSize: 3 }));
  ({ encoder: image } = await loadImageEncoder(dir, { threads: 1 }));
});
afterAll(async () => {
  await text?.release();
  await image?.release();
  rmSync(dir, { recursive: true, force: true });
});

const TEXTS = [
  "a man is driving a car",
  "two dogs play in the snow",
  "hello",
  "a cartoon of a blue diamond moving left on a grey background",
  "people",
];

function maxDiff(a: Float32Array, b: Float32Array): number {
  return Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i])));
}

function norm(v: Float32Array): number {
  return Math.hypot(...Array.from(v));
}

describe("ClipTextEncoder (onnxruntime-node)", () => {
  it("returns unit vectors of the model's dimension, and different texts differ", async () => {
    const { vectors, truncated } = await text.encode(TEXTS);
    expect(vectors).toHaveLength(TEXTS.length);
    expect(truncated).toEqual(TEXTS.map(() => false));
    for (const v of vectors) {
      expect(v).toHaveLength(32);
      expect(norm(v)).toBeCloseTo(1, 6);
    }
    expect(maxDiff(vectors[0], vectors[1])).toBeGreaterThan(0.01);
  });

  it("gives the same vector alone, in a padded batch, and padded to 77 (causal + padding mask)", async () => {
    const ids = TEXTS.map((t) => tokenizer.encode(t).ids);
    const batched = await text.encodeIds(ids);
    const padded = await text.encodeIds(ids, { padTo: 77 });
    for (let i = 0; i < ids.length; i++) {
      const [alone] = await text.encodeIds([ids[i]]);
      expect(maxDiff(alone, batched[i])).toBeLessThan(1e-5);
      expect(maxDiff(alone, padded[i])).toBeLessThan(1e-5);
    }
  });

  it("flags texts cut to the context length", async () => {
    const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(" ");
    const { vectors, truncated } = await text.encode([long, "short"]);
    expect(truncated).toEqual([true, false]);
    expect(vectors[0]).toHaveLength(32);
  });

  it.each([
    [[[2046, 7, 2047]], { padTo: 78 }, /padTo must be an integer <= 77/],
    [[Array.from({ length: 78 }, () => 5)], {}, /has 78 ids; expected 2\.\.77/],
    [[[5]], {}, /has 1 ids/],
    [[[5, 2048]], {}, /holds id 2048, outside the vocabulary/],
    [[[5, -1]], {}, /holds id -1/],
  ])("rejects %j %j", async (ids, options, message) => {
    await expect(text.encodeIds(ids, options)).rejects.toThrow(InputError);
    await expect(text.encodeIds(ids, options)).rejects.toThrow(message);
  });
});

describe("ClipImageEncoder (onnxruntime-node)", () => {
  it("encodes a batch into unit vectors, each equal to encoding the image alone", async () => {
    const side = 224 * 224 * 3;
    const pixels = fillNormal(new Float32Array(3 * side), 1, 9);
    const batch = await image.encode(pixels, 3);
    expect(batch).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      expect(norm(batch[i])).toBeCloseTo(1, 6);
      const [alone] = await image.encode(pixels.slice(i * side, (i + 1) * side), 1);
      expect(maxDiff(alone, batch[i])).toBeLessThan(1e-5);
    }
    expect(maxDiff(batch[0], batch[1])).toBeGreaterThan(0.01);
  });

  it("rejects a pixel buffer of the wrong size", async () => {
    await expect(image.encode(new Float32Array(100), 1)).rejects.toThrow(
      /expected 1 x 3 x 224 x 224 floats, got 100/,
    );
  });
});

describe("execution providers", () => {
  // onnxruntime-node has its CUDA provider only after `ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild`.
  it.skipIf(cudaProviderInstalled())("explains how to install CUDA support when it is missing", async () => {
    const load = createNodeSession(join(dir, "onnx", "text_model.onnx"), { executionProvider: "cuda" });
    await expect(load).rejects.toThrow(InputError);
    await expect(
      createNodeSession(join(dir, "onnx", "text_model.onnx"), { executionProvider: "cuda" }),
    ).rejects.toThrow(/ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node/);
  });
});
