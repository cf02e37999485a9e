// Row-major matrix stored as int8 with one float32 scale per row: a quarter of float32's memory, so a
// 10k-video index fits a Worker's 128 MB beside the encoder. Cosine error is about 1e-3 on CLIP vectors.
// FlatStore hands it to an ONNX Runtime scoring session (shared/search) and drops it; the JS dot products
// below remain the reference (tests, bench baseline).
import { dequantizeRow, quantizeRows } from "../../shared/search/quantize.ts";
import type { ScoringMatrix } from "../../shared/search/scoring-graph.ts";

/** An [rows, dimension] matrix of L2-normalized vectors, int8-quantized per row (symmetric). */
export class Int8Matrix {
  readonly rows: number;
  readonly dimension: number;
  private readonly values: Int8Array;
  private readonly scales: Float32Array;

  private constructor(rows: number, dimension: number, values: Int8Array, scales: Float32Array) {
    this.rows = rows;
    this.dimension = dimension;
    this.values = values;
    this.scales = scales;
  }

  /** Quantizes `read(i)` (element i, row-major, as float) for an [rows, dimension] source. */
  static fromValues(rows: number, dimension: number, read: (i: number) => number): Int8Matrix {
    const { data, scales } = quantizeRows(rows, dimension, read);
    return new Int8Matrix(rows, dimension, data, scales);
  }

  /** The matrix as the input of an int8 scoring graph (shared/search/scoring-graph.ts); no copy. */
  get scoringMatrix(): ScoringMatrix {
    const { rows, dimension, values, scales } = this;
    return { dtype: "int8", rows, dimension, data: values, scales };
  }

  /** Bytes held by the matrix. */
  get byteLength(): number {
    return this.values.byteLength + this.scales.byteLength;
  }

  /** Dot product of row r with `query` (length dimension). */
  dotRow(r: number, query: Float32Array): number {
    const { values, dimension } = this;
    let sum = 0;
    for (let j = 0, at = r * dimension; j < dimension; j++, at++) sum += values[at] * query[j];
    return sum * this.scales[r];
  }

  /** out[r] = row r . query for every row (cosine for normalized rows and query). */
  scoreAll(query: Float32Array, out: Float32Array = new Float32Array(this.rows)): Float32Array {
    for (let r = 0; r < this.rows; r++) out[r] = this.dotRow(r, query);
    return out;
  }

  /** Row r dequantized to Float32Array(dimension). */
  row(r: number): Float32Array {
    return dequantizeRow({ dimension: this.dimension, data: this.values, scales: this.scales }, r);
  }
}
