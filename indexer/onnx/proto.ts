// The one import of onnx-proto (a CommonJS build whose named exports Node's ESM loader cannot see).
import onnxProto from "onnx-proto";

/** The generated protobuf classes of the ONNX schema (ModelProto, GraphProto, NodeProto, TensorProto, ...). */
export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from "onnx-proto";

/** TensorProto.DataType codes used in this project. */
export const ONNX_DTYPE = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
} as const;

export type OnnxDtypeName = keyof typeof ONNX_DTYPE;

/** Bytes per element of each dtype. */
export const ONNX_DTYPE_BYTES: Record<OnnxDtypeName, number> = {
  float32: 4,
  uint8: 1,
  int8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float16: 2,
};

/** Reverse of ONNX_DTYPE; undefined for types this project does not handle. */
export function dtypeName(code: number): OnnxDtypeName | undefined {
  for (const [name, value] of Object.entries(ONNX_DTYPE)) if (value === code) return name as OnnxDtypeName;
  return undefined;
}
