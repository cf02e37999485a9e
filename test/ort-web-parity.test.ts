// onnxruntime-node (indexer) and onnxruntime-web (Worker; WASM, one thread, here in Node) give the same
// vectors through the same shared encoders, on a generated tiny CLIP.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillNormal } from "../indexer/demo/random-weights.ts";
import { loadImageEncoder, loadTextEncoder } from "../indexer/embed/onnx-runtime.ts";
import { ClipImageEncoder } from "../shared/model/image-encoder.ts";
import { ClipTextEncoder } from "../shared/model/text-encoder.ts";
import { fixtureModel } from "./fixtures/factory.ts";
import { createWebSession, webOrt } from "./ort-web-session.ts";

const dir = mkdtempSync(join(tmpdir(), "ort-web-"));
beforeAll(() => {
  fixtureModel({ kind: "random", arch: "tiny", dir, seed: 5 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TEXTS = ["a man is driving a car", "two dogs play in the snow", "hello", "a green circle moves up"];

describe("onnxruntime-node vs onnxruntime-web", () => {
  it("text vectors agree to 1e-5 (batched, padded to 77)", async () => {
    const node = await loadTextEncoder(dir, { threads: 1 });
    const web = new ClipTextEncoder(
      webOrt,
      await createWebSession(node.model.models.text!.path),
      node.tokenizer,
      {
        dimension: node.model.config.projectionDim,
        contextLength: node.model.config.contextLength,
      },
    );
    const a = await node.encoder.encode(TEXTS);
    const b = await web.encode(TEXTS);
    const ids = TEXTS.map((t) => node.tokenizer.encode(t).ids);
    const c = await web.encodeIds(ids, { padTo: 77 });
    for (let i = 0; i < TEXTS.length; i++) {
      for (let j = 0; j < a.vectors[i].length; j++) {
        expect(Math.abs(a.vectors[i][j] - b.vectors[i][j])).toBeLessThan(1e-5);
        expect(Math.abs(a.vectors[i][j] - c[i][j])).toBeLessThan(1e-5);
      }
    }
    await node.encoder.release();
    await web.release();
  });

  it("image vectors agree to 1e-5", async () => {
    const node = await loadImageEncoder(dir, { threads: 1 });
    const web = new ClipImageEncoder(webOrt, await createWebSession(node.model.models.vision!.path), {
      dimension: node.model.config.projectionDim,
      imageSize: node.model.config.preprocess.cropSize,
    });
    const pixels = fillNormal(new Float32Array(2 * 3 * 224 * 224), 1, 4);
    const a = await node.encoder.encode(pixels, 2);
    const b = await web.encode(pixels, 2);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < a[i].length; j++) expect(Math.abs(a[i][j] - b[i][j])).toBeLessThan(1e-5);
    await node.encoder.release();
    await web.release();
  });
});
