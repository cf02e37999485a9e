// yuv420p -> rgb24 conversion that reproduces, bit for bit, ffmpeg 5.x's default conversion on x86
// (libswscale's SIMD yuv420_rgb24 path: 16-bit pmulhw arithmetic, nearest chroma sample). Doing it
// here, not in ffmpeg, makes native and WASM decoding give identical bytes (the WASM build has no
// SIMD and rounds differently, by up to 3 levels) that equal what `ffmpeg -pix_fmt rgb24` gives on x86
// (checked on ../shared/videos against the reference PNGs, and on BT.601 video; ffmpeg's matrix
// follows the stream's color_space tag).

/** The four 16.16 inverse-matrix entries of libswscale's ff_yuv2rgb_coeffs: crv, cbu, cgu, cgv. */
type InverseTable = readonly [number, number, number, number];

const BT601: InverseTable = [104597, 132201, 25675, 53279];
const BT709: InverseTable = [117489, 138438, 13975, 34925];

/** Color matrices by ffprobe `color_space` tag; others are converted by ffmpeg instead. */
const MATRIX_BY_COLOR_SPACE: Record<string, InverseTable> = {
  bt709: BT709,
  // swscale's default (ITU-R 601) for untagged video, and the tags that mean the same matrix.
  unknown: BT601,
  smpte170m: BT601,
  bt470bg: BT601,
};

/** True when `yuv420pToRgb` reproduces ffmpeg for this stream (8-bit 4:2:0, limited range, known matrix). */
export function canConvertInJs(pixelFormat: string, colorRange: string, colorSpace: string): boolean {
  return pixelFormat === "yuv420p" && colorRange !== "pc" && colorSpace in MATRIX_BY_COLOR_SPACE;
}

/** Bytes of one packed yuv420p frame as ffmpeg's rawvideo muxer writes it (no padding). */
export function yuv420pFrameBytes(width: number, height: number): number {
  const chroma = Math.ceil(width / 2) * Math.ceil(height / 2);
  return width * height + 2 * chroma;
}

/** libswscale's roundToInt16: 16.16 fixed point to the nearest integer (no clipping needed here). */
function roundToInt16(value: number): number {
  return Math.floor((value + 32768) / 65536);
}

/** pmulhw: high 16 bits of a signed 16x16-bit product. */
function mulHigh(a: number, b: number): number {
  return (a * b) >> 16;
}

interface ConversionTables {
  y: Int32Array;
  redV: Int32Array;
  blueU: Int32Array;
  greenU: Int32Array;
  greenV: Int32Array;
}

const tableCache = new Map<string, ConversionTables>();

/** Per-byte terms of libswscale's x86 formula (limited range, default contrast/saturation). */
function conversionTables(colorSpace: string): ConversionTables {
  const cached = tableCache.get(colorSpace);
  if (cached) return cached;
  const inverse = MATRIX_BY_COLOR_SPACE[colorSpace];
  if (!inverse) throw new Error(`no yuv->rgb matrix for color space "${colorSpace}"`);
  const [crv, cbu, cgu, cgv] = inverse;
  // ff_yuv2rgb_c_init_tables: cy = 255/219 in 16.16; coefficients are stored with 13 fraction bits.
  const yCoeff = roundToInt16(Math.floor((65536 * 255) / 219) * 8192);
  const yOffset = roundToInt16((16 << 16) * 8);
  const vrCoeff = roundToInt16(crv * 8192);
  const ubCoeff = roundToInt16(cbu * 8192);
  const ugCoeff = roundToInt16(-cgu * 8192);
  const vgCoeff = roundToInt16(-cgv * 8192);
  const tables: ConversionTables = {
    y: new Int32Array(256),
    redV: new Int32Array(256),
    blueU: new Int32Array(256),
    greenU: new Int32Array(256),
    greenV: new Int32Array(256),
  };
  for (let v = 0; v < 256; v++) {
    // Samples are scaled by 8 (psllw 3); chroma is centred by 128 << 3.
    tables.y[v] = mulHigh(v * 8 - yOffset, yCoeff);
    const c = v * 8 - 1024;
    tables.redV[v] = mulHigh(c, vrCoeff);
    tables.blueU[v] = mulHigh(c, ubCoeff);
    tables.greenU[v] = mulHigh(c, ugCoeff);
    tables.greenV[v] = mulHigh(c, vgCoeff);
  }
  tableCache.set(colorSpace, tables);
  return tables;
}

function clampByte(value: number): number {
  return value < 0 ? 0 : Math.min(value, 255);
}

/**
 * Converts one packed yuv420p frame (Y plane, then U, then V; chroma planes ceil(w/2) x ceil(h/2))
 * to rgb24 (`width * height * 3` bytes), with the matrix of `colorSpace` (see canConvertInJs).
 */
export function yuv420pToRgb(yuv: Uint8Array, width: number, height: number, colorSpace: string): Uint8Array {
  if (yuv.length !== yuv420pFrameBytes(width, height))
    throw new RangeError(
      `yuv420p frame has ${yuv.length} bytes, expected ${yuv420pFrameBytes(width, height)}`,
    );
  const t = conversionTables(colorSpace);
  const chromaWidth = Math.ceil(width / 2);
  const uPlane = width * height;
  const vPlane = uPlane + chromaWidth * Math.ceil(height / 2);
  const rgb = new Uint8Array(width * height * 3);
  let o = 0;
  for (let row = 0; row < height; row++) {
    const yRow = row * width;
    const cRow = (row >> 1) * chromaWidth;
    for (let col = 0; col < width; col++) {
      const u = yuv[uPlane + cRow + (col >> 1)];
      const v = yuv[vPlane + cRow + (col >> 1)];
      const y = t.y[yuv[yRow + col]];
      rgb[o++] = clampByte(y + t.redV[v]);
      rgb[o++] = clampByte(y + t.greenU[u] + t.greenV[v]);
      rgb[o++] = clampByte(y + t.blueU[u]);
    }
  }
  return rgb;
}
