// Token-row lookup in the compact table: int8 rows with their scales, float16 rows (also misaligned), and the
// refusals for a file of the wrong size and ids outside the table.
import { describe, expect, it } from "vitest";
import { float32ToFloat16Array } from "../float16.ts";
import type { EdgeManifest } from "./edge-manifest.ts";
import { edgeTableBytes, TokenEmbeddingTable } from "./token-table.ts";

/** A 3-row, 2-wide int8 table: 6 bytes of rows, then the 3 float32 scales at offset 8. */
const TABLE: EdgeManifest["table"] = {
  file: "token_embeddings.bin",
  dtype: "int8",
  rows: 3,
  width: 2,
  scaleOffset: 8,
};

describe("TokenEmbeddingTable", () => {
  it("dequantizes int8 rows with their scale", () => {
    const bytes = new Uint8Array(edgeTableBytes(TABLE));
    new Int8Array(bytes.buffer, 0, 6).set([127, -127, 10, 0, -5, 64]);
    new Float32Array(bytes.buffer, 8, 3).set([0.5, 2, 0.25]);
    const table = new TokenEmbeddingTable(TABLE, bytes);
    expect(Array.from(table.gather([2, 0, 2]))).toEqual([-1.25, 16, 63.5, -63.5, -1.25, 16]);
  });

  it("reads float16 rows, also from a misaligned view", () => {
    const descriptor = { ...TABLE, dtype: "float16" as const, scaleOffset: null };
    const values = Float32Array.of(1, -2, 0.5, 65504, 0.0999755859375, -0);
    const halves = new Uint8Array(float32ToFloat16Array(values).buffer);
    const shifted = new Uint8Array(halves.byteLength + 1);
    shifted.set(halves, 1);
    for (const bytes of [halves, shifted.subarray(1)]) {
      const table = new TokenEmbeddingTable(descriptor, bytes);
      expect(Array.from(table.gather([1, 2]))).toEqual([0.5, 65504, 0.0999755859375, -0]);
    }
  });

  it("rejects a file of the wrong size and ids outside the table", () => {
    expect(() => new TokenEmbeddingTable(TABLE, new Uint8Array(19))).toThrow(/holds 19 bytes/);
    const table = new TokenEmbeddingTable(TABLE, new Uint8Array(20));
    expect(() => table.gather([3])).toThrow(/outside the embedding table/);
    expect(() => table.gather([-1])).toThrow(/outside the embedding table/);
  });
});
