// Baseline JPEG (JFIF, 4:4:4, Annex K Huffman tables, IJG quality scaling) encoder in TypeScript, so a
// thumbnail costs a few milliseconds instead of an ffmpeg start-up (~60 ms of CPU) per video.

/** Annex K.1 quantization tables, natural (row-major) order. */
const LUMA_QUANT = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_QUANT = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];
/** ZIGZAG[k] = natural index of the k-th coefficient in zigzag order. */
const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7,
  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46,
  53, 60, 61, 54, 47, 55, 62, 63,
];

/** Annex K.3 Huffman tables: code counts per length 1..16, then the symbols. */
interface HuffmanSpec {
  counts: number[];
  symbols: number[];
}
const DC_LUMA: HuffmanSpec = {
  counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
  symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};
const DC_CHROMA: HuffmanSpec = {
  counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  symbols: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
};
const AC_LUMA: HuffmanSpec = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  symbols: hex(
    "01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa",
  ),
};
const AC_CHROMA: HuffmanSpec = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  symbols: hex(
    "000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa",
  ),
};

function hex(text: string): number[] {
  return Array.from({ length: text.length / 2 }, (_, i) => Number.parseInt(text.slice(i * 2, i * 2 + 2), 16));
}

/** Code and length per symbol (canonical Huffman codes, Annex C). */
function huffmanCodes(spec: HuffmanSpec): { code: Uint16Array; length: Uint8Array } {
  const code = new Uint16Array(256);
  const length = new Uint8Array(256);
  let next = 0;
  let k = 0;
  for (let bits = 1; bits <= 16; bits++) {
    for (let i = 0; i < spec.counts[bits - 1]; i++) {
      code[spec.symbols[k]] = next++;
      length[spec.symbols[k]] = bits;
      k++;
    }
    next <<= 1;
  }
  return { code, length };
}

/** IJG's quality scaling (libjpeg jpeg_quality_scaling), natural order. */
function scaledTable(base: readonly number[], quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - q * 2;
  return Uint8Array.from(base, (v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
}

/** COS[x * 8 + u] = c(u) cos((2x + 1) u pi / 16) / 2: one 1-D DCT-II pass. */
const COS = new Float64Array(64);
for (let x = 0; x < 8; x++)
  for (let u = 0; u < 8; u++)
    COS[x * 8 + u] = ((u === 0 ? Math.SQRT1_2 : 1) * Math.cos(((2 * x + 1) * u * Math.PI) / 16)) / 2;

/** Forward 8x8 DCT of `block` (level-shifted samples) into `out`, natural order. */
function dct8x8(block: Float64Array, tmp: Float64Array, out: Float64Array): void {
  for (let y = 0; y < 8; y++)
    for (let u = 0; u < 8; u++) {
      let sum = 0;
      for (let x = 0; x < 8; x++) sum += block[y * 8 + x] * COS[x * 8 + u];
      tmp[y * 8 + u] = sum;
    }
  for (let u = 0; u < 8; u++)
    for (let v = 0; v < 8; v++) {
      let sum = 0;
      for (let y = 0; y < 8; y++) sum += tmp[y * 8 + u] * COS[y * 8 + v];
      out[v * 8 + u] = sum;
    }
}

/** Big-endian bit writer with JPEG byte stuffing (0xFF -> 0xFF 0x00). */
class BitWriter {
  private bytes = new Uint8Array(4096);
  private size = 0;
  private buffer = 0;
  private count = 0;

  byte(value: number): void {
    if (this.size === this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes[this.size++] = value;
  }

  raw(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.byte(values[i]);
  }

  bits(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.buffer = (this.buffer << 1) | ((value >> i) & 1);
      if (++this.count === 8) {
        this.byte(this.buffer);
        if (this.buffer === 0xff) this.byte(0);
        this.buffer = 0;
        this.count = 0;
      }
    }
  }

  /** Pads the last byte with 1 bits (F.1.2.3). */
  flushBits(): void {
    if (this.count > 0) this.bits((1 << (8 - this.count)) - 1, 8 - this.count);
  }

  result(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }
}

function segment(out: BitWriter, marker: number, payload: readonly number[]): void {
  out.raw([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  out.raw(payload);
}

/** Number of bits of |value| (the JPEG magnitude category). */
function category(value: number): number {
  let magnitude = Math.abs(value);
  let bits = 0;
  while (magnitude > 0) {
    bits++;
    magnitude >>= 1;
  }
  return bits;
}

/**
 * Encodes packed rgb24 (`width * height * 3` bytes, row-major) as a baseline JFIF JPEG at IJG
 * `quality` (1..100; 85 by default), without chroma subsampling. Deterministic: same input, same bytes.
 */
export function encodeJpeg(rgb: Uint8Array, width: number, height: number, quality = 85): Uint8Array {
  if (
    !(
      Number.isInteger(width) &&
      Number.isInteger(height) &&
      width > 0 &&
      height > 0 &&
      width < 65536 &&
      height < 65536
    )
  )
    throw new RangeError(`bad JPEG size ${width}x${height}`);
  if (rgb.length !== width * height * 3)
    throw new RangeError(`rgb has ${rgb.length} bytes, expected ${width}x${height}x3`);
  const quant = [scaledTable(LUMA_QUANT, quality), scaledTable(CHROMA_QUANT, quality)];
  const dc = [huffmanCodes(DC_LUMA), huffmanCodes(DC_CHROMA)];
  const ac = [huffmanCodes(AC_LUMA), huffmanCodes(AC_CHROMA)];
  const out = new BitWriter();
  out.raw([0xff, 0xd8]);
  segment(out, 0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  for (const [id, table] of quant.entries()) segment(out, 0xdb, [id, ...ZIGZAG.map((n) => table[n])]);
  segment(out, 0xc0, [
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
    1,
    0x11,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ]);
  const tables: [number, HuffmanSpec][] = [
    [0x00, DC_LUMA],
    [0x10, AC_LUMA],
    [0x01, DC_CHROMA],
    [0x11, AC_CHROMA],
  ];
  for (const [id, spec] of tables) segment(out, 0xc4, [id, ...spec.counts, ...spec.symbols]);
  segment(out, 0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);

  const block = new Float64Array(64);
  const tmp = new Float64Array(64);
  const coefficients = new Float64Array(64);
  const previousDc = [0, 0, 0];
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let c = 0; c < 3; c++) {
        // JFIF YCbCr (full range), edge pixels repeated into partial blocks; minus 128 level shift.
        for (let y = 0; y < 8; y++) {
          const row = Math.min(by + y, height - 1) * width;
          for (let x = 0; x < 8; x++) {
            const p = (row + Math.min(bx + x, width - 1)) * 3;
            const r = rgb[p];
            const g = rgb[p + 1];
            const b = rgb[p + 2];
            block[y * 8 + x] =
              c === 0
                ? 0.299 * r + 0.587 * g + 0.114 * b - 128
                : c === 1
                  ? -0.168736 * r - 0.331264 * g + 0.5 * b
                  : 0.5 * r - 0.418688 * g - 0.081312 * b;
          }
        }
        dct8x8(block, tmp, coefficients);
        const t = c === 0 ? 0 : 1;
        const q = quant[t];
        const dcValue = Math.round(coefficients[0] / q[0]);
        const diff = dcValue - previousDc[c];
        previousDc[c] = dcValue;
        const dcBits = category(diff);
        out.bits(dc[t].code[dcBits], dc[t].length[dcBits]);
        if (dcBits > 0) out.bits(diff < 0 ? diff + (1 << dcBits) - 1 : diff, dcBits);
        let run = 0;
        for (let k = 1; k < 64; k++) {
          const n = ZIGZAG[k];
          const value = Math.round(coefficients[n] / q[n]);
          if (value === 0) {
            run++;
            continue;
          }
          while (run > 15) {
            out.bits(ac[t].code[0xf0], ac[t].length[0xf0]);
            run -= 16;
          }
          const bits = category(value);
          const symbol = (run << 4) | bits;
          out.bits(ac[t].code[symbol], ac[t].length[symbol]);
          out.bits(value < 0 ? value + (1 << bits) - 1 : value, bits);
          run = 0;
        }
        if (run > 0) out.bits(ac[t].code[0x00], ac[t].length[0x00]);
      }
    }
  }
  out.flushBits();
  out.raw([0xff, 0xd9]);
  return out.result();
}
