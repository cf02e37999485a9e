// Our CLIP graphs have the structure of Hugging Face's tower exports: built for hf-tiny-clip's config,
// they equal ../shared/models/hf-tiny-clip/onnx/{text,vision}_model.onnx node for node (Constants aside).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeModel } from "../../../shared/onnx/encode-model.ts";
import { exportDir } from "../../../test/hf-reference.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON } from "../../../test/shared-data.ts";
import type { GraphBuilder } from "../../onnx/graph-builder.ts";
import { type OnnxTypes, onnx } from "../../onnx/proto.ts";
import { readOnnxProto } from "../../onnx/read-model.ts";
import { randomParameters } from "../random-weights.ts";
import type { ClipArch } from "./clip-arch.ts";
import { buildClipTextGraph } from "./clip-text-graph.ts";
import { buildClipVisionGraph } from "./clip-vision-graph.ts";

/** hf-tiny-clip's config.json (transformers' defaults where the file leaves a field out). */
const HF_TINY: ClipArch = {
  projectionDim: 32,
  text: { vocabSize: 49408, contextLength: 77, width: 32, layers: 2, heads: 2, mlpWidth: 64 },
  vision: { imageSize: 224, patchSize: 32, width: 32, layers: 2, heads: 2, mlpWidth: 64 },
  layerNormEps: 1e-5,
};

const onnxDir = join(exportDir("hf-tiny-clip"), "onnx");
const present = hasSharedData && existsSync(join(onnxDir, "text_model.onnx"));
const skipReason = hasSharedData ? `${onnxDir} not found` : SHARED_DATA_SKIP_REASON;

/** Our graph through the protobuf encoder and back, so both sides are read alike. */
function ours(graph: GraphBuilder): OnnxTypes.ModelProto {
  const model = graph.modelProto();
  const initializer = graph.initializers.map((t) => ({ name: t.name, dims: t.dims, dataType: 1 }));
  return onnx.ModelProto.decode(encodeModel({ ...model, graph: { ...model.graph, initializer } }));
}

function opTypes(model: OnnxTypes.ModelProto): string[] {
  return model.graph!.node!.filter((n) => n.opType !== "Constant").map((n) => n.opType!);
}

function io(values: OnnxTypes.IValueInfoProto[]): string[] {
  return values.map((v) => {
    const t = v.type!.tensorType!;
    const dims = t.shape!.dim!.map((d) => d.dimParam || String(d.dimValue));
    return `${v.name}: ${t.elemType} [${dims.join(", ")}]`;
  });
}

/** A constant's dtype, shape and values, e.g. "7[1]=-1" (int64 values kept exact). */
function tensorText(t: OnnxTypes.ITensorProto): string {
  const raw = t.rawData ?? new Uint8Array();
  const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength);
  const values =
    t.dataType === 7
      ? Array.from(new BigInt64Array(buffer), String)
      : t.dataType === 1
        ? Array.from(new Float32Array(buffer), String)
        : Array.from(new Uint8Array(buffer), String);
  return `${t.dataType}[${(t.dims ?? []).map(String).join(",")}]=${values.join(",")}`;
}

function attributeText(a: OnnxTypes.IAttributeProto): string {
  const type = onnx.AttributeProto.AttributeType;
  if (a.type === type.INT) return `${a.name}=${String(a.i)}`;
  if (a.type === type.INTS) return `${a.name}=[${(a.ints ?? []).map(String).join(",")}]`;
  if (a.type === type.FLOAT) return `${a.name}=${a.f}`;
  if (a.type === type.TENSOR) return `${a.name}=${tensorText(a.t!)}`;
  return `${a.name}=${new TextDecoder().decode(a.s ?? new Uint8Array())}`;
}

/**
 * Each non-Constant node as "Op(inputs) attributes", inputs named by what produces them: #k (the k-th
 * non-Constant node), a Constant's value, a graph input, or a parameter (by name; MatMul weights by shape,
 * since the exporter names its transposed copies onnx::MatMul_<n>). Then the graph outputs' producers.
 */
function wiring(model: OnnxTypes.ModelProto): string[] {
  const graph = model.graph!;
  const source = new Map<string, string>();
  for (const v of graph.input ?? []) source.set(v.name!, `input:${v.name}`);
  const params = new Map((graph.initializer ?? []).map((t) => [t.name!, (t.dims ?? []).map(String)]));
  const lines: string[] = [];
  for (const node of graph.node ?? []) {
    if (node.opType === "Constant") {
      source.set(node.output![0], `const ${tensorText(node.attribute![0].t!)}`);
      continue;
    }
    const inputs = node.input!.map((name, i) => {
      const dims = params.get(name);
      if (dims) return node.opType === "MatMul" && i === 1 ? `weight[${dims}]` : `param:${name}`;
      return source.get(name) ?? `?${name}`;
    });
    const attributes = (node.attribute ?? []).map(attributeText).sort();
    for (const [j, name] of node.output!.entries()) source.set(name, `#${lines.length}${j ? `.${j}` : ""}`);
    lines.push(`${node.opType}(${inputs.join(", ")}) ${attributes.join(" ")}`);
  }
  for (const v of graph.output ?? []) lines.push(`output ${v.name} <- ${source.get(v.name!)}`);
  return lines;
}

/** Parameters by name and shape; the exporter's anonymous MatMul weights only by shape. */
function parameterShapes(model: OnnxTypes.ModelProto): string[] {
  return (model.graph!.initializer ?? [])
    .map((t) => {
      const dims = (t.dims ?? []).map(String).join(",");
      return t.name!.startsWith("onnx::MatMul") || /(proj|fc[12]|projection)\.weight$/.test(t.name!)
        ? `matmul weight [${dims}]`
        : `${t.name} [${dims}]`;
    })
    .sort();
}

const towers = [
  { tower: "text", file: "text_model.onnx", build: buildClipTextGraph },
  { tower: "vision", file: "vision_model.onnx", build: buildClipVisionGraph },
];

describe.skipIf(!present)(`CLIP graphs vs Hugging Face's export ${present ? "" : `(${skipReason})`}`, () => {
  describe.each(towers)("$tower tower", ({ file, build }) => {
    const theirs = present ? readOnnxProto(join(onnxDir, file)) : null;
    const mine = ours(build(HF_TINY, randomParameters(0)));

    it("has the same op types in graph order (Constant nodes aside)", () => {
      expect(opTypes(mine)).toEqual(opTypes(theirs!));
    });

    it("has the same inputs and outputs (names, element types, dim names)", () => {
      expect(io(mine.graph!.input!)).toEqual(io(theirs!.graph!.input!));
      expect(io(mine.graph!.output!)).toEqual(io(theirs!.graph!.output!));
    });

    it("wires every node the same way, with the same attributes and constant values", () => {
      expect(wiring(mine)).toEqual(wiring(theirs!));
    });

    it("has the same parameters (names and shapes) at the same opset", () => {
      expect(parameterShapes(mine)).toEqual(parameterShapes(theirs!));
      expect(mine.opsetImport!.map((o) => `${o.domain}:${o.version}`)).toEqual(
        theirs!.opsetImport!.map((o) => `${o.domain}:${o.version}`),
      );
      expect(Number(mine.irVersion)).toBe(Number(theirs!.irVersion));
    });
  });
});
