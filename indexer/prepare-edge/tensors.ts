// Reads float values out of ONNX initializers (float32 or float16) as an aligned Float32Array.
import { InputError } from "../../shared/errors.ts";
import { float16ToFloat32Array } from "../../shared/float16.ts";
import type { TensorData } from "../onnx/graph-builder.ts";

/** Number of elements of a tensor. */
function elementCount(tensor: { dims: number[] }): number {
  return tensor.dims.reduce((a, b) => a * b, 1);
}

/** The values of a float32 or float16 initializer, copied (little-endian host). */
export function readFloat32(tensor: TensorData): Float32Array {
  const count = elementCount(tensor);
  const bytesPer = tensor.dtype === "float32" ? 4 : tensor.dtype === "float16" ? 2 : 0;
  if (!bytesPer)
    throw new InputError(
      "bad_model",
      `tensor ${tensor.name} is ${tensor.dtype}; a float32 or float16 weight was expected`,
    );
  if (tensor.bytes.byteLength !== count * bytesPer)
    throw new InputError(
      "bad_model",
      `tensor ${tensor.name} holds ${tensor.bytes.byteLength} bytes, expected ${count * bytesPer}`,
    );
  const copy = tensor.bytes.slice().buffer;
  return bytesPer === 4 ? new Float32Array(copy) : float16ToFloat32Array(new Uint16Array(copy));
}
