// The browser's image encoder of the random ViT-B/32 (real shapes: 87.8M vision parameters): int8 keeps cosine
// >= 0.99 to the fp32 tower in onnxruntime-web on the reference frames of ../shared and is about a quarter of it.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { npyToFloat32, parseNpy } from "../../shared/npy.ts";
import { fixtureModel } from "../../test/fixtures/factory.ts";
import { readClipReference } from "../../test/hf-reference.ts";
import { runCli } from "../../test/indexer-fixtures.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { withVisionTower, writeVisionTower } from "./prepare-vision-tower.ts";
import { readFrameTensors } from "./verification-frames.ts";

const SLOW = { timeout: 300_000 };

describe.skipIf(!hasSharedData)("random ViT-B/32 vision tower for the browser", SLOW, () => {
  if (!hasSharedData) console.warn(`[skip] ${SHARED_DATA_SKIP_REASON}`);
  const work = mkdtempSync(join(tmpdir(), "vision-b32-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(
    "int8: cosine >= 0.99 to fp32 on the reference frames, a quarter of the fp32 weights",
    SLOW,
    async () => {
      const dir = fixtureModel({ kind: "random", arch: "vit-b32", seed: 0, vocabDir: sharedPath("clip") });
      const frames = readClipReference().images.map((image) =>
        npyToFloat32(parseNpy(new Uint8Array(readFileSync(image.npy)))),
      );
      const video = readdirSync(sharedPath("videos")).filter((name) => name.endsWith(".mp4"))[0];
      const frameDir = join(work, "frames");
      const { code, stderr } = await runCli([
        "frames",
        sharedPath("videos", video),
        "--out",
        frameDir,
        "--model",
        dir,
        "--sample",
        "uniform:2",
      ]);
      expect(code, stderr).toBe(0);
      frames.push(...readFrameTensors(frameDir, 224));
      const { tower, tried } = await writeVisionTower(withVisionTower(dir)!, work, {
        choice: "auto",
        minCosine: 0.99,
        frames,
      });
      console.log(
        `random ViT-B/32 vision tower, ${frames.length} reference frames: int8 ${tower.bytes} bytes, min cosine ${tower.cosineMin.toFixed(5)} (mean ${tower.cosineMean.toFixed(5)})`,
      );
      expect(tried.map((t) => t.dtype)).toEqual(["int8"]);
      expect(tower).toMatchObject({ dtype: "int8", dimension: 512, imageSize: 224 });
      expect(tower.cosineMin).toBeGreaterThanOrEqual(0.99);
      // 87,849,216 float32 parameters are 351 MB; int8 MatMuls leave the patch conv and embeddings fp32.
      expect(tower.bytes).toBeLessThan(0.3 * 87_849_216 * 4);
    },
  );
});
