// The pipeline fills inference batches across videos; that is only sound if ONNX Runtime computes each
// row of a batch independently of the other rows. Pinned here with the real runtime on a random CLIP
// vision tower (the bench checks the same on ViT-B/32: bench/sections/indexing.ts, rowsIndependent).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrng } from "../../shared/prng.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { type ImageTower, loadImageTower } from "./clip-towers.ts";
import { resolveModelDir } from "./model-dir.ts";

const IMAGES = 7;

let tower: ImageTower;
let size = 0;
let pixels: Float32Array;

beforeAll(async () => {
  const dir = fixtureModel({ kind: "random", arch: "tiny", seed: 0 });
  const model = resolveModelDir(dir, { towers: ["vision"] });
  tower = await loadImageTower(model, { device: "cpu", threads: 2 });
  size = 3 * model.config.preprocess.cropSize ** 2;
  const random = createPrng(11);
  pixels = Float32Array.from({ length: size * IMAGES }, () => random.next() * 4 - 2);
});
afterAll(async () => {
  await tower?.release();
});

/** Embeds images `order` in batches of the given sizes; vectors by image index. */
async function embedIn(order: number[], batches: number[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  let at = 0;
  for (const count of batches) {
    const input = new Float32Array(size * count);
    for (let i = 0; i < count; i++)
      input.set(pixels.subarray(order[at + i] * size, (order[at + i] + 1) * size), i * size);
    const vectors = await tower.embedder.embed(input, count);
    vectors.forEach((vector, i) => {
      out[order[at + i]] = vector;
    });
    at += count;
  }
  return out;
}

describe("image tower batches", () => {
  it("gives every image the same bits whatever the batch around it", async () => {
    const ids = [...Array(IMAGES).keys()];
    const alone = await embedIn(ids, Array(IMAGES).fill(1));
    expect(alone[0].some((v) => v !== 0)).toBe(true);
    for (const [order, batches] of [
      [ids, [IMAGES]],
      [ids, [3, 4]],
      [
        [6, 2, 4, 0, 5, 1, 3],
        [2, 5],
      ],
    ] as const) {
      const got = await embedIn([...order], [...batches]);
      for (const i of ids)
        expect(Array.from(got[i]), `image ${i}, batches ${batches}`).toEqual(Array.from(alone[i]));
    }
  });
});
