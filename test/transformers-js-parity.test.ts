// The generated model directory is a real Hugging Face layout: Transformers.js (local files only) loads it
// with AutoTokenizer + CLIPTextModelWithProjection / CLIPVisionModelWithProjection and gets our ids and vectors.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  env,
  Tensor,
} from "@huggingface/transformers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillNormal } from "../indexer/demo/random-weights.ts";
import { loadImageEncoder, loadTextEncoder } from "../indexer/embed/onnx-runtime.ts";
import { fixtureModel } from "./fixtures/factory.ts";
import { hasSharedData, sharedPath } from "./shared-data.ts";

const root = mkdtempSync(join(tmpdir(), "transformers-js-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
env.allowRemoteModels = false;
env.localModelPath = `${root}/`;

const TEXTS = [
  "a man is driving a car",
  "Two dogs play in the snow!",
  "hello world",
  "it's 5 o'clock, isn't it?",
];

function normalizedRows(data: Float32Array, dims: number[]): Float32Array[] {
  return Array.from({ length: dims[0] }, (_, i) => {
    const row = data.slice(i * dims[1], (i + 1) * dims[1]);
    const norm = Math.hypot(...Array.from(row));
    return row.map((v) => v / norm);
  });
}

const vocabularies = [
  { name: "generated vocabulary", vocabDir: undefined as string | undefined, skip: false },
  { name: "CLIP vocabulary (../shared/clip)", vocabDir: sharedPath("clip"), skip: !hasSharedData },
];

describe.each(vocabularies)("Transformers.js on a tiny model with the $name", ({ vocabDir, skip }) => {
  const name = vocabDir ? "tiny-clip-vocab" : "tiny-generated-vocab";
  const dir = join(root, name);
  beforeAll(() => {
    if (!skip) fixtureModel({ kind: "random", arch: "tiny", dir, seed: 2, vocabDir });
  });

  it.skipIf(skip)("tokenizes like our tokenizer and embeds texts like our encoder (1e-5)", async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(name);
    const model = await CLIPTextModelWithProjection.from_pretrained(name);
    const inputs = tokenizer(TEXTS, { padding: true, truncation: true });
    const ours = await loadTextEncoder(dir, { threads: 1 });

    const theirIds = (inputs.input_ids.tolist() as bigint[][]).map((row) => row.map(Number));
    TEXTS.forEach((text, i) => {
      const ids = ours.tokenizer.encode(text).ids;
      expect(theirIds[i].slice(0, ids.length)).toEqual(ids);
      // Hugging Face pads with <|endoftext|>, as our encoder does.
      expect(theirIds[i].slice(ids.length).every((id) => id === ours.tokenizer.endToken)).toBe(true);
    });

    const { text_embeds } = await model(inputs);
    const theirs = normalizedRows(text_embeds.data as Float32Array, text_embeds.dims);
    const { vectors } = await ours.encoder.encode(TEXTS);
    for (let i = 0; i < TEXTS.length; i++)
      for (let j = 0; j < vectors[i].length; j++)
        expect(Math.abs(theirs[i][j] - vectors[i][j])).toBeLessThan(1e-5);
    await ours.encoder.release();
    await model.dispose();
  });

  it.skipIf(skip)("embeds images like our encoder (1e-5)", async () => {
    const model = await CLIPVisionModelWithProjection.from_pretrained(name);
    const pixels = fillNormal(new Float32Array(2 * 3 * 224 * 224), 1, 8);
    const { image_embeds } = await model({ pixel_values: new Tensor("float32", pixels, [2, 3, 224, 224]) });
    const theirs = normalizedRows(image_embeds.data as Float32Array, image_embeds.dims);
    const ours = await loadImageEncoder(dir, { threads: 1 });
    const vectors = await ours.encoder.encode(pixels, 2);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < vectors[i].length; j++)
        expect(Math.abs(theirs[i][j] - vectors[i][j])).toBeLessThan(1e-5);
    await ours.encoder.release();
    await model.dispose();
  });
});
