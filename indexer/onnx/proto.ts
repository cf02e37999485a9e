// The one import of onnx-proto (a CommonJS build whose named exports Node's ESM loader cannot see), kept for
// decoding .onnx files; writing goes through shared/onnx/encode-model.ts.
import onnxProto from "onnx-proto";

/** The generated protobuf classes of the ONNX schema (ModelProto, GraphProto, NodeProto, TensorProto, ...). */
export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from "onnx-proto";
