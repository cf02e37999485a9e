// Area-average (box) downscaling of rgb24 images for thumbnails: each output pixel is the mean of the
// source area it covers, partial source pixels weighted by their overlap (like ffmpeg's `flags=area`).
// Hand-written: in-process (no ffmpeg start per thumbnail) and the same bytes whichever decoder produced the frame.

/** Weights of the source samples covering each of `outSize` output samples along one axis. */
function coverage(inSize: number, outSize: number): { first: Int32Array; weights: Float64Array[] } {
  const scale = inSize / outSize;
  const first = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const start = o * scale;
    const end = Math.min(inSize, (o + 1) * scale);
    const from = Math.floor(start);
    const to = Math.min(inSize, Math.ceil(end));
    const w = new Float64Array(to - from);
    for (let i = from; i < to; i++) w[i - from] = (Math.min(end, i + 1) - Math.max(start, i)) / scale;
    first[o] = from;
    weights.push(w);
  }
  return { first, weights };
}

/**
 * Shrinks packed rgb24 `width` x `height` to `outWidth` x `outHeight` (each <= the input's) by area
 * averaging, rounding to the nearest byte. Returns rgb24 of the new size.
 */
export function resizeRgbArea(
  rgb: Uint8Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Uint8Array {
  if (outWidth > width || outHeight > height || outWidth < 1 || outHeight < 1)
    throw new RangeError(`can only shrink: ${width}x${height} -> ${outWidth}x${outHeight}`);
  if (outWidth === width && outHeight === height) return rgb.slice();
  const cols = coverage(width, outWidth);
  const rows = coverage(height, outHeight);
  // Horizontal pass into floats, then vertical pass to bytes.
  const wide = new Float64Array(outWidth * height * 3);
  for (let y = 0; y < height; y++) {
    for (let o = 0; o < outWidth; o++) {
      const w = cols.weights[o];
      let r = 0;
      let g = 0;
      let b = 0;
      for (let i = 0; i < w.length; i++) {
        const p = (y * width + cols.first[o] + i) * 3;
        r += rgb[p] * w[i];
        g += rgb[p + 1] * w[i];
        b += rgb[p + 2] * w[i];
      }
      const q = (y * outWidth + o) * 3;
      wide[q] = r;
      wide[q + 1] = g;
      wide[q + 2] = b;
    }
  }
  const out = new Uint8Array(outWidth * outHeight * 3);
  for (let o = 0; o < outHeight; o++) {
    const w = rows.weights[o];
    for (let x = 0; x < outWidth * 3; x++) {
      let sum = 0;
      for (let i = 0; i < w.length; i++) sum += wide[(rows.first[o] + i) * outWidth * 3 + x] * w[i];
      out[o * outWidth * 3 + x] = Math.min(255, Math.max(0, Math.round(sum)));
    }
  }
  return out;
}
