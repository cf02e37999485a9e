// The CLIP graphs compute CLIP: ONNX Runtime's outputs match a plain-JS float64 forward pass written from
// the definition (test/clip-reference.ts), with every parameter random (LayerNorm and biases included).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { referenceImageEmbedding, referenceTextEmbedding } from "../../../test/clip-reference.ts";
import { createNodeSession, nodeOrt } from "../../embed/onnx-runtime.ts";
import { writeOnnxModel } from "../../onnx/write-model.ts";
import { fillNormal, tensorSeed } from "../random-weights.ts";
import { type ClipArch, type ParameterSource, TINY } from "./clip-arch.ts";
import { buildClipTextGraph } from "./clip-text-graph.ts";
import { buildClipVisionGraph } from "./clip-vision-graph.ts";

const dir = mkdtempSync(join(tmpdir(), "clip-graphs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const arch: ClipArch = {
  ...TINY,
  text: { ...TINY.text, vocabSize: 600, layers: 2, heads: 4 },
  vision: { ...TINY.vision, imageSize: 64, patchSize: 16, heads: 4 },
};

/** Every tensor random by name (LayerNorm scales around 1), so a mis-wired bias or scale shows. */
const params: ParameterSource = (name, dims) => {
  const values = fillNormal(new Float32Array(dims.reduce((a, b) => a * b, 1)), 0.1, tensorSeed(11, name));
  if (/(norm[12]?|layrnorm)\.weight$/.test(name)) for (let i = 0; i < values.length; i++) values[i] += 1;
  return values;
};

function normalized(v: ArrayLike<number>): number[] {
  const norm = Math.hypot(...Array.from(v));
  return Array.from(v, (x) => x / norm);
}

function rows(data: Float32Array, d: number): number[][] {
  return Array.from({ length: data.length / d }, (_, i) => normalized(data.subarray(i * d, (i + 1) * d)));
}

describe("CLIP ONNX graphs vs a JS reference", () => {
  it("text: causal attention and end-token pooling, padded with the end token (no mask input)", async () => {
    const path = join(dir, "text_model.onnx");
    writeOnnxModel(path, buildClipTextGraph(arch, params));
    const session = await createNodeSession(path, { threads: 1 });
    expect(session.inputNames).toEqual(["input_ids"]);
    expect(session.outputNames).toEqual(["text_embeds"]);
    // Two sequences of different lengths in one batch, padded with the end token (599) as HF does: the
    // causal mask keeps the padding from reaching the first end token, where the text is pooled.
    const sequences = [
      [598, 5, 17, 400, 33, 599],
      [598, 250, 3, 599],
    ];
    const length = 8;
    const ids = new BigInt64Array(2 * length).fill(599n);
    for (const [r, s] of sequences.entries())
      for (const [t, id] of s.entries()) ids[r * length + t] = BigInt(id);
    const out = await session.run({ input_ids: new nodeOrt.Tensor("int64", ids, [2, length]) });
    expect(out.text_embeds.dims).toEqual([2, arch.projectionDim]);
    const got = rows(out.text_embeds.data as Float32Array, arch.projectionDim);
    sequences.forEach((s, r) => {
      const want = normalized(referenceTextEmbedding(arch, params, s));
      for (let i = 0; i < want.length; i++) expect(got[r][i]).toBeCloseTo(want[i], 5);
    });
    await session.release();
  });

  it("vision: patch conv, class token, pre/post LayerNorm and projection", async () => {
    const path = join(dir, "vision_model.onnx");
    writeOnnxModel(path, buildClipVisionGraph(arch, params));
    const session = await createNodeSession(path, { threads: 1 });
    const side = arch.vision.imageSize;
    const pixels = fillNormal(new Float32Array(2 * 3 * side * side), 1, 5);
    const out = await session.run({
      pixel_values: new nodeOrt.Tensor("float32", pixels, [2, 3, side, side]),
    });
    expect(session.outputNames).toEqual(["image_embeds"]);
    expect(out.image_embeds.dims).toEqual([2, arch.projectionDim]);
    const got = rows(out.image_embeds.data as Float32Array, arch.projectionDim);
    for (let r = 0; r < 2; r++) {
      const image = pixels.subarray(r * 3 * side * side, (r + 1) * 3 * side * side);
      const want = normalized(referenceImageEmbedding(arch, params, image));
      for (let i = 0; i < want.length; i++) expect(got[r][i]).toBeCloseTo(want[i], 5);
    }
    await session.release();
  });
});
