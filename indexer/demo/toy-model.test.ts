// The toy model directory: its tokenizer files agree with themselves and with Transformers.js, its
// towers keep CLIP's I/O contract, and drawn frames (no video codec) land on their captions.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { AutoTokenizer, env } from "@huggingface/transformers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { preprocessFrame } from "../../shared/image/preprocess.ts";
import type { ClipImageEncoder } from "../../shared/model/image-encoder.ts";
import type { ClipTextEncoder } from "../../shared/model/text-encoder.ts";
import type { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { cosine, dot } from "../../shared/vectors.ts";
import { resolveModelDir } from "../embed/model-dir.ts";
import { loadImageEncoder, loadTextEncoder } from "../embed/onnx-runtime.ts";
import { TOY_COLOURS, TOY_SHAPES, toyWordAxes } from "./toy-concepts.ts";
import { drawToyFrame } from "./toy-draw.ts";
import { TOY_MODEL_ID, writeToyModel } from "./toy-model.ts";
import { withArticle } from "./toy-video-plan.ts";

let dir: string;
let tokenizer: ClipTokenizer;
let text: ClipTextEncoder;
let image: ClipImageEncoder;

/** Embeds 320x240 frames through the CLIP preprocessing, as the indexer does. */
async function embedFrames(frames: Uint8Array[]): Promise<Float32Array[]> {
  const pixels = new Float32Array(frames.length * image.imageLength);
  frames.forEach((rgb, i) => {
    pixels.set(preprocessFrame(rgb, 320, 240), i * image.imageLength);
  });
  return image.encode(pixels, frames.length);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "toy-model-"));
  await writeToyModel(join(dir, "model"), { seed: 5 });
  const loaded = await loadTextEncoder(join(dir, "model"), { threads: 1 });
  tokenizer = loaded.tokenizer;
  text = loaded.encoder;
  image = (await loadImageEncoder(loaded.model, { threads: 1 })).encoder;
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("generate toy: model directory", () => {
  it("is a valid CLIP model directory with the toy id and dimension", () => {
    const model = resolveModelDir(join(dir, "model"));
    expect(model.id).toBe(TOY_MODEL_ID);
    expect(model.config.projectionDim).toBe(64);
    expect(model.config.contextLength).toBe(77);
    expect(model.config.preprocess.cropSize).toBe(224);
  });

  it("has <|startoftext|> and <|endoftext|> as its last two ids", async () => {
    const vocab: Record<string, number> = JSON.parse(
      await readFile(join(dir, "model", "vocab.json"), "utf8"),
    );
    const size = Object.keys(vocab).length;
    expect(new Set(Object.values(vocab)).size).toBe(size);
    expect(Math.max(...Object.values(vocab))).toBe(size - 1);
    expect([vocab["<|startoftext|>"], vocab["<|endoftext|>"]]).toEqual([size - 2, size - 1]);
    expect([tokenizer.startToken, tokenizer.endToken]).toEqual([size - 2, size - 1]);
  });

  it("tokenizes every toy word to one whole-word token", () => {
    for (const word of toyWordAxes().keys())
      expect({ word, ids: tokenizer.encodeWords(word).length }).toEqual({ word, ids: 1 });
  });

  it("gives the same ids as Transformers.js reading tokenizer.json", async () => {
    env.allowRemoteModels = false;
    env.localModelPath = dirname(join(dir, "model"));
    const reference = await AutoTokenizer.from_pretrained(basename(join(dir, "model")));
    for (const sentence of [
      "a red square then a Violet BALL!",
      "an unknown word: zebra 42",
      "  the   cyan disc ",
    ]) {
      const ids = (reference(sentence).input_ids.tolist() as bigint[][])[0].map(Number);
      expect(ids).toEqual(tokenizer.encode(sentence).ids);
    }
  });

  it("is deterministic for a seed and changes with it", async () => {
    const again = join(dir, "again");
    const other = join(dir, "other");
    await writeToyModel(again, { seed: 5 });
    await writeToyModel(other, { seed: 6 });
    const bytes = (root: string, tower: string) => readFile(join(root, "onnx", `${tower}_model.onnx`));
    for (const tower of ["text", "vision"]) {
      expect(Buffer.compare(await bytes(join(dir, "model"), tower), await bytes(again, tower))).toBe(0);
      expect(Buffer.compare(await bytes(join(dir, "model"), tower), await bytes(other, tower))).not.toBe(0);
    }
  });
});

describe("generate toy: text tower", () => {
  it("is a bag of words that ignores padding", async () => {
    const { vectors } = await text.encode([
      "a red square",
      "square red a",
      "a red square on a grey background",
    ]);
    expect(cosine(vectors[0], vectors[1])).toBeCloseTo(1, 5);
    // The long text pads the short ones in the batch; masked padding must not change them.
    const [alone] = (await text.encode(["a red square"])).vectors;
    expect(cosine(vectors[0], alone)).toBeCloseTo(1, 5);
    expect(cosine(vectors[0], vectors[2])).toBeLessThan(0.999);
  });

  it("maps synonyms to the same concept", async () => {
    const { vectors } = await text.encode(["a violet ball", "a purple circle", "a purple square"]);
    expect(cosine(vectors[0], vectors[1])).toBeCloseTo(1, 5);
    expect(cosine(vectors[1], vectors[2])).toBeLessThan(0.8);
  });
});

describe("generate toy: vision tower on drawn frames", () => {
  const pairs = TOY_COLOURS.flatMap((colour) => TOY_SHAPES.map((shape) => ({ colour, shape })));
  const captions = pairs.map(({ colour, shape }) => withArticle(`${colour.name} ${shape.name}`));

  it("puts every colour and shape nearest its own caption, at any size and position", async () => {
    const frames = pairs.map(({ colour, shape }, i) =>
      drawToyFrame(320, 240, 0.3 + (i % 5) * 0.1, {
        shape: shape.name,
        rgb: colour.rgb,
        centerX: 120 + ((i * 37) % 80),
        centerY: 90 + ((i * 23) % 60),
        radius: 28 + (i % 15),
      }),
    );
    const frameVectors = await embedFrames(frames);
    const { vectors } = await text.encode(captions);
    const nearest = frameVectors.map((frame) => {
      const scores = vectors.map((caption) => dot(caption, frame));
      return captions[scores.indexOf(Math.max(...scores))];
    });
    expect(nearest).toEqual(captions);
  });

  it("gives a blank grey frame no colour and no shape", async () => {
    const blank = new Uint8Array(320 * 240 * 3).fill(128);
    const [frame] = await embedFrames([blank]);
    const { vectors } = await text.encode(captions);
    for (const caption of vectors) expect(dot(caption, frame)).toBeLessThan(0.45);
  });
});
