// Builds an ONNX graph in memory (inputs, outputs, initializers, nodes) for the writer to serialize.
import {
  IR_VERSION_OF_OPSET,
  irVersionOf,
  ONNX_ATTRIBUTE_TYPE,
  ONNX_DTYPE,
  ONNX_DTYPE_BYTES,
  type OnnxDtypeName,
} from "../../shared/onnx/onnx-constants.ts";
import type {
  AttributeProto,
  ModelProto,
  NodeProto,
  TensorProto,
  ValueInfoProto,
} from "../../shared/onnx/onnx-messages.ts";

/** A tensor's payload: little-endian element bytes (row-major) with its dtype and shape. */
export interface TensorData {
  name: string;
  dtype: OnnxDtypeName;
  dims: number[];
  bytes: Uint8Array;
}

/** Typed arrays accepted as tensor contents. */
export type TensorArray = Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array | Uint16Array;

/** A float attribute (plain numbers are INT attributes). */
export interface FloatAttr {
  float: number;
}

/** Node attribute values: number -> INT, number[] -> INTS, string -> STRING, {float} -> FLOAT, TensorData -> TENSOR. */
export type AttrValue = number | number[] | string | FloatAttr | TensorData;

/** One dimension of a graph input or output: a size or a symbolic name such as "batch". */
export type Dim = number | string;

/** Wraps a number so that it is written as a FLOAT attribute. */
export function float(value: number): FloatAttr {
  return { float: value };
}

/** Makes TensorData from a typed array, checking that its length matches the shape. */
export function tensorData(
  name: string,
  dtype: OnnxDtypeName,
  dims: number[],
  data: TensorArray,
): TensorData {
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.byteLength !== count * ONNX_DTYPE_BYTES[dtype]) {
    throw new Error(`tensor ${name}: ${data.byteLength} bytes do not fit ${dtype}[${dims.join(",")}]`);
  }
  return { name, dtype, dims, bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function valueInfo(name: string, dtype: OnnxDtypeName, shape: Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ONNX_DTYPE[dtype],
        shape: { dim: shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttrValue): AttributeProto {
  const type = ONNX_ATTRIBUTE_TYPE;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: use float() for ${value}`);
    return { name, type: type.INT, i: value };
  }
  if (typeof value === "string") return { name, type: type.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: type.INTS, ints: value };
  if ("float" in value) return { name, type: type.FLOAT, f: value.float };
  return { name, type: type.TENSOR, t: inlineTensorProto(value) };
}

/** A TensorProto holding its bytes inline (raw_data). */
export function inlineTensorProto(tensor: TensorData): TensorProto {
  return { name: tensor.name, dataType: ONNX_DTYPE[tensor.dtype], dims: tensor.dims, rawData: tensor.bytes };
}

/** What a ModelProto made from a graph carries besides the graph. */
export interface ModelProtoOptions {
  /** model.metadata_props. */
  metadata?: Record<string, string>;
  docString?: string;
}

/**
 * An ONNX graph under construction. Initializers are the model's parameters (weights); small
 * constants (shapes, axes, scalars) are Constant nodes so that counting initializer elements
 * counts parameters.
 */
export class GraphBuilder {
  readonly name: string;
  /** Version of the default ONNX domain its nodes are written for (17 by default, 14 for HF-style exports). */
  readonly opset: number;
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  readonly initializers: TensorData[] = [];
  readonly nodes: NodeProto[] = [];
  private counter = 0;
  private readonly names = new Set<string>();

  constructor(name: string, opset = 17) {
    if (!(opset in IR_VERSION_OF_OPSET)) throw new Error(`graph ${name}: unsupported opset ${opset}`);
    this.name = name;
    this.opset = opset;
  }

  /** The IR version of this graph's opset (7 for opset 14, 8 for 17). */
  get irVersion(): number {
    return irVersionOf(this.opset);
  }

  /** This graph as a ModelProto at its opset and IR version, without initializers (the writer adds them). */
  modelProto(options: ModelProtoOptions = {}): ModelProto {
    return {
      irVersion: this.irVersion,
      opsetImport: [{ domain: "", version: this.opset }],
      producerName: "clip-video-retrieval",
      docString: options.docString ?? "",
      metadataProps: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: { name: this.name, node: this.nodes, input: this.inputs, output: this.outputs },
    };
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate value name ${name}`);
    this.names.add(name);
    return name;
  }

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let name = `${prefix}_${this.counter++}`;
    while (this.names.has(name)) name = `${prefix}_${this.counter++}`;
    return this.claim(name);
  }

  /** Declares a graph input; returns its name. */
  input(name: string, dtype: OnnxDtypeName, shape: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), dtype, shape));
    return name;
  }

  /** Declares the graph output `name`, produced by value `from` (an Identity when the names differ). */
  output(name: string, dtype: OnnxDtypeName, shape: Dim[], from: string = name): string {
    if (from !== name) this.nodes.push({ opType: "Identity", input: [from], output: [this.claim(name)] });
    this.outputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  /** Adds a parameter tensor; returns its name. */
  initializer(name: string, dtype: OnnxDtypeName, dims: number[], data: TensorArray): string {
    this.initializers.push(tensorData(this.claim(name), dtype, dims, data));
    return name;
  }

  /** Adds a Constant node (not a parameter); returns the value name. */
  constant(prefix: string, dtype: OnnxDtypeName, dims: number[], data: TensorArray): string {
    const out = this.fresh(prefix);
    this.nodes.push({
      opType: "Constant",
      input: [],
      output: [out],
      attribute: [attribute("value", tensorData(out, dtype, dims, data))],
    });
    return out;
  }

  /** An int64 1-D Constant, e.g. a shape or axes list (bigint for values beyond 2^53, e.g. INT64_MAX). */
  ints(prefix: string, values: readonly (number | bigint)[]): string {
    return this.constant(
      prefix,
      "int64",
      [values.length],
      BigInt64Array.from(values, (v) => BigInt(v)),
    );
  }

  /** A float32 scalar Constant. */
  scalar(prefix: string, value: number): string {
    return this.constant(prefix, "float32", [], Float32Array.of(value));
  }

  /** Adds a node with `outputCount` fresh outputs; returns their names. */
  nodeN(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    outputCount = 1,
    prefix = opType,
  ): string[] {
    const output = Array.from({ length: outputCount }, () => this.fresh(prefix));
    this.pushNode(opType, inputs, output, attrs);
    return output;
  }

  private pushNode(
    opType: string,
    input: string[],
    output: string[],
    attrs: Record<string, AttrValue>,
  ): void {
    this.nodes.push({
      opType,
      name: `${output[0]}_node`,
      input,
      output,
      attribute: Object.entries(attrs).map(([key, value]) => attribute(key, value)),
    });
  }

  /** Adds a single-output node; returns the output name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, prefix = opType): string {
    return this.nodeN(opType, inputs, attrs, 1, prefix)[0];
  }

  /** Adds a single-output node whose output is named `output` (e.g. a graph output); returns it. */
  opTo(opType: string, inputs: string[], output: string, attrs: Record<string, AttrValue> = {}): string {
    this.pushNode(opType, inputs, [this.claim(output)], attrs);
    return output;
  }

  /** Number of parameter elements (sum over initializers). */
  parameterCount(): number {
    return countParameters(this.initializers);
  }
}

/** Sum of the element counts of `tensors`. */
export function countParameters(tensors: { dims: number[] }[]): number {
  return tensors.reduce((sum, t) => sum + t.dims.reduce((a, b) => a * b, 1), 0);
}
