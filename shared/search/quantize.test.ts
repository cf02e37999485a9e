// Pins the per-row int8 quantization: scale = max |x| / 127, Math.round, zero rows kept as zeros.
import { describe, expect, it } from "vitest";
import { dequantizeRow, quantizeRows } from "./quantize.ts";

describe("quantizeRows", () => {
  it("scales each row by its own largest magnitude", () => {
    const source = Float32Array.of(0.5, -0.25, 0.1, 0, 0, 0, -2, 1, 0.5);
    const { data, scales } = quantizeRows(3, 3, (i) => source[i]);
    expect(Array.from(scales)).toEqual([Math.fround(0.5 / 127), 1, Math.fround(2 / 127)]);
    // Math.round: halves go up (-63.5 -> -63, 63.5 -> 64).
    expect(Array.from(data)).toEqual([127, -63, 25, 0, 0, 0, -127, 64, 32]);
  });

  it("reconstructs every value within half a step", () => {
    const source = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i * 1.7) * 0.3);
    const { data, scales } = quantizeRows(4, 16, (i) => source[i]);
    for (let i = 0; i < source.length; i++) {
      const scale = scales[Math.floor(i / 16)];
      expect(Math.abs(data[i] * scale - source[i])).toBeLessThanOrEqual(scale / 2 + 1e-9);
    }
  });
});

describe("dequantizeRow", () => {
  it("is q * scale of the row, written at the asked offset", () => {
    const source = Float32Array.of(0.5, -0.25, 0.1, -2, 1, 0.5);
    const matrix = quantizeRows(2, 3, (i) => source[i]);
    const out = dequantizeRow(matrix, 1, new Float32Array(5).fill(9), 2);
    const scale = matrix.scales[1];
    expect(Array.from(out)).toEqual([9, 9, -127 * scale, 64 * scale, 32 * scale].map(Math.fround));
  });

  it("quantizeRows fills caller-made views in place (one buffer, as the edge table file lays it out)", () => {
    const bytes = new Uint8Array(8 + 2 * 4);
    const into = { data: new Int8Array(bytes.buffer, 0, 6), scales: new Float32Array(bytes.buffer, 8, 2) };
    const source = Float32Array.of(0.5, -0.25, 0.1, -2, 1, 0.5);
    quantizeRows(2, 3, (i) => source[i], into);
    const fresh = quantizeRows(2, 3, (i) => source[i]);
    expect(Array.from(into.data)).toEqual(Array.from(fresh.data));
    expect(Array.from(into.scales)).toEqual(Array.from(fresh.scales));
    expect(() => quantizeRows(3, 3, (i) => source[i], into)).toThrow(RangeError);
  });
});
