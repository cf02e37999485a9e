// A query vector sent by a client (POST /api/search, /api/captions): checked against the index's model and
// L2-normalized, as every vector the stores compare is.
import { ApiError } from "./api-error.ts";

function badVector(message: string): ApiError {
  return new ApiError(400, "bad_vector", message);
}

/**
 * `values` as a unit Float32Array(model.dimension); 400 "bad_vector" when the length is not the model's
 * dimension or every value is 0. Scaled by its largest magnitude first, so that values near the float64
 * limits (1e300) or subnormals normalize instead of overflowing to Infinity or vanishing.
 */
export function queryVector(
  values: readonly number[],
  model: { id: string; dimension: number },
): Float32Array {
  if (values.length !== model.dimension)
    throw badVector(
      `vector has ${values.length} numbers; the index's model ${model.id} has dimension ${model.dimension}`,
    );
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  if (largest === 0) throw badVector("vector is all zeros: it has no direction to search for");
  let squares = 0;
  for (const value of values) squares += (value / largest) ** 2;
  const norm = Math.sqrt(squares);
  return Float32Array.from(values, (value) => value / largest / norm);
}
