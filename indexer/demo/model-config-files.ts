// Writes a generated model directory's config.json and preprocessor_config.json (Hugging Face layout).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLIP_PREPROCESS } from "../../shared/image/preprocess.ts";

/** The files writeModelConfigFiles writes, relative to the model directory. */
export const MODEL_CONFIG_FILES = ["config.json", "preprocessor_config.json"] as const;

/** preprocessor_config.json of openai/clip-vit-base-patch32 (resize shorter side, center crop). */
function clipPreprocessorJson(imageSize: number): unknown {
  return {
    crop_size: { height: imageSize, width: imageSize },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: CLIP_PREPROCESS.mean,
    image_std: CLIP_PREPROCESS.std,
    image_processor_type: "CLIPImageProcessor",
    feature_extractor_type: "CLIPFeatureExtractor",
    resample: 3,
    rescale_factor: 1 / 255,
    size: { shortest_edge: imageSize },
  };
}

/** Writes `config` as config.json and CLIP's preprocessor_config.json for `imageSize` (pixels) into `dir`. */
export function writeModelConfigFiles(dir: string, config: unknown, imageSize: number): void {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  writeFileSync(join(dir, "config.json"), json(config));
  writeFileSync(join(dir, "preprocessor_config.json"), json(clipPreprocessorJson(imageSize)));
}
