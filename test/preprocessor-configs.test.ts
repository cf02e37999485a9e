// parsePreprocessorConfig on preprocessor_config.json files as exporters write them: the upstream-made tiny
// CLIP exports in ../shared/models (Transformers.js and optimum layouts) and the demo's generated models.
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeModelConfigFiles } from "../indexer/demo/model-config-files.ts";
import { resolveModelDir } from "../indexer/embed/model-dir.ts";
import { CLIP_PREPROCESS } from "../shared/image/preprocess.ts";
import { parsePreprocessorConfig } from "../shared/image/preprocessor-config.ts";
import { exportDir } from "./hf-reference.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON } from "./shared-data.ts";

const CLIP_224 = { ...CLIP_PREPROCESS, mean: [...CLIP_PREPROCESS.mean], std: [...CLIP_PREPROCESS.std] };

describe.skipIf(!hasSharedData)(
  `upstream exports' preprocessor_config.json (${hasSharedData ? "../shared/models" : SHARED_DATA_SKIP_REASON})`,
  () => {
    it.each(["hf-tiny-clip", "optimum-tiny-clip"] as const)(
      "%s: CLIP's bicubic 224 resize, 224 crop and mean/std, as read directly and by the model loader",
      (name) => {
        const json = JSON.parse(readFileSync(join(exportDir(name), "preprocessor_config.json"), "utf8"));
        // The exporter writes every switch and the filter, so each refusal rule is exercised on real values.
        expect(json).toMatchObject({
          do_resize: true,
          do_center_crop: true,
          resample: 3,
          do_normalize: true,
        });
        expect(parsePreprocessorConfig(json, 224)).toEqual(CLIP_224);
        expect(resolveModelDir(exportDir(name), { towers: [] }).config.preprocess).toEqual(CLIP_224);
      },
    );
  },
);

describe("the demo's generated preprocessor_config.json", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "preprocessor-configs-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([224, 64])(
    "maps back to the %i-pixel CLIP preprocessing it was written from",
    async (imageSize) => {
      writeModelConfigFiles(dir, { projection_dim: 32 }, imageSize);
      const json = JSON.parse(await readFile(join(dir, "preprocessor_config.json"), "utf8"));
      expect(parsePreprocessorConfig(json, 1)).toEqual({
        ...CLIP_224,
        shortestEdge: imageSize,
        cropSize: imageSize,
      });
    },
  );
});
