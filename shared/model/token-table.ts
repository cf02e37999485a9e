// The token-embedding table of a prepared (edge) model: int8 rows with a float32 scale each, or float16 rows
// (edge.json `table`), looked up per token id without expanding the table to float32; and where its bytes come from.
import { InputError } from "../errors.ts";
import { float16DecodeTable } from "../float16.ts";
import { dequantizeRow, type Int8Rows } from "../search/quantize.ts";
import type { EdgeManifest } from "./edge-manifest.ts";

/** Bytes of the table file described by `table`. */
export function edgeTableBytes(table: EdgeManifest["table"]): number {
  return table.dtype === "int8" ? table.scaleOffset! + table.rows * 4 : table.rows * table.width * 2;
}

/** Looks up token rows in a table file's bytes without expanding the whole table to float32. */
export class TokenEmbeddingTable {
  readonly rows: number;
  readonly width: number;
  /** int8 tables: the rows with their scales, as dequantizeRow reads them. */
  private readonly int8?: Int8Rows;
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
      const at = bytes.byteOffset + table.scaleOffset!;
      const scales =
        at % 4 === 0
          ? new Float32Array(bytes.buffer, at, table.rows)
          : new Float32Array(bytes.slice(table.scaleOffset!, table.scaleOffset! + table.rows * 4).buffer);
      this.int8 = {
        rows: table.rows,
        dimension: table.width,
        data: new Int8Array(bytes.buffer, bytes.byteOffset, count),
        scales,
      };
    } else {
      this.halves =
        bytes.byteOffset % 2 === 0
          ? new Uint16Array(bytes.buffer, bytes.byteOffset, count)
          : new Uint16Array(bytes.slice().buffer);
    }
  }

  /** Row-major float32 [ids.length, width]: the embedding of each token id (one allocation: the result). */
  gather(ids: readonly number[]): Float32Array {
    const { width, int8, halves } = this;
    const out = new Float32Array(ids.length * width);
    const decode = halves ? float16DecodeTable() : null;
    for (let position = 0; position < ids.length; position++) {
      const id = ids[position];
      if (!Number.isInteger(id) || id < 0 || id >= this.rows)
        throw new InputError(
          "bad_tokens",
          `token id ${id} is outside the embedding table (${this.rows} rows)`,
        );
      const at = position * width;
      if (int8) dequantizeRow(int8, id, out, at);
      else for (let j = 0, from = id * width; j < width; j++, from++) out[at + j] = decode![halves![from]];
    }
    return out;
  }
}

/** Bytes of manifest.table.file, or a loader that createEdgeTextEncoder calls once the session exists. */
export type EdgeTableSource = Uint8Array | (() => Promise<Uint8Array>);
