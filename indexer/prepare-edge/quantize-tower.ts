// A whole tower in int8 for Transformers.js' q8 slot (`*_quantized.onnx`), the way ONNX Runtime's dynamic
// quantization lays it out: constant MatMul weights int8 per column (DynamicQuantizeLinear + MatMulInteger),
// lookup tables int8 per tensor read through DequantizeLinear. Ours, not the conversion script's output
// (that needs Python's onnxruntime.quantization, which is not available here): used by the bench's
// Transformers.js q8 baseline and the tests of --dtype q8.
import { quantizeRows } from "../../shared/search/quantize.ts";
import { type TensorData, tensorData } from "../onnx/graph-builder.ts";
import { type LoadedOnnxModel, readOnnxModel } from "../onnx/read-model.ts";
import { writeModelProto } from "../onnx/write-model.ts";
import { quantizeMatMuls } from "./quantize-matmul.ts";
import { readFloat32 } from "./tensors.ts";

export interface TowerQuantizeSummary {
  matmuls: number;
  /** Gather tables (token and position embeddings) stored as int8. */
  gathers: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** Rewrites `loaded` (mutated): MatMuls via quantizeMatMuls, float32 Gather tables to int8 + DequantizeLinear. */
export function quantizeTowerQ8(loaded: LoadedOnnxModel): TowerQuantizeSummary {
  const summary = quantizeMatMuls(loaded, "integer");
  const graph = loaded.model.graph!;
  const initializers = new Map(loaded.initializers.map((tensor) => [tensor.name, tensor]));
  const graphInputs = new Set((graph.input ?? []).map((value) => value.name ?? ""));
  const added: TensorData[] = [];
  const replaced = new Set<string>();
  let gathers = 0;
  let bytesBefore = summary.bytesBefore;
  let bytesAfter = summary.bytesAfter;
  const nodes = [];
  for (const node of graph.node ?? []) {
    const table = initializers.get(node.input?.[0] ?? "");
    const axis = Number(node.attribute?.find((a) => a.name === "axis")?.i ?? 0);
    if (
      node.opType !== "Gather" ||
      !table ||
      table.dtype !== "float32" ||
      axis !== 0 ||
      graphInputs.has(table.name)
    ) {
      nodes.push(node);
      continue;
    }
    const values = readFloat32(table);
    const name = table.name;
    if (!replaced.has(name)) {
      // Per tensor: the whole table as one row of the shared per-row quantizer.
      const { data, scales } = quantizeRows(1, values.length, (i) => values[i]);
      added.push(
        tensorData(`${name}_int8`, "int8", table.dims, data),
        tensorData(`${name}_scale`, "float32", [], scales),
        tensorData(`${name}_zero`, "int8", [], Int8Array.of(0)),
      );
      replaced.add(name);
      bytesBefore += values.length * 4;
      bytesAfter += values.length + 5;
    }
    gathers++;
    const output = node.output![0];
    nodes.push(
      { ...node, input: [`${name}_int8`, node.input![1]], output: [`${output}_int8`] },
      {
        name: `${node.name || output}_DequantizeLinear`,
        opType: "DequantizeLinear",
        input: [`${output}_int8`, `${name}_scale`, `${name}_zero`],
        output: [output],
      },
    );
  }
  graph.node = nodes;
  const stillRead = new Set(nodes.flatMap((node) => node.input ?? []));
  loaded.initializers = [
    ...loaded.initializers.filter((tensor) => !replaced.has(tensor.name) || stillRead.has(tensor.name)),
    ...added,
  ];
  return { matmuls: summary.matmuls, gathers, bytesBefore, bytesAfter };
}

/**
 * Reads the tower at `sourcePath`, quantizes it (quantizeTowerQ8) and writes it to `outPath` as one file (as
 * Transformers.js' q8 files are: an int8 tower stays far below protobuf's 2 GiB).
 */
export function writeQuantizedTower(sourcePath: string, outPath: string): TowerQuantizeSummary {
  const loaded = readOnnxModel(sourcePath);
  const summary = quantizeTowerQ8(loaded);
  writeModelProto(outPath, loaded.model, loaded.initializers, { externalDataName: null });
  return summary;
}
