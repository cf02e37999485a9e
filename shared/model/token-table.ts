// The token-embedding table of a prepared (edge) model: int8 rows with a float32 scale each, or float16 rows
// (edge.json `table`), looked up per token id without expanding the table to float32; and where its bytes come from.
import { InputError } from "../errors.ts";
import { float16ToFloat32Array } from "../float16.ts";
import { dequantizeRow } from "../search/quantize.ts";
import type { EdgeManifest } from "./edge-manifest.ts";

/** Bytes of the table file described by `table`. */
export function edgeTableBytes(table: EdgeManifest["table"]): number {
  return table.dtype === "int8" ? table.scaleOffset! + table.rows * 4 : table.rows * table.width * 2;
}

/** Looks up token rows in a table file's bytes without expanding the whole table to float32. */
export class TokenEmbeddingTable {
  readonly rows: number;
  readonly width: number;
  private readonly int8?: Int8Array;
  private readonly scales?: Float32Array;
  private readonly halves?: Uint16Array;

  /** `bytes` must hold edgeTableBytes(table) bytes; views are kept, not copies (except misaligned scales). */
  constructor(table: EdgeManifest["table"], bytes: Uint8Array) {
    if (bytes.byteLength !== edgeTableBytes(table))
      throw new InputError(
        "bad_edge_model",
        `${table.file} holds ${bytes.byteLength} bytes, edge.json describes ${edgeTableBytes(table)}; run prepare-edge again`,
      );
    this.rows = table.rows;
    this.width = table.width;
    const count = table.rows * table.width;
    if (table.dtype === "int8") {
      this.int8 = new Int8Array(bytes.buffer, bytes.byteOffset, count);
      const at = bytes.byteOffset + table.scaleOffset!;
      this.scales =
        at % 4 === 0
          ? new Float32Array(bytes.buffer, at, table.rows)
          : new Float32Array(bytes.slice(table.scaleOffset!, table.scaleOffset! + table.rows * 4).buffer);
    } else {
      this.halves =
        bytes.byteOffset % 2 === 0
          ? new Uint16Array(bytes.buffer, bytes.byteOffset, count)
          : new Uint16Array(bytes.slice().buffer);
    }
  }

  /** Row-major float32 [ids.length, width]: the embedding of each token id. */
  gather(ids: readonly number[]): Float32Array {
    const { width } = this;
    const out = new Float32Array(ids.length * width);
    ids.forEach((id, position) => {
      if (!Number.isInteger(id) || id < 0 || id >= this.rows)
        throw new InputError(
          "bad_tokens",
          `token id ${id} is outside the embedding table (${this.rows} rows)`,
        );
      if (this.int8) {
        dequantizeRow({ dimension: width, data: this.int8, scales: this.scales! }, id, out, position * width);
      } else {
        out.set(float16ToFloat32Array(this.halves!.subarray(id * width, (id + 1) * width)), position * width);
      }
    });
    return out;
  }
}

/** Bytes of manifest.table.file, or a loader that createEdgeTextEncoder calls once the session exists. */
export type EdgeTableSource = Uint8Array | (() => Promise<Uint8Array>);

/** Builds the lookup table of `table` from bytes given up front or from the loader (called at most once). */
export async function loadTokenEmbeddingTable(
  table: EdgeManifest["table"],
  source: EdgeTableSource,
): Promise<TokenEmbeddingTable> {
  return new TokenEmbeddingTable(table, source instanceof Uint8Array ? source : await source());
}
