// Writes a transformed ModelProto (its own opsets kept) with big initializers in an external data file beside it.
// MODEL's indexer/onnx/write-model.ts writes GraphBuilder graphs at a fixed opset 17 without contrib domains,
// which a rewritten export (opset 14, com.microsoft ops) cannot use.
import { writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { inlineTensorProto, type TensorData } from "../onnx/graph-builder.ts";
import { ONNX_DTYPE, type OnnxTypes, onnx } from "../onnx/proto.ts";

/** Initializers of at least this many bytes go to the external data file. */
export const EXTERNAL_DATA_THRESHOLD_BYTES = 1024;

/** Sizes in bytes of what writeModelProto wrote. */
export interface WrittenModelProto {
  graphBytes: number;
  externalDataBytes: number;
  /** File name of the external data, relative to the model (`<model file>_data`). */
  externalDataFile: string;
}

/**
 * Writes `model` with `initializers` (replacing model.graph.initializer) to `path`; tensors of at least
 * `threshold` bytes go to `<basename>_data` at 64-byte aligned offsets.
 */
export function writeModelProto(
  path: string,
  model: OnnxTypes.IModelProto,
  initializers: TensorData[],
  threshold = EXTERNAL_DATA_THRESHOLD_BYTES,
): WrittenModelProto {
  const externalDataFile = `${basename(path)}_data`;
  const chunks: Uint8Array[] = [];
  const protos: OnnxTypes.ITensorProto[] = [];
  let offset = 0;
  for (const tensor of initializers) {
    if (tensor.bytes.byteLength < threshold) {
      protos.push(inlineTensorProto(tensor));
      continue;
    }
    const padding = (64 - (offset % 64)) % 64;
    if (padding) chunks.push(new Uint8Array(padding));
    offset += padding;
    chunks.push(tensor.bytes);
    protos.push({
      name: tensor.name,
      dataType: ONNX_DTYPE[tensor.dtype],
      dims: tensor.dims,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: "location", value: externalDataFile },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(tensor.bytes.byteLength) },
      ],
    });
    offset += tensor.bytes.byteLength;
  }
  const bytes = onnx.ModelProto.encode({ ...model, graph: { ...model.graph, initializer: protos } }).finish();
  writeFileSync(path, bytes);
  const data = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.byteLength;
  }
  writeFileSync(join(dirname(path), externalDataFile), data);
  return { graphBytes: bytes.byteLength, externalDataBytes: offset, externalDataFile };
}
