// The one ONNX writer against onnx-proto (protobufjs): every field of the schema, byte for byte, on a message
// that sets them all, on the upstream-made exports in ../shared, and on the Worker's scoring graphs.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { onnx } from "../../indexer/onnx/proto.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { buildEmbeddedScoringGraph, buildFedScoringGraph } from "../search/scoring-graph.ts";
import { encodeModel, ONNX_SCHEMA } from "./encode-model.ts";
import { ONNX_DATA_LOCATION, ONNX_DTYPE } from "./onnx-constants.ts";

type SchemaName = keyof typeof ONNX_SCHEMA;

/** onnx-proto's class of each message the schema describes. */
const CLASSES: Record<SchemaName, { prototype: object }> = {
  ModelProto: onnx.ModelProto,
  GraphProto: onnx.GraphProto,
  NodeProto: onnx.NodeProto,
  AttributeProto: onnx.AttributeProto,
  TensorProto: onnx.TensorProto,
  TensorSegment: onnx.TensorProto.Segment,
  SparseTensorProto: onnx.SparseTensorProto,
  ValueInfoProto: onnx.ValueInfoProto,
  TypeProto: onnx.TypeProto,
  TypeProtoTensor: onnx.TypeProto.Tensor,
  TypeProtoSequence: onnx.TypeProto.Sequence,
  TypeProtoMap: onnx.TypeProto.Map,
  TypeProtoOptional: onnx.TypeProto.Optional,
  TypeProtoSparseTensor: onnx.TypeProto.SparseTensor,
  TensorShapeProto: onnx.TensorShapeProto,
  TensorShapeDimension: onnx.TensorShapeProto.Dimension,
  StringStringEntryProto: onnx.StringStringEntryProto,
  OperatorSetIdProto: onnx.OperatorSetIdProto,
  TensorAnnotation: onnx.TensorAnnotation,
  TrainingInfoProto: onnx.TrainingInfoProto,
  FunctionProto: onnx.FunctionProto,
};

/** Every message class onnx-proto generates (those with an encode), nested ones included. */
function protoClasses(namespace: object, out = new Set<unknown>()): Set<unknown> {
  for (const value of Object.values(namespace))
    if (typeof value === "function" && "encode" in value && !out.has(value)) {
      out.add(value);
      protoClasses(value, out);
    }
  return out;
}

/** A message of `name` with every field set (two elements per list), `depth` levels of nested messages. */
function everyField(name: SchemaName, depth: number, seed = 1): Record<string, unknown> {
  const message: Record<string, unknown> = {};
  let n = seed;
  for (const field of ONNX_SCHEMA[name] as readonly { name: string; type: string; repeated?: true }[]) {
    const one = (): unknown => {
      n++;
      if (field.type === "int32") return n % 2 ? -n : n;
      if (field.type === "int64")
        // Negative, beyond 2^32 as long.js bits, and plain: the three forms decoded messages hold.
        return n % 3 === 0 ? -n : n % 3 === 1 ? { low: n, high: n, unsigned: false } : n * 1000;
      if (field.type === "float") return n + 0.5;
      if (field.type === "double") return -n - 0.25;
      if (field.type === "string") return `${field.name}-${n} é`;
      if (field.type === "bytes") return Uint8Array.of(n, 0, 255);
      return depth > 0 ? everyField(field.type as SchemaName, depth - 1, n * 7) : undefined;
    };
    const values = field.repeated ? [one(), one()] : [one()];
    if (values.every((v) => v !== undefined)) message[field.name] = field.repeated ? values : values[0];
  }
  return message;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("encodeModel", () => {
  it("knows every message and field onnx-proto knows, at its field number", () => {
    expect(protoClasses(onnx)).toEqual(new Set(Object.values(CLASSES)));
    for (const [name, type] of Object.entries(CLASSES)) {
      const fields = Object.keys(type.prototype).filter(
        (key) => typeof (type.prototype as Record<string, unknown>)[key] !== "function",
      );
      const ours = ONNX_SCHEMA[name as SchemaName].map((field) => field.name);
      expect([...ours].sort(), name).toEqual(fields.sort());
      const ids = ONNX_SCHEMA[name as SchemaName].map((field) => field.id);
      expect(ids, `${name} field numbers ascend`).toEqual([...ids].sort((a, b) => a - b));
    }
  });

  it("writes a model that sets every field exactly as onnx-proto does", () => {
    const model = everyField("ModelProto", 6);
    expect(JSON.stringify(model).length).toBeGreaterThan(100_000);
    const ours = encodeModel(model);
    expect(hex(ours)).toBe(hex(onnx.ModelProto.encode(model).finish()));
  });

  it("leaves out null, undefined, empty lists and fields a decoded message only inherits", () => {
    const decoded = onnx.ModelProto.decode(encodeModel({ graph: { name: "g" } }));
    expect(decoded.irVersion).toBeDefined(); // a prototype default, not on the wire
    expect(hex(encodeModel(decoded))).toBe("3a03120167");
    expect(
      hex(encodeModel({ producerName: null, docString: undefined, opsetImport: [], graph: decoded.graph })),
    ).toBe("3a03120167");
    // A field set to its default on the object itself is written, as protobufjs writes it.
    expect(hex(encodeModel({ irVersion: 0, docString: "" }))).toBe("08003200");
  });

  it("writes bigint int64 values as the equivalent long.js bits", () => {
    const tensor = (dims: unknown[]) => ({ graph: { initializer: [{ dims, dataType: ONNX_DTYPE.int64 }] } });
    const big = [2n ** 40n + 3n, -5n, 9_223_372_036_854_775_807n];
    const long = [
      { low: 3, high: 256 },
      { low: -5, high: -1 },
      { low: -1, high: 0x7fffffff },
    ];
    expect(hex(encodeModel(tensor(big) as never))).toBe(hex(onnx.ModelProto.encode(tensor(long)).finish()));
  });

  it.skipIf(!hasSharedData)(
    "rewrites the upstream-made exports in ../shared byte for byte as onnx-proto does",
    () => {
      for (const path of [
        sharedPath("models", "hf-tiny-clip", "onnx", "text_model.onnx"),
        sharedPath("models", "hf-tiny-clip", "onnx", "vision_model_fp16.onnx"),
        sharedPath("models", "optimum-tiny-clip", "model.onnx"),
      ]) {
        const decoded = onnx.ModelProto.decode(readFileSync(path));
        const ours = encodeModel(decoded);
        expect(Buffer.from(ours).equals(Buffer.from(onnx.ModelProto.encode(decoded).finish())), path).toBe(
          true,
        );
      }
    },
  );
  if (!hasSharedData) it.skip(SHARED_DATA_SKIP_REASON, () => {});

  it("writes the scoring graphs in onnx-proto's own layout (decode + encode gives the same bytes)", () => {
    const rows = 5;
    const dimension = 3;
    const graphs = [
      buildEmbeddedScoringGraph({ dtype: "float32", rows, dimension, data: new Float32Array(15).fill(0.5) }),
      buildEmbeddedScoringGraph({
        dtype: "int8",
        rows,
        dimension,
        data: Int8Array.from({ length: 15 }, (_, i) => i - 7),
        scales: new Float32Array(rows).fill(0.01),
      }),
      buildFedScoringGraph(dimension),
    ];
    for (const bytes of graphs)
      expect(hex(onnx.ModelProto.encode(onnx.ModelProto.decode(bytes)).finish())).toBe(hex(bytes));
  });

  it("writes external data entries as write-model.ts sets them", () => {
    const external = {
      name: "w",
      dataType: ONNX_DTYPE.float32,
      dims: [2],
      dataLocation: ONNX_DATA_LOCATION.EXTERNAL,
      externalData: [
        { key: "location", value: "m.onnx_data" },
        { key: "offset", value: "4096" },
        { key: "length", value: "8" },
      ],
    };
    const decoded = onnx.ModelProto.decode(encodeModel({ graph: { initializer: [external] } }));
    const tensor = decoded.graph!.initializer![0];
    expect(tensor.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    expect(tensor.externalData!.map((e) => [e.key, e.value])).toEqual([
      ["location", "m.onnx_data"],
      ["offset", "4096"],
      ["length", "8"],
    ]);
  });
});
