// Symmetric per-row int8 quantization of a matrix of vectors: a quarter of float32's bytes, cosine error
// about 1e-3 on unit vectors. The compact storage of the Worker's index and of int8 scoring graphs.

/** An int8 [rows, dimension] matrix, row-major: row r ≈ data[r*d .. r*d+d) * scales[r]. */
export interface Int8Rows {
  rows: number;
  dimension: number;
  data: Int8Array;
  /** One float32 scale per row (max |value| / 127; 1 for an all-zero row). */
  scales: Float32Array;
}

/** Quantizes an [rows, dimension] source read element by element (`read(i)`, row-major index). */
export function quantizeRows(rows: number, dimension: number, read: (i: number) => number): Int8Rows {
  const data = new Int8Array(rows * dimension);
  const scales = new Float32Array(rows);
  const row = new Float32Array(dimension);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let j = 0; j < dimension; j++) {
      row[j] = read(r * dimension + j);
      max = Math.max(max, Math.abs(row[j]));
    }
    const scale = max > 0 ? max / 127 : 1;
    scales[r] = scale;
    for (let j = 0; j < dimension; j++) data[r * dimension + j] = Math.round(row[j] / scale);
  }
  return { rows, dimension, data, scales };
}
