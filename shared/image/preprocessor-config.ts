// Maps a model directory's preprocessor_config.json (Hugging Face / Transformers.js / optimum layout) to
// the PreprocessConfig that preprocess.ts applies, refusing in one line what that code cannot reproduce.
import { InputError } from "../errors.ts";
import { CLIP_PREPROCESS, type PreprocessConfig } from "./preprocess.ts";

const FILE = "preprocessor_config.json";

/** PIL's resampling filter numbers, as `resample` stores them; preprocess.ts implements bicubic only. */
const PIL_FILTERS = ["nearest", "lanczos", "bilinear", "bicubic", "box", "hamming"];
const PIL_BICUBIC = 3;

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new InputError("bad_model_config", `${FILE}: ${message}`);
}

function positiveInt(field: string, value: unknown): number {
  if (!Number.isInteger(value) || (value as number) <= 0) fail(`${field} must be a positive integer`);
  return value as number;
}

/** A `do_*` switch: its value, or `fallback` when absent. */
function flag(pre: Json, field: string, fallback: boolean): boolean {
  const value = pre[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "boolean") fail(`${field} must be true or false`);
  return value;
}

/** `size`: a number or {shortest_edge} (resize the shorter side, keep the aspect ratio). */
function shortestEdgeOf(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number") return positiveInt("size", value);
  if (!isRecord(value)) fail("size must be a number or an object");
  if (value.longest_edge !== undefined)
    fail(
      "size.longest_edge is not supported: this project resizes the shorter side only (size.shortest_edge)",
    );
  if (value.shortest_edge !== undefined) return positiveInt("size.shortest_edge", value.shortest_edge);
  if (value.height !== undefined || value.width !== undefined)
    fail(
      "size {height, width} resizes without keeping the aspect ratio, which this project does not do; use size.shortest_edge and crop_size",
    );
  fail("size needs shortest_edge");
}

/** `crop_size`: a number or a square {height, width}. */
function cropSizeOf(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === "number") return positiveInt("crop_size", value);
  if (!isRecord(value)) fail("crop_size must be a number or an object");
  const height = positiveInt("crop_size.height", value.height);
  const width = positiveInt("crop_size.width", value.width);
  if (height !== width) fail(`crop_size must be square, got ${height}x${width}`);
  return height;
}

/** `image_mean` / `image_std`: 3 numbers, or one number for all channels (as transformers accepts). */
function tripleOf(field: string, value: unknown, fallback: readonly number[]): [number, number, number] {
  if (value === undefined || value === null) return [fallback[0], fallback[1], fallback[2]];
  if (typeof value === "number" && Number.isFinite(value)) return [value, value, value];
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    !value.every((v) => typeof v === "number" && Number.isFinite(v))
  ) {
    fail(`${field} must be 3 numbers`);
  }
  return [value[0], value[1], value[2]];
}

/**
 * The preprocessing a model was trained with, from its preprocessor_config.json (`undefined`: the file is
 * absent). Missing fields take CLIPImageProcessor's defaults: bicubic resize of the shorter side to
 * `imageSize` (config.json vision_config.image_size), center crop to the resized side, /255, CLIP's mean/std.
 * Throws InputError (bad_model_config) for a value preprocess.ts would not reproduce.
 */
export function parsePreprocessorConfig(preprocessor: unknown, imageSize: number): PreprocessConfig {
  const pre = preprocessor === undefined ? {} : preprocessor;
  if (!isRecord(pre)) fail("not a JSON object");
  if (!flag(pre, "do_resize", true))
    fail("do_resize false is not supported: the vision tower needs frames resized to its input size");
  if (!flag(pre, "do_center_crop", true))
    fail("do_center_crop false is not supported: the vision tower needs a square center crop");
  if (!flag(pre, "do_rescale", true)) fail("do_rescale false is not supported: pixels are scaled by 1/255");
  if (flag(pre, "do_pad", false)) fail("do_pad true is not supported: frames are cropped, never padded");
  if (flag(pre, "do_flip_channel_order", false))
    fail("do_flip_channel_order true (BGR) is not supported: frames are RGB");
  const resample = pre.resample ?? PIL_BICUBIC;
  if (resample !== PIL_BICUBIC) {
    const name = PIL_FILTERS[resample as number] ?? "unknown";
    fail(`resample ${JSON.stringify(resample)} (${name}) is not supported: only Pillow's bicubic (3) is`);
  }
  const rescale = pre.rescale_factor ?? 1 / 255;
  if (typeof rescale !== "number" || Math.abs(rescale * 255 - 1) > 1e-9)
    fail(`rescale_factor ${JSON.stringify(rescale)} is not supported: only 1/255 is`);

  const shortestEdge = shortestEdgeOf(pre.size, imageSize);
  const cropSize = cropSizeOf(pre.crop_size, shortestEdge);
  if (cropSize > shortestEdge)
    fail(
      `crop_size ${cropSize} is larger than size.shortest_edge ${shortestEdge}: the crop would need padding`,
    );
  // do_normalize false is (v/255 - 0) / 1: the same float32 values as no normalization.
  const normalize = flag(pre, "do_normalize", true);
  const mean = normalize ? tripleOf("image_mean", pre.image_mean, CLIP_PREPROCESS.mean) : [0, 0, 0];
  const std = normalize ? tripleOf("image_std", pre.image_std, CLIP_PREPROCESS.std) : [1, 1, 1];
  if (std.some((s) => s <= 0)) fail("image_std must be positive");
  return { shortestEdge, cropSize, mean: [mean[0], mean[1], mean[2]], std: [std[0], std[1], std[2]] };
}
