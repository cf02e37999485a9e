// The browser's image encoder written by prepare-edge, on the upstream-made tiny CLIP exports (../shared/models):
// int8 measured in onnxruntime-web against the fp32 tower on the reference frames (PIL tensors and frames of
// ../shared/videos) and against PyTorch's embeddings, the fp32 fallback, edge.json's `vision`, the CLI's report.
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../shared/deployment/sha256.ts";
import { parseEdgeManifest } from "../../shared/model/edge-manifest.ts";
import { ClipImageEncoder } from "../../shared/model/image-encoder.ts";
import { npyToFloat32, parseNpy } from "../../shared/npy.ts";
import { cosine } from "../../shared/vectors.ts";
import { fixtureIndex } from "../../test/fixtures/factory.ts";
import { exportDir, readClipReference } from "../../test/hf-reference.ts";
import { runCli } from "../../test/indexer-fixtures.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { writeIndexAtomically } from "../index/writer.ts";
import { collectDeployment } from "../publish/deploy/collect-deployment.ts";
import { webOrt } from "./onnx-runtime-web.ts";
import { prepareEdgeModel } from "./prepare-edge-model.ts";
import { withVisionTower, writeVisionTower } from "./prepare-vision-tower.ts";
import { readFrameTensors } from "./verification-frames.ts";
import { openWebSession } from "./web-session.ts";

const EXPORTS = ["hf-tiny-clip", "optimum-tiny-clip"] as const;

describe.skipIf(!hasSharedData)("prepare-edge's vision tower (../shared/models)", () => {
  if (!hasSharedData) console.warn(`[skip] ${SHARED_DATA_SKIP_REASON}`);
  let work: string;
  /** The reference frames: the two PIL-preprocessed tensors, then 3 frames of each ../shared video. */
  let frames: Float32Array[];
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "vision-tower-"));
    const reference = readClipReference();
    frames = reference.images.map((image) => npyToFloat32(parseNpy(new Uint8Array(readFileSync(image.npy)))));
    for (const video of readdirSync(sharedPath("videos")).filter((name) => name.endsWith(".mp4"))) {
      const out = join(work, `frames-${video}`);
      const { code, stderr } = await runCli([
        "frames",
        sharedPath("videos", video),
        "--out",
        out,
        "--model",
        exportDir("hf-tiny-clip"),
        "--sample",
        "uniform:3",
      ]);
      expect(code, stderr).toBe(0);
      frames.push(...readFrameTensors(out, 224));
    }
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(EXPORTS)(
    "%s: int8 keeps cosine >= 0.99 to fp32 on the reference frames, one self-contained file",
    async (name) => {
      const model = withVisionTower(exportDir(name));
      expect(model).not.toBeNull();
      const dir = mkdtempSync(join(work, `${name}-`));
      const result = await writeVisionTower(model!, dir, { choice: "auto", minCosine: 0.99, frames });
      expect(result.tried.map((t) => t.dtype)).toEqual(["int8"]);
      const { tower } = result;
      expect(tower).toMatchObject({
        file: "vision_model.onnx",
        dtype: "int8",
        imageSize: 224,
        dimension: 32,
      });
      expect(tower.verifiedFrames).toBe(frames.length);
      expect(tower.cosineMin).toBeGreaterThanOrEqual(0.99);
      expect(readdirSync(dir)).toEqual(["vision_model.onnx"]);
      const bytes = new Uint8Array(readFileSync(join(dir, "vision_model.onnx")));
      expect([bytes.byteLength, await sha256Hex(bytes)]).toEqual([tower.bytes, tower.sha256]);
      const fp32 = await writeVisionTower(model!, mkdtempSync(join(work, `${name}-fp32-`)), {
        choice: "fp32",
        minCosine: 0.99,
        frames,
      });
      console.log(
        `${name} vision tower on ${frames.length} reference frames: int8 ${tower.bytes} bytes, min cosine ${tower.cosineMin.toFixed(5)} (mean ${tower.cosineMean.toFixed(5)}); fp32 ${fp32.tower.bytes} bytes, min cosine ${fp32.tower.cosineMin.toFixed(7)}`,
      );
      expect(fp32.tower.cosineMin).toBeGreaterThan(0.99999);
      expect(fp32.tower.bytes).toBeGreaterThan(tower.bytes);
    },
  );

  it("embeds the reference frames in onnxruntime-web as PyTorch does (int8: cosine >= 0.99)", async () => {
    const reference = readClipReference();
    const dir = mkdtempSync(join(work, "pytorch-"));
    const { tower } = await writeVisionTower(withVisionTower(exportDir("hf-tiny-clip"))!, dir, {
      choice: "int8",
      minCosine: 0.99,
    });
    const session = await openWebSession(webOrt, join(dir, tower.file));
    const encoder = new ClipImageEncoder(webOrt, session, {
      dimension: tower.dimension,
      imageSize: tower.imageSize,
    });
    try {
      for (const [i, image] of reference.images.entries()) {
        const [vector] = await encoder.encode(frames[i], 1);
        expect(cosine(vector, Float32Array.from(image.image_embeds))).toBeGreaterThanOrEqual(0.99);
      }
    } finally {
      await encoder.release();
    }
  });

  it("falls back to fp32 when int8 misses the floor, and refuses a chosen dtype below it", async () => {
    const model = withVisionTower(exportDir("hf-tiny-clip"))!;
    // A floor between int8's 0.9999x and fp32's ~1 - 1e-7 on these frames.
    const auto = await writeVisionTower(model, mkdtempSync(join(work, "fallback-")), {
      choice: "auto",
      minCosine: 0.999999,
      frames,
    });
    expect(auto.tried.map((t) => [t.dtype, t.passed])).toEqual([
      ["int8", false],
      ["fp32", true],
    ]);
    expect(auto.tower.dtype).toBe("fp32");
    const refused = mkdtempSync(join(work, "refused-"));
    await expect(
      writeVisionTower(model, refused, { choice: "int8", minCosine: 0.999999, frames }),
    ).rejects.toThrow(/image encoder does not reproduce .*int8 min cosine/);
    expect(existsSync(join(refused, "vision_model.onnx"))).toBe(false);
  });

  it("writes edge.json's vision section through prepare-edge, and none with --vision none", async () => {
    const out = join(work, "edge");
    const result = await prepareEdgeModel({
      modelDir: exportDir("optimum-tiny-clip"),
      outDir: out,
      table: "int8",
    });
    const manifest = parseEdgeManifest(JSON.parse(readFileSync(join(out, "edge.json"), "utf8")));
    expect(manifest.vision).toEqual(result.vision?.tower);
    expect(result.files["vision_model.onnx"]).toBe(manifest.vision?.bytes);
    // deploy collects it beside the text encoder, under the hash the vision route serves it by.
    const index = join(work, "index");
    const { id: modelId, dimension } = manifest.model;
    await writeIndexAtomically(
      index,
      fixtureIndex({ kind: "synthetic", videos: 2, dimension, captionsPerVideo: 1, modelId }),
    );
    const collect = () =>
      collectDeployment({ indexPrefix: "index/", modelPrefix: "model/", indexDir: index, edgeDir: out });
    const collected = await collect();
    await collected.cleanup();
    expect(collected.input.model["vision_model.onnx"]).toMatchObject({
      sha256: manifest.vision?.sha256,
      bytes: manifest.vision?.bytes,
    });
    appendFileSync(join(out, "vision_model.onnx"), "x");
    await expect(collect()).rejects.toThrow(
      /vision_model.onnx is missing or not the file edge.json describes/,
    );
    const without = await prepareEdgeModel({
      modelDir: exportDir("hf-tiny-clip"),
      outDir: join(work, "edge-none"),
      table: "int8",
      vision: "none",
    });
    expect([
      without.vision,
      without.manifest.vision,
      existsSync(join(work, "edge-none", "vision_model.onnx")),
    ]).toEqual([null, undefined, false]);
  });

  it("prints the vision tower's size and cosine, measured on --vision-frames", async () => {
    const frameDir = join(
      work,
      `frames-${readdirSync(sharedPath("videos")).filter((n) => n.endsWith(".mp4"))[0]}`,
    );
    const { code, stderr } = await runCli([
      "prepare-edge",
      "--model",
      exportDir("hf-tiny-clip"),
      "--out",
      join(work, "edge-cli"),
      "--vision-frames",
      frameDir,
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/vision tower int8 0\.\d MiB \(int8 0\.\d MiB min cosine 0\.99\d+; 3 frames\)/);
    const bad = await runCli([
      "prepare-edge",
      "--model",
      exportDir("hf-tiny-clip"),
      "--out",
      join(work, "x"),
      "--vision",
      "q4",
    ]);
    expect([bad.code, bad.stderr]).toEqual([
      2,
      expect.stringMatching(/--vision must be one of auto, int8, fp32, none/),
    ]);
  });
});
