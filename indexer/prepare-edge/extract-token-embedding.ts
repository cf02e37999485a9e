// Takes the token-embedding table out of a CLIP text graph: the Gather of a [vocab, width] float initializer
// by the token ids becomes a graph input `inputs_embeds` that the caller fills from a table file. The Gather is
// found by what it computes (rows of the vocabulary table picked by input_ids), whatever view ops the exporter
// put between input_ids and it (Hugging Face's `input_ids.view(-1, seq)` is a Reshape).
import { InputError } from "../../shared/errors.ts";
import { ONNX_ATTRIBUTE_TYPE, ONNX_DTYPE } from "../../shared/onnx/onnx-constants.ts";
import { type TensorData, tensorData } from "../onnx/graph-builder.ts";
import type { OnnxTypes } from "../onnx/proto.ts";
import type { LoadedOnnxModel } from "../onnx/read-model.ts";
import { readFloat32 } from "./tensors.ts";

type GraphProto = OnnxTypes.IGraphProto;
type NodeProto = OnnxTypes.INodeProto;

/** Name of the new graph input: float32 [batch, sequence, width] token embeddings (no positions). */
export const INPUTS_EMBEDS = "inputs_embeds";

/** Ops that hand the token ids on with their values and order unchanged (only the view or integer type changes). */
const VALUE_PRESERVING = new Set(["Identity", "Cast", "Reshape", "Unsqueeze", "Squeeze", "Flatten"]);
/** Of those, the ones that may change the shape: the rewired graph then restores the Gather's output shape. */
const VIEW_CHANGING = new Set(["Reshape", "Unsqueeze", "Squeeze", "Flatten"]);
const INTEGER_TYPES = new Set<number>([
  ONNX_DTYPE.int64,
  ONNX_DTYPE.int32,
  ONNX_DTYPE.int8,
  ONNX_DTYPE.uint8,
  4 /* uint16 */,
  5 /* int16 */,
  12 /* uint32 */,
  13 /* uint64 */,
]);

export interface ExtractedTable {
  /** Row-major [rows, width] float32 token embeddings; row i = token id i. */
  table: Float32Array;
  rows: number;
  width: number;
  /** Graph input holding token ids; kept when the graph still reads it (end-token pooling, shapes). */
  idsInput: string;
  /** True when the rewired graph still reads `idsInput`. */
  idsStillUsed: boolean;
  /** The ops between input_ids and the Gather, input side first (e.g. ["Reshape"]). */
  path: string[];
}

export interface ExtractOptions {
  /** Vocabulary size (config.json or the tokenizer): picks the token table among several gathered tables. */
  vocabSize?: number;
}

function describeNode(node: NodeProto): string {
  return `${node.opType} node "${node.name || node.output?.[0]}"`;
}

function isIntegerInput(graph: GraphProto, name: string): boolean {
  const input = graph.input?.find((value) => value.name === name);
  return INTEGER_TYPES.has(input?.type?.tensorType?.elemType ?? -1);
}

type Trace = { input: string; path: NodeProto[] } | { blocker: NodeProto | null };

/** Follows the producers of `name` (first input) back through value-preserving ops to a graph input. */
function traceToInput(graph: GraphProto, producers: Map<string, NodeProto>, name: string): Trace {
  const path: NodeProto[] = [];
  let current = name;
  for (;;) {
    if (graph.input?.some((value) => value.name === current)) return { input: current, path: path.reverse() };
    const producer = producers.get(current);
    if (!producer) return { blocker: null };
    const castToFloat =
      producer.opType === "Cast" &&
      !INTEGER_TYPES.has(Number(producer.attribute?.find((a) => a.name === "to")?.i ?? -1));
    if (!VALUE_PRESERVING.has(producer.opType ?? "") || (producer.domain ?? "") !== "" || castToFloat)
      return { blocker: producer };
    path.push(producer);
    current = producer.input?.[0] ?? "";
  }
}

/** Ops whose output depends on their input's shape only: the ids' values do not flow through them. */
const SHAPE_ONLY = new Set(["Shape", "Size"]);

/**
 * True when the values of an integer graph input reach `name` (through any op but Shape/Size): what makes a
 * Gather a lookup by token ids. HF's position lookup depends on input_ids only through Shape.
 */
function valuesFromIntegerInput(graph: GraphProto, producers: Map<string, NodeProto>, name: string): boolean {
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length) {
    const current = stack.pop() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    if (isIntegerInput(graph, current)) return true;
    const producer = producers.get(current);
    if (!producer || SHAPE_ONLY.has(producer.opType ?? "")) continue;
    stack.push(...(producer.input ?? []).filter((input) => input !== ""));
  }
  return false;
}

/** Gather nodes (axis 0) of a 2-D float initializer: the lookups that could be the token embedding. */
function tableGathers(graph: GraphProto, initializers: Map<string, TensorData>) {
  const found: { node: NodeProto; rows: number; width: number }[] = [];
  for (const node of graph.node ?? []) {
    if (node.opType !== "Gather" || (node.domain ?? "") !== "") continue;
    const axis = Number(node.attribute?.find((attribute) => attribute.name === "axis")?.i ?? 0);
    const table = initializers.get(node.input?.[0] ?? "");
    if (axis !== 0 || !table || table.dims.length !== 2) continue;
    if (table.dtype !== "float32" && table.dtype !== "float16") continue;
    found.push({ node, rows: table.dims[0], width: table.dims[1] });
  }
  return found;
}

/**
 * Removes the token-embedding Gather from `loaded` (mutated) and returns its table. Every reader of the
 * Gather's output reads `inputs_embeds` instead (reshaped to the Gather's output shape when view ops stood
 * between input_ids and the Gather); the table initializer is dropped when nothing else uses it.
 * Throws InputError naming the node when the ids reach the table through anything but view ops.
 */
export function extractTokenEmbedding(loaded: LoadedOnnxModel, options: ExtractOptions = {}): ExtractedTable {
  const graph = loaded.model.graph!;
  const initializers = new Map(loaded.initializers.map((tensor) => [tensor.name, tensor]));
  const producers = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const output of node.output ?? []) producers.set(output, node);
  const candidates = tableGathers(graph, initializers).filter((c) =>
    valuesFromIntegerInput(graph, producers, c.node.input?.[1] ?? ""),
  );
  // The vocabulary table: the one with vocab_size rows, else the largest.
  const byVocab = candidates.filter((c) => c.rows === options.vocabSize);
  const pool = byVocab.length > 0 ? byVocab : candidates;
  const found = pool.reduce<(typeof pool)[number] | undefined>(
    (best, c) => (!best || c.rows > best.rows ? c : best),
    undefined,
  );
  if (!found)
    throw new InputError(
      "bad_model",
      "no token-embedding Gather found (a Gather of a [vocab, width] float initializer by input_ids): is this a CLIP text model?",
    );
  if (graph.input?.some((value) => value.name === INPUTS_EMBEDS))
    throw new InputError("bad_model", `the text model already has an input named ${INPUTS_EMBEDS}`);
  const { node, rows, width } = found;
  const trace = traceToInput(graph, producers, node.input?.[1] ?? "");
  if (!("input" in trace))
    throw new InputError(
      "bad_model",
      `the token-embedding Gather "${node.name}" reads its ids through ${trace.blocker ? describeNode(trace.blocker) : "a value that no node or input produces"}; prepare-edge can move the lookup out of the graph only when input_ids reach it through ${[...VALUE_PRESERVING].join("/")}`,
    );
  if (!isIntegerInput(graph, trace.input))
    throw new InputError(
      "bad_model",
      `the token-embedding Gather reads graph input ${trace.input}, which is not an integer tensor`,
    );
  const idsInput = trace.input;
  const tableName = node.input![0];
  const gathered = node.output![0];
  const indices = node.input![1];
  const table = readFloat32(initializers.get(tableName)!);

  graph.node = graph.node!.filter((candidate) => candidate !== node);
  let replacement = INPUTS_EMBEDS;
  if (trace.path.some((step) => VIEW_CHANGING.has(step.opType ?? ""))) {
    // inputs_embeds comes as [batch, sequence, width] (input_ids' shape + width); give the readers the shape
    // the Gather had: the shape of its (still computed) indices + width. Same elements, same order.
    const widthName = `${INPUTS_EMBEDS}/width`;
    loaded.initializers.push(tensorData(widthName, "int64", [1], BigInt64Array.of(BigInt(width))));
    const shape = `${INPUTS_EMBEDS}/indices_shape`;
    const target = `${INPUTS_EMBEDS}/gather_shape`;
    replacement = `${INPUTS_EMBEDS}/as_gathered`;
    const restore: NodeProto[] = [
      { opType: "Shape", name: shape, input: [indices], output: [shape] },
      {
        opType: "Concat",
        name: target,
        input: [shape, widthName],
        output: [target],
        attribute: [{ name: "axis", type: ONNX_ATTRIBUTE_TYPE.INT, i: 0 }],
      },
      {
        opType: "Reshape",
        name: replacement,
        input: [INPUTS_EMBEDS, target],
        output: [replacement],
      },
    ];
    const at = graph.node.findIndex((candidate) => candidate.input?.includes(gathered));
    graph.node.splice(at < 0 ? graph.node.length : at, 0, ...restore);
  }
  for (const reader of graph.node)
    if (reader.output?.[0] !== replacement)
      reader.input = (reader.input ?? []).map((name) => (name === gathered ? replacement : name));
  for (const output of graph.output ?? []) if (output.name === gathered) output.name = replacement;
  graph.valueInfo = (graph.valueInfo ?? []).filter((info) => info.name !== gathered);
  if (!graph.node.some((reader) => reader.input?.includes(tableName)))
    loaded.initializers = loaded.initializers.filter((candidate) => candidate.name !== tableName);

  const idsDims = graph.input!.find((value) => value.name === idsInput)?.type?.tensorType?.shape?.dim ?? [];
  const embedsDims = [
    ...[0, 1].map((i) => idsDims[i] ?? { dimParam: i === 0 ? "batch_size" : "sequence_length" }),
    { dimValue: width },
  ];
  graph.input!.push({
    name: INPUTS_EMBEDS,
    type: { tensorType: { elemType: ONNX_DTYPE.float32, shape: { dim: embedsDims } } },
  });
  const idsStillUsed = graph.node.some((reader) => reader.input?.includes(idsInput));
  if (!idsStillUsed) graph.input = graph.input!.filter((value) => value.name !== idsInput);
  return { table, rows, width, idsInput, idsStillUsed, path: trace.path.map((step) => step.opType ?? "") };
}
