// Dynamic int8 quantization of the MatMuls that multiply by a constant weight: weights become int8 with one
// float32 scale per output column (symmetric, zero point 0); activations are quantized at run time.
import { InputError } from "../../shared/errors.ts";
import { ONNX_ATTRIBUTE_TYPE, ONNX_DTYPE } from "../../shared/onnx/onnx-constants.ts";
import { type TensorData, tensorData } from "../onnx/graph-builder.ts";
import type { OnnxTypes } from "../onnx/proto.ts";
import type { LoadedOnnxModel } from "../onnx/read-model.ts";
import { readFloat32 } from "./tensors.ts";

/**
 * How a quantized MatMul is expressed:
 * - "integer": standard ONNX DynamicQuantizeLinear + MatMulInteger + Cast + Mul (one activation
 *   quantization shared by every MatMul reading the same tensor, e.g. q/k/v projections);
 * - "dqmm": com.microsoft DynamicQuantizeMatMul, one contrib node per MatMul.
 */
export type MatMulForm = "integer" | "dqmm";

export interface QuantizeSummary {
  /** MatMul nodes rewritten. */
  matmuls: number;
  /** Weight bytes before (float32) and after (int8 + float32 scales). */
  bytesBefore: number;
  bytesAfter: number;
}

/** Symmetric per-column int8 quantization of a row-major [k, n] matrix: w ≈ q[r, c] * scale[c]. */
export function quantizePerColumn(weights: Float32Array, k: number, n: number) {
  const scale = new Float32Array(n);
  for (let r = 0; r < k; r++)
    for (let c = 0; c < n; c++) scale[c] = Math.max(scale[c], Math.abs(weights[r * n + c]));
  for (let c = 0; c < n; c++) scale[c] = scale[c] > 0 ? scale[c] / 127 : 1;
  const quantized = new Int8Array(k * n);
  for (let r = 0; r < k; r++)
    for (let c = 0; c < n; c++) quantized[r * n + c] = Math.round(weights[r * n + c] / scale[c]);
  return { quantized, scale };
}

function constantWeight(initializers: Map<string, TensorData>, graphInputs: Set<string>, name: string) {
  const tensor = initializers.get(name);
  // An initializer that is also a graph input can be overridden at run time: leave it alone.
  if (!tensor || graphInputs.has(name) || tensor.dtype !== "float32") return undefined;
  return tensor.dims.length === 2 ? { tensor, k: tensor.dims[0], n: tensor.dims[1] } : undefined;
}

/** Rewrites every MatMul by a constant float32 [k, n] weight in `loaded` (mutated) to int8 `form`. */
export function quantizeMatMuls(loaded: LoadedOnnxModel, form: MatMulForm = "integer"): QuantizeSummary {
  const model = loaded.model;
  const graph = model.graph!;
  const initializers = new Map(loaded.initializers.map((tensor) => [tensor.name, tensor]));
  const graphInputs = new Set((graph.input ?? []).map((value) => value.name ?? ""));
  const quantizedWeights = new Map<string, { q: string; scale: string }>();
  const quantizedActivations = new Map<string, [string, string, string]>();
  const summary: QuantizeSummary = { matmuls: 0, bytesBefore: 0, bytesAfter: 0 };
  const nodes: OnnxTypes.INodeProto[] = [];
  const newInitializers: TensorData[] = [];

  for (const node of graph.node ?? []) {
    const [activation, weightName] = node.input ?? [];
    const weight =
      node.opType === "MatMul" && (node.domain ?? "") === ""
        ? constantWeight(initializers, graphInputs, weightName ?? "")
        : undefined;
    if (!weight) {
      nodes.push(node);
      continue;
    }
    summary.matmuls++;
    let names = quantizedWeights.get(weightName);
    if (!names) {
      const { quantized, scale } = quantizePerColumn(readFloat32(weight.tensor), weight.k, weight.n);
      names = { q: `${weightName}_int8`, scale: `${weightName}_scale` };
      newInitializers.push(tensorData(names.q, "int8", [weight.k, weight.n], quantized));
      newInitializers.push(tensorData(names.scale, "float32", [weight.n], scale));
      quantizedWeights.set(weightName, names);
      summary.bytesBefore += weight.k * weight.n * 4;
      summary.bytesAfter += weight.k * weight.n + weight.n * 4;
    }
    const output = node.output![0];
    const base = node.name || output;
    if (form === "dqmm") {
      nodes.push({
        name: `${base}_dqmm`,
        opType: "DynamicQuantizeMatMul",
        domain: "com.microsoft",
        input: [activation, names.q, names.scale],
        output: [output],
      });
      continue;
    }
    let quantizedActivation = quantizedActivations.get(activation);
    if (!quantizedActivation) {
      quantizedActivation = [`${activation}_quant`, `${activation}_quant_scale`, `${activation}_quant_zero`];
      quantizedActivations.set(activation, quantizedActivation);
      nodes.push({
        name: `${activation}_DynamicQuantizeLinear`,
        opType: "DynamicQuantizeLinear",
        input: [activation],
        output: quantizedActivation,
      });
    }
    const [aQuant, aScale, aZero] = quantizedActivation;
    nodes.push(
      {
        name: `${base}_MatMulInteger`,
        opType: "MatMulInteger",
        input: [aQuant, names.q, aZero],
        output: [`${output}_int32`],
      },
      {
        name: `${base}_Cast`,
        opType: "Cast",
        input: [`${output}_int32`],
        output: [`${output}_unscaled`],
        attribute: [{ name: "to", type: ONNX_ATTRIBUTE_TYPE.INT, i: ONNX_DTYPE.float32 }],
      },
      {
        name: `${base}_ScaleMul`,
        opType: "Mul",
        input: [aScale, names.scale],
        output: [`${output}_scale`],
      },
      {
        name: `${base}_Mul`,
        opType: "Mul",
        input: [`${output}_unscaled`, `${output}_scale`],
        output: [output],
      },
    );
  }

  graph.node = nodes;
  const replaced = new Set(quantizedWeights.keys());
  const stillRead = new Set(nodes.flatMap((node) => node.input ?? []));
  loaded.initializers = [
    ...loaded.initializers.filter((tensor) => !replaced.has(tensor.name) || stillRead.has(tensor.name)),
    ...newInitializers,
  ];
  requireOpsets(model, form);
  return summary;
}

/** DynamicQuantizeLinear needs opset 11; the contrib form needs the com.microsoft domain. */
function requireOpsets(model: OnnxTypes.ModelProto, form: MatMulForm) {
  const imports = model.opsetImport ?? [];
  const main = imports.find((entry) => (entry.domain ?? "") === "");
  if (main && Number(main.version) < 11)
    throw new InputError(
      "bad_model",
      `the text model uses ONNX opset ${main.version}; re-export it with opset 11 or newer`,
    );
  if (form === "dqmm" && !imports.some((entry) => entry.domain === "com.microsoft"))
    imports.push({ domain: "com.microsoft", version: 1 });
  model.opsetImport = imports;
}
