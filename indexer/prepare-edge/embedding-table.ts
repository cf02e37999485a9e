// Encodes the extracted token-embedding table into the compact file the edge encoder reads (int8 + row scales,
// or float16); the layout is documented on EdgeManifest["table"].
import { float32ToFloat16Array } from "../../shared/float16.ts";
import { EDGE_FILES, type EdgeManifest, type EdgeTableDtype } from "../../shared/model/edge-manifest.ts";
import { quantizeRows } from "../../shared/search/quantize.ts";

/** The table file's bytes and its edge.json description. */
export interface EncodedTable {
  bytes: Uint8Array;
  descriptor: EdgeManifest["table"];
}

/**
 * Encodes a row-major float32 [rows, width] table. int8: shared/search/quantize.ts's quantizeRows written
 * into the file's bytes (scale = max|row| / 127, 1 for an all-zero row; a row's largest value is exact).
 */
export function encodeEmbeddingTable(
  table: Float32Array,
  rows: number,
  width: number,
  dtype: EdgeTableDtype,
): EncodedTable {
  if (dtype === "float16") {
    const halves = float32ToFloat16Array(table);
    return {
      bytes: new Uint8Array(halves.buffer),
      descriptor: { file: EDGE_FILES.table, dtype, rows, width, scaleOffset: null },
    };
  }
  const scaleOffset = Math.ceil((rows * width) / 4) * 4;
  const bytes = new Uint8Array(scaleOffset + rows * 4);
  quantizeRows(rows, width, (i) => table[i], {
    data: new Int8Array(bytes.buffer, 0, rows * width),
    scales: new Float32Array(bytes.buffer, scaleOffset, rows),
  });
  return { bytes, descriptor: { file: EDGE_FILES.table, dtype, rows, width, scaleOffset } };
}
