// Reads an .onnx file back: the ModelProto plus every initializer's bytes, external data resolved.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { dtypeName, ONNX_DATA_LOCATION, ONNX_DTYPE } from "../../shared/onnx/onnx-constants.ts";
import type { TensorData } from "./graph-builder.ts";
import { type OnnxTypes, onnx } from "./proto.ts";

export interface LoadedOnnxModel {
  model: OnnxTypes.ModelProto;
  /** Initializers in graph order, with their bytes (inline or from the external data file). */
  initializers: TensorData[];
}

/** Decodes the ModelProto only (external data not read); throws InputError when it is not an ONNX model. */
export function readOnnxProto(modelPath: string): OnnxTypes.ModelProto {
  try {
    return onnx.ModelProto.decode(readFileSync(modelPath));
  } catch (error) {
    throw new InputError(
      "bad_model",
      `${modelPath} is not a readable ONNX model: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Name and dims of every initializer, without reading external data (e.g. to count parameters). */
export function initializerShapes(model: OnnxTypes.ModelProto): { name: string; dims: number[] }[] {
  return (model.graph?.initializer ?? []).map((t) => ({
    name: t.name ?? "",
    dims: (t.dims ?? []).map(Number),
  }));
}

/** Parses `modelPath`; throws InputError when it is not an ONNX model or its external data is missing. */
export function readOnnxModel(modelPath: string): LoadedOnnxModel {
  const model = readOnnxProto(modelPath);
  const files = new Map<string, Uint8Array>();
  const load = (location: string): Uint8Array => {
    let bytes = files.get(location);
    if (!bytes) {
      const path = join(dirname(modelPath), location);
      try {
        bytes = new Uint8Array(readFileSync(path));
      } catch (error) {
        throw new InputError(
          "bad_model",
          `${modelPath} keeps its weights in ${location}, which could not be read; copy it beside the model`,
          { cause: error },
        );
      }
      files.set(location, bytes);
    }
    return bytes;
  };
  const initializers = (model.graph?.initializer ?? []).map((t) => tensorBytes(t, load, modelPath));
  return { model, initializers };
}

function tensorBytes(
  tensor: OnnxTypes.ITensorProto,
  load: (location: string) => Uint8Array,
  modelPath: string,
): TensorData {
  const dtype = dtypeName(tensor.dataType ?? 0);
  const name = tensor.name ?? "";
  if (!dtype)
    throw new InputError(
      "bad_model",
      `${modelPath}: initializer ${name} has ONNX data type ${tensor.dataType}, which this tool cannot read (it reads ${Object.keys(ONNX_DTYPE).join(", ")}); export the model with float32 weights`,
    );
  const dims = (tensor.dims ?? []).map(Number);
  if (tensor.dataLocation === ONNX_DATA_LOCATION.EXTERNAL) {
    const entries = new Map((tensor.externalData ?? []).map((e) => [e.key ?? "", e.value ?? ""]));
    const file = load(entries.get("location") ?? "");
    const offset = Number(entries.get("offset") ?? 0);
    const length = Number(entries.get("length") ?? file.byteLength - offset);
    return { name, dtype, dims, bytes: file.subarray(offset, offset + length) };
  }
  if (tensor.rawData && tensor.rawData.byteLength > 0) {
    // A plain Uint8Array view, not the decoder's Buffer: Buffer.slice() shares memory where callers expect a copy.
    const raw = tensor.rawData;
    return { name, dtype, dims, bytes: new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) };
  }
  // Typed fields (float_data, int64_data, ...) are rare in exported models; convert the common ones.
  if (dtype === "float32" && tensor.floatData && tensor.floatData.length > 0) {
    const array = Float32Array.from(tensor.floatData);
    return { name, dtype, dims, bytes: new Uint8Array(array.buffer) };
  }
  if (dtype === "int64" && tensor.int64Data && tensor.int64Data.length > 0) {
    const array = BigInt64Array.from(tensor.int64Data, (v) => BigInt(v.toString()));
    return { name, dtype, dims, bytes: new Uint8Array(array.buffer) };
  }
  if (dtype === "int32" && tensor.int32Data && tensor.int32Data.length > 0) {
    const array = Int32Array.from(tensor.int32Data);
    return { name, dtype, dims, bytes: new Uint8Array(array.buffer) };
  }
  return { name, dtype, dims, bytes: new Uint8Array(0) };
}
