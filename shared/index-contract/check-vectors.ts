// The vector files of an index: a [rows, dimension] float32/float16 .npy whose rows are finite unit vectors.
import { float16DecodeTable } from "../float16.ts";
import { type NpyArray, parseNpy } from "../npy.ts";
import { IndexContractError } from "./contract-error.ts";

/**
 * Largest accepted | ||row|| - 1 |. Rounding a unit vector to float16 moves each component by at most half an
 * ulp, 2^-11 of its magnitude, so its norm by at most 2^-11 ~ 4.9e-4 (float32: 6e-8); 1e-3 leaves twice that.
 * A norm off by e moves a cosine score by at most e, so an accepted row shifts no score by more than 0.001,
 * while a row scaled x100 (score 12.7 for every query) or left unnormalized (raw CLIP features: norm ~10) is
 * refused. int8 is not a storage dtype: the worker quantizes after this check (its error, about 1e-3 in
 * cosine, is measured in shared/search/quantize.test.ts).
 */
export const UNIT_NORM_TOLERANCE = 1e-3;

/** A checked [rows, dimension] matrix; `data` float32 values or raw float16 bits, row-major. */
export type CheckedMatrix = Extract<NpyArray, { dtype: "float32" | "float16" }>;

/** Element reader of a float32 or float16 matrix, as float. */
export function matrixReader(matrix: CheckedMatrix): (i: number) => number {
  if (matrix.dtype === "float32") {
    const data = matrix.data;
    return (i) => data[i];
  }
  const data = matrix.data;
  const table = float16DecodeTable();
  return (i) => table[data[i]];
}

/**
 * Parses `bytes` (the file `name`) as a [rows, dimension] matrix of the manifest's dtype and checks that every
 * row is finite and of unit length within UNIT_NORM_TOLERANCE.
 */
export function checkMatrix(
  name: string,
  bytes: Uint8Array,
  rows: number,
  dimension: number,
  dtype: "float32" | "float16",
): CheckedMatrix {
  let array: NpyArray;
  try {
    array = parseNpy(bytes);
  } catch (error) {
    throw new IndexContractError("bad_index", `${name}: ${(error as Error).message}`);
  }
  if (array.shape.length !== 2 || array.shape[0] !== rows || array.shape[1] !== dimension)
    throw new IndexContractError(
      "bad_index",
      `${name} has shape (${array.shape.join(", ")}), the manifest says (${rows}, ${dimension})`,
    );
  if (array.dtype !== dtype)
    throw new IndexContractError("bad_index", `${name} holds ${array.dtype}, the manifest says ${dtype}`);
  const matrix = array as CheckedMatrix;
  const read = matrixReader(matrix);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0, at = r * dimension; j < dimension; j++, at++) {
      const value = read(at);
      if (!Number.isFinite(value))
        throw new IndexContractError("bad_index", `${name} row ${r} holds a non-finite value (${value})`);
      sum += value * value;
    }
    const norm = Math.sqrt(sum);
    if (Math.abs(norm - 1) > UNIT_NORM_TOLERANCE)
      throw new IndexContractError(
        "bad_index",
        `${name} row ${r} has length ${norm.toPrecision(4)}, rows must be L2-normalized (1 +- ${UNIT_NORM_TOLERANCE})`,
      );
  }
  return matrix;
}
