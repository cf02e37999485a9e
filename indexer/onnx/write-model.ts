// Writes an .onnx file (a GraphBuilder graph or an existing ModelProto), big initializers in external data beside it.
import { closeSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { basename } from "node:path";
import { encodeModel } from "../../shared/onnx/encode-model.ts";
import { ONNX_DATA_LOCATION, ONNX_DTYPE } from "../../shared/onnx/onnx-constants.ts";
import type { ModelProto, TensorProto } from "../../shared/onnx/onnx-messages.ts";
import type { GraphBuilder, TensorData } from "./graph-builder.ts";
import { inlineTensorProto } from "./graph-builder.ts";

/** Where initializers go: inline in the .onnx file or in an external data file beside it. */
export interface ExternalDataOptions {
  /** Initializers of at least this many bytes go to the external data file (default 1024). */
  externalThresholdBytes?: number;
  /**
   * External data file name, relative to the model (default `<model file>_data`, e.g.
   * text_model.onnx_data, the name Transformers.js fetches with use_external_data_format).
   * Pass null to keep everything inside the .onnx file (must stay under 2 GiB).
   */
  externalDataName?: string | null;
}

export interface WriteModelOptions extends ExternalDataOptions {
  /** model.metadata_props. */
  metadata?: Record<string, string>;
  docString?: string;
}

export interface WrittenModel {
  modelPath: string;
  /** Absolute path of the external data file, or null when none was written. */
  dataPath: string | null;
  modelBytes: number;
  dataBytes: number;
}

// Every external tensor starts on a 64-byte boundary (aligned for any element type); tensors of 64 KiB or
// more start on a page boundary, so that ONNX Runtime may memory-map them.
const ALIGN = 64;
const PAGE = 4096;
const ALIGN_FROM_BYTES = 65536;

/** Writes `graph` to `modelPath` at the graph's opset (17 unless it was built for another; atomically). */
export function writeOnnxModel(
  modelPath: string,
  graph: GraphBuilder,
  options: WriteModelOptions = {},
): WrittenModel {
  const model = graph.modelProto({ docString: options.docString, metadata: options.metadata });
  return writeModelProto(modelPath, model, graph.initializers, options);
}

/**
 * Writes an existing `model` (e.g. a rewritten export: its IR version, opset imports, contrib domains and
 * metadata are kept) to `modelPath`, with `initializers` replacing model.graph.initializer; atomically.
 */
export function writeModelProto(
  modelPath: string,
  model: ModelProto,
  initializers: TensorData[],
  options: ExternalDataOptions = {},
): WrittenModel {
  const threshold = options.externalThresholdBytes ?? 1024;
  const dataName =
    options.externalDataName === undefined ? `${basename(modelPath)}_data` : options.externalDataName;
  const dataPath = dataName === null ? null : `${modelPath.slice(0, -basename(modelPath).length)}${dataName}`;
  const initializer: TensorProto[] = [];
  let offset = 0;
  let fd: number | null = null;
  try {
    for (const tensor of initializers) {
      if (dataName === null || dataPath === null || tensor.bytes.byteLength < threshold) {
        initializer.push(inlineTensorProto(tensor));
        continue;
      }
      if (fd === null) fd = openSync(`${dataPath}.tmp`, "w");
      const align = tensor.bytes.byteLength >= ALIGN_FROM_BYTES ? PAGE : ALIGN;
      if (offset % align !== 0) {
        const pad = align - (offset % align);
        writeSync(fd, new Uint8Array(pad));
        offset += pad;
      }
      writeAll(fd, tensor.bytes);
      initializer.push(externalTensorProto(tensor, dataName, offset));
      offset += tensor.bytes.byteLength;
    }
  } finally {
    if (fd !== null) closeSync(fd);
  }
  const bytes = encodeModel({ ...model, graph: { ...model.graph, initializer } });
  writeFileSync(`${modelPath}.tmp`, bytes);
  if (fd !== null && dataPath !== null) renameSync(`${dataPath}.tmp`, dataPath);
  renameSync(`${modelPath}.tmp`, modelPath);
  return {
    modelPath,
    dataPath: fd === null ? null : dataPath,
    modelBytes: bytes.byteLength,
    dataBytes: offset,
  };
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

function externalTensorProto(tensor: TensorData, location: string, offset: number): TensorProto {
  return {
    name: tensor.name,
    dataType: ONNX_DTYPE[tensor.dtype],
    dims: tensor.dims,
    dataLocation: ONNX_DATA_LOCATION.EXTERNAL,
    externalData: [
      { key: "location", value: location },
      { key: "offset", value: String(offset) },
      { key: "length", value: String(tensor.bytes.byteLength) },
    ],
  };
}
