// Row-major matrix stored as int8 with one float32 scale per row: a quarter of float32's memory, so a
// 10k-video index fits a Worker's 128 MB beside the encoder. Cosine error is about 1e-3 on CLIP vectors.

/** An [rows, dimension] matrix of L2-normalized vectors, int8-quantized per row (symmetric). */
export class Int8Matrix {
  readonly rows: number;
  readonly dimension: number;
  private readonly values: Int8Array;
  private readonly scales: Float32Array;

  private constructor(rows: number, dimension: number) {
    this.rows = rows;
    this.dimension = dimension;
    this.values = new Int8Array(rows * dimension);
    this.scales = new Float32Array(rows);
  }

  /** Quantizes `read(i)` (element i, row-major, as float) for an [rows, dimension] source. */
  static fromValues(rows: number, dimension: number, read: (i: number) => number): Int8Matrix {
    const matrix = new Int8Matrix(rows, dimension);
    const row = new Float32Array(dimension);
    for (let r = 0; r < rows; r++) {
      let max = 0;
      for (let j = 0; j < dimension; j++) {
        row[j] = read(r * dimension + j);
        max = Math.max(max, Math.abs(row[j]));
      }
      const scale = max > 0 ? max / 127 : 1;
      matrix.scales[r] = scale;
      for (let j = 0; j < dimension; j++) matrix.values[r * dimension + j] = Math.round(row[j] / scale);
    }
    return matrix;
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
    const out = new Float32Array(this.dimension);
    const scale = this.scales[r];
    for (let j = 0; j < this.dimension; j++) out[j] = this.values[r * this.dimension + j] * scale;
    return out;
  }
}
