// Symmetric per-row int8 quantization of a matrix of vectors: a quarter of float32's bytes, cosine error
// about 1e-3 on unit vectors. The compact storage of the Worker's index, of int8 scoring graphs and of the
// edge encoder's token table; the one quantizer and dequantizer of the project.

/** An int8 [rows, dimension] matrix, row-major: row r ≈ data[r*d .. r*d+d) * scales[r]. */
export interface Int8Rows {
  rows: number;
  dimension: number;
  data: Int8Array;
  /** One float32 scale per row (max |value| / 127; 1 for an all-zero row). */
  scales: Float32Array;
}

/**
 * Quantizes an [rows, dimension] source read element by element (`read(i)`, row-major index). `into` are
 * caller-made arrays to fill (e.g. views of one file's bytes: rows*dimension int8, rows float32).
 */
export function quantizeRows(
  rows: number,
  dimension: number,
  read: (i: number) => number,
  into: { data: Int8Array; scales: Float32Array } = {
    data: new Int8Array(rows * dimension),
    scales: new Float32Array(rows),
  },
): Int8Rows {
  const { data, scales } = into;
  if (data.length !== rows * dimension || scales.length !== rows)
    throw new RangeError(`quantizeRows: target arrays do not hold ${rows} x ${dimension} values`);
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

/** Row r of `matrix` dequantized (q * scale) into out[at .. at+dimension); returns out. */
export function dequantizeRow(
  matrix: Pick<Int8Rows, "dimension" | "data" | "scales">,
  r: number,
  out: Float32Array = new Float32Array(matrix.dimension),
  at = 0,
): Float32Array {
  const { dimension, data } = matrix;
  const scale = matrix.scales[r];
  for (let j = 0, from = r * dimension; j < dimension; j++, from++) out[at + j] = data[from] * scale;
  return out;
}
