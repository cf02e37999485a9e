// Bicubic resize of 8-bit RGB images that reproduces Pillow's ImagingResample bit for bit
// (src/libImaging/Resample.c): separable, horizontal pass first, 8-bit rounding and clipping between
// the passes, fixed-point coefficients with 22 fractional bits. Hand-written for parity: no JS resizer
// reproduces Pillow's fixed-point arithmetic, and the frame tensors must equal the PyTorch reference's.

/** Pillow keeps 8 bits for the result and 2 for overflow in an int32 accumulator. */
const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);
const ONE = 1 << PRECISION_BITS;

/** Keys' cubic convolution kernel with a = -0.5, as Pillow's `bicubic_filter`. */
function bicubicFilter(value: number): number {
  const a = -0.5;
  const x = value < 0 ? -value : value;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}
const BICUBIC_SUPPORT = 2;

/** Fixed-point filter taps for one axis: output pixel i reads `count[i]` inputs from `first[i]`. */
interface AxisCoefficients {
  /** Taps per output pixel (stride of `weights`). */
  kernelSize: number;
  first: Int32Array;
  count: Int32Array;
  /** Int32 weights scaled by 2^22, `kernelSize` per output pixel. */
  weights: Int32Array;
}

/**
 * Pillow's `precompute_coeffs` + `normalize_coeffs_8bpc` for the box [0, inSize) -> outSize, for the
 * output pixels [windowStart, windowStart + windowSize) only (each output pixel's taps depend on its
 * position alone, so a window gives the same values as the full row).
 */
function precomputeCoefficients(
  inSize: number,
  outSize: number,
  windowStart = 0,
  windowSize = outSize,
): AxisCoefficients {
  // Pillow passes the box edges as C floats; for whole-image boxes they are exact integers.
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = BICUBIC_SUPPORT * filterScale;
  const kernelSize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(windowSize);
  const count = new Int32Array(windowSize);
  const weights = new Int32Array(windowSize * kernelSize);
  const taps = new Float64Array(kernelSize);
  const inverseScale = 1 / filterScale;
  for (let out = 0; out < windowSize; out++) {
    const center = (out + windowStart + 0.5) * scale;
    // C's (int) cast truncates toward zero before the clamp.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let sum = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bicubicFilter((x + xmin - center + 0.5) * inverseScale);
      taps[x] = w;
      sum += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = sum !== 0 ? taps[x] / sum : taps[x];
      weights[out * kernelSize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    first[out] = xmin;
    count[out] = xmax;
  }
  return { kernelSize, first, count, weights };
}

/** Pillow's clip8: arithmetic shift, then clamp to 0..255. */
function clip8(accumulator: number): number {
  const value = accumulator >> PRECISION_BITS;
  return value < 0 ? 0 : Math.min(value, 255);
}

function resampleHorizontal(
  src: Uint8Array,
  srcWidth: number,
  rowStart: number,
  rows: number,
  outWidth: number,
  c: AxisCoefficients,
): Uint8Array {
  const out = new Uint8Array(outWidth * rows * 3);
  for (let y = 0; y < rows; y++) {
    const srcRow = (y + rowStart) * srcWidth * 3;
    const outRow = y * outWidth * 3;
    for (let x = 0; x < outWidth; x++) {
      const k = x * c.kernelSize;
      const n = c.count[x];
      let p = srcRow + c.first[x] * 3;
      let r = HALF;
      let g = HALF;
      let b = HALF;
      for (let t = 0; t < n; t++, p += 3) {
        const w = c.weights[k + t];
        r += src[p] * w;
        g += src[p + 1] * w;
        b += src[p + 2] * w;
      }
      const o = outRow + x * 3;
      out[o] = clip8(r);
      out[o + 1] = clip8(g);
      out[o + 2] = clip8(b);
    }
  }
  return out;
}

function resampleVertical(
  src: Uint8Array,
  width: number,
  rowOffset: number,
  outHeight: number,
  c: AxisCoefficients,
): Uint8Array {
  const out = new Uint8Array(width * outHeight * 3);
  const stride = width * 3;
  for (let y = 0; y < outHeight; y++) {
    const k = y * c.kernelSize;
    const n = c.count[y];
    const top = (c.first[y] - rowOffset) * stride;
    const outRow = y * stride;
    for (let i = 0; i < stride; i++) {
      let acc = HALF;
      let p = top + i;
      for (let t = 0; t < n; t++, p += stride) acc += src[p] * c.weights[k + t];
      out[outRow + i] = clip8(acc);
    }
  }
  return out;
}

/** A rectangle of the resized image, pixels. */
export interface Window {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Resizes packed RGB (rgb24, row-major, `width * height * 3` bytes) to `outWidth` x `outHeight` with
 * Pillow's BICUBIC filter (`Image.resize(size, Image.BICUBIC)`), bit-exact, and returns the pixels
 * of `window` of the result (default: all of it) as a new rgb24 buffer. Computing only a crop
 * window gives the same pixels as resizing everything and cropping, for less work.
 */
export function resizeBicubicRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  window: Window = { left: 0, top: 0, width: outWidth, height: outHeight },
): Uint8Array {
  if (rgb.length !== width * height * 3)
    throw new RangeError(`rgb has ${rgb.length} bytes, expected ${width}x${height}x3`);
  if (outWidth < 1 || outHeight < 1) throw new RangeError(`cannot resize to ${outWidth}x${outHeight}`);
  const { left, top } = window;
  if (left < 0 || top < 0 || left + window.width > outWidth || top + window.height > outHeight)
    throw new RangeError(`window is outside the ${outWidth}x${outHeight} result`);
  const needHorizontal = outWidth !== width;
  const needVertical = outHeight !== height;
  let current = rgb;
  let currentWidth = width;
  let rowOffset = 0;
  const vertical = needVertical ? precomputeCoefficients(height, outHeight, top, window.height) : undefined;
  if (needHorizontal) {
    // As Pillow: only the rows the vertical pass will read go through the horizontal pass.
    const firstRow = vertical ? vertical.first[0] : top;
    const lastRow = vertical
      ? vertical.first[window.height - 1] + vertical.count[window.height - 1]
      : top + window.height;
    current = resampleHorizontal(
      rgb,
      width,
      firstRow,
      lastRow - firstRow,
      window.width,
      precomputeCoefficients(width, outWidth, left, window.width),
    );
    currentWidth = window.width;
    rowOffset = firstRow;
  } else {
    current = cropRows(rgb, width, left, window.width, 0, height);
    currentWidth = window.width;
  }
  if (vertical) return resampleVertical(current, currentWidth, rowOffset, window.height, vertical);
  return cropRows(current, currentWidth, 0, currentWidth, top - rowOffset, window.height);
}

/** Copies `rows` rows from `firstRow`, columns [left, left + columns) of an rgb24 image. */
function cropRows(
  rgb: Uint8Array,
  width: number,
  left: number,
  columns: number,
  firstRow: number,
  rows: number,
): Uint8Array {
  const out = new Uint8Array(columns * rows * 3);
  for (let y = 0; y < rows; y++) {
    const start = ((y + firstRow) * width + left) * 3;
    out.set(rgb.subarray(start, start + columns * 3), y * columns * 3);
  }
  return out;
}
