// CLIP image preprocessing, as the PIL/torchvision reference does it: bicubic resize of the shorter
// side (Pillow-exact), center crop with rounded offsets, /255, per-channel mean/std normalization.
// Hand-written for parity: each step rounds as torchvision does, so tensors match the reference bit for bit.
import { resizeBicubicRgb } from "./pil-resample.ts";

/** Preprocessing values, normally read from the model directory's preprocessor_config.json. */
export interface PreprocessConfig {
  /** Target length of the shorter side after resizing, pixels (CLIP: 224). */
  shortestEdge: number;
  /** Side of the square center crop, pixels (CLIP: 224). */
  cropSize: number;
  /** Per-channel RGB mean, in [0,1] units. */
  mean: readonly [number, number, number];
  /** Per-channel RGB standard deviation, in [0,1] units. */
  std: readonly [number, number, number];
}

/** OpenAI CLIP's values (ViT-B/32 and friends). */
export const CLIP_PREPROCESS: PreprocessConfig = {
  shortestEdge: 224,
  cropSize: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

/**
 * Size after resizing the shorter side to `shortestEdge`; the longer side is
 * `int(shortestEdge * long / short)` (truncated, as torchvision and transformers compute it).
 */
export function resizedSize(width: number, height: number, shortestEdge: number) {
  if (width <= height) {
    return { width: shortestEdge, height: Math.trunc((shortestEdge * height) / width) };
  }
  return { width: Math.trunc((shortestEdge * width) / height), height: shortestEdge };
}

/** Python's round(): halves go to the even neighbour (torchvision's center_crop uses it). */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Top-left corner of the centered `cropSize` square: `round((side - cropSize) / 2)` per axis. */
export function centerCropOffsets(width: number, height: number, cropSize: number) {
  return { left: roundHalfEven((width - cropSize) / 2), top: roundHalfEven((height - cropSize) / 2) };
}

/**
 * Per-channel lookup tables byte -> normalized value, each step rounded to float32 as torchvision's
 * ToTensor + Normalize compute it ((v / 255 - mean) / std in float32): bit-identical to the reference.
 */
function normalizationTables(config: PreprocessConfig): Float32Array[] {
  const f32 = Math.fround;
  return [0, 1, 2].map((channel) => {
    const mean = f32(config.mean[channel]);
    const std = f32(config.std[channel]);
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) table[v] = f32(f32(f32(v / 255) - mean) / std);
    return table;
  });
}

/**
 * Turns one rgb24 frame (`width * height * 3` bytes, row-major) into CLIP's input tensor:
 * Float32Array [3, cropSize, cropSize], channel-major (RGB planes), normalized with mean/std.
 */
export function preprocessFrame(
  rgb: Uint8Array,
  width: number,
  height: number,
  config: PreprocessConfig = CLIP_PREPROCESS,
): Float32Array {
  const target = resizedSize(width, height, config.shortestEdge);
  const { cropSize } = config;
  if (target.width < cropSize || target.height < cropSize) {
    throw new RangeError(
      `crop ${cropSize} is larger than the resized image ${target.width}x${target.height}; shortestEdge must be >= cropSize`,
    );
  }
  const { left, top } = centerCropOffsets(target.width, target.height, cropSize);
  // Only the crop is resampled: same pixels as resize-then-crop, ~40% less work for 16:9 video.
  const cropped = resizeBicubicRgb(rgb, width, height, target.width, target.height, {
    left,
    top,
    width: cropSize,
    height: cropSize,
  });
  const tables = normalizationTables(config);
  const plane = cropSize * cropSize;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < cropSize; y++) {
    let p = y * cropSize * 3;
    const row = y * cropSize;
    for (let x = 0; x < cropSize; x++, p += 3) {
      out[row + x] = tables[0][cropped[p]];
      out[plane + row + x] = tables[1][cropped[p + 1]];
      out[2 * plane + row + x] = tables[2][cropped[p + 2]];
    }
  }
  return out;
}
