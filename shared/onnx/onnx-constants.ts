// The ONNX enum values and versions this project writes and reads, defined once for the indexer and the Worker.

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

/** AttributeProto.AttributeType codes. */
export const ONNX_ATTRIBUTE_TYPE = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

/** TensorProto.DataLocation: EXTERNAL keeps the bytes in the file named by external_data's `location`. */
export const ONNX_DATA_LOCATION = { DEFAULT: 0, EXTERNAL: 1 } as const;

/**
 * The IR version released with each default-domain opset this project writes (onnx's VERSION_TABLE: 1.8 = IR 7
 * opset 13, 1.9 = IR 7 opset 14, 1.12 = IR 8 opset 17), as exporters stamp it.
 */
export const IR_VERSION_OF_OPSET: Readonly<Record<number, number>> = { 13: 7, 14: 7, 17: 8 };

/** The IR version of models at `opset`; throws for an opset this project does not write. */
export function irVersionOf(opset: number): number {
  const ir = IR_VERSION_OF_OPSET[opset];
  if (ir === undefined)
    throw new RangeError(`unsupported ONNX opset ${opset} (this project writes 13, 14, 17)`);
  return ir;
}
