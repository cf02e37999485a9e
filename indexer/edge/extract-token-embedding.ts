// Takes the token-embedding table out of a CLIP text graph: the Gather of a [vocab, width] initializer
// by input_ids becomes a graph input `inputs_embeds` that the caller fills from a table file.
import { InputError } from "../../shared/errors.ts";
import type { TensorData } from "../onnx/graph-builder.ts";
import { type OnnxTypes, onnx } from "../onnx/proto.ts";
import type { LoadedOnnxModel } from "../onnx/read-model.ts";
import { readFloat32 } from "./tensors.ts";

type GraphProto = OnnxTypes.IGraphProto;
type NodeProto = OnnxTypes.INodeProto;

/** Name of the new graph input: float32 [batch, sequence, width] token embeddings (no positions). */
export const INPUTS_EMBEDS = "inputs_embeds";

/** Ops that pass token ids through unchanged on their way to the Gather. */
const PASS_THROUGH = new Set(["Cast", "Identity"]);

export interface ExtractedTable {
  /** Row-major [rows, width] float32 token embeddings; row i = token id i. */
  table: Float32Array;
  rows: number;
  width: number;
  /** Graph input holding token ids; kept when the graph still reads it (end-token pooling). */
  idsInput: string;
  /** True when the rewired graph still reads `idsInput`. */
  idsStillUsed: boolean;
}

function isIntegerInput(graph: GraphProto, name: string): boolean {
  const input = graph.input?.find((value) => value.name === name);
  const elemType = input?.type?.tensorType?.elemType;
  return elemType === onnx.TensorProto.DataType.INT64 || elemType === onnx.TensorProto.DataType.INT32;
}

/** Follows Cast/Identity producers of `name` back to a graph input name, or undefined. */
function traceToInput(graph: GraphProto, name: string): string | undefined {
  const producers = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const output of node.output ?? []) producers.set(output, node);
  let current = name;
  for (let hops = 0; hops < 8; hops++) {
    if (graph.input?.some((value) => value.name === current)) return current;
    const producer = producers.get(current);
    if (!producer || !PASS_THROUGH.has(producer.opType ?? "")) return undefined;
    current = producer.input?.[0] ?? "";
  }
  return undefined;
}

function findTokenGather(graph: GraphProto, initializers: Map<string, TensorData>) {
  let best: { node: NodeProto; idsInput: string; rows: number; width: number } | undefined;
  for (const node of graph.node ?? []) {
    if (node.opType !== "Gather" || (node.domain ?? "") !== "") continue;
    const axis = Number(node.attribute?.find((attribute) => attribute.name === "axis")?.i ?? 0);
    const table = initializers.get(node.input?.[0] ?? "");
    if (axis !== 0 || !table) continue;
    const dims = table.dims;
    const idsInput = traceToInput(graph, node.input?.[1] ?? "");
    if (dims.length !== 2 || !idsInput || !isIntegerInput(graph, idsInput)) continue;
    // Several candidates (token and position tables gathered by ids): the vocabulary is the larger one.
    if (!best || dims[0] > best.rows) best = { node, idsInput, rows: dims[0], width: dims[1] };
  }
  return best;
}

/**
 * Removes the token-embedding Gather from `loaded` (mutated) and returns its table. Every reader of the
 * Gather's output reads `inputs_embeds` instead; the table initializer is dropped when nothing else uses it.
 */
export function extractTokenEmbedding(loaded: LoadedOnnxModel): ExtractedTable {
  const graph = loaded.model.graph!;
  const initializers = new Map(loaded.initializers.map((tensor) => [tensor.name, tensor]));
  const found = findTokenGather(graph, initializers);
  if (!found)
    throw new InputError(
      "bad_model",
      "no token-embedding Gather found (an initializer [vocab, width] gathered by an integer input_ids): is this a CLIP text model?",
    );
  if (graph.input?.some((value) => value.name === INPUTS_EMBEDS))
    throw new InputError("bad_model", `the text model already has an input named ${INPUTS_EMBEDS}`);
  const { node, idsInput, rows, width } = found;
  const tableName = node.input![0];
  const gathered = node.output![0];
  const table = readFloat32(initializers.get(tableName)!);

  graph.node = graph.node!.filter((candidate) => candidate !== node);
  for (const reader of graph.node)
    reader.input = (reader.input ?? []).map((name) => (name === gathered ? INPUTS_EMBEDS : name));
  for (const output of graph.output ?? []) if (output.name === gathered) output.name = INPUTS_EMBEDS;
  graph.valueInfo = (graph.valueInfo ?? []).filter((info) => info.name !== gathered);
  if (!graph.node.some((reader) => reader.input?.includes(tableName)))
    loaded.initializers = loaded.initializers.filter((candidate) => candidate.name !== tableName);

  const idsDims = graph.input!.find((value) => value.name === idsInput)?.type?.tensorType?.shape?.dim ?? [];
  const embedsDims = [
    ...[0, 1].map((i) => idsDims[i] ?? { dimParam: i === 0 ? "batch_size" : "sequence_length" }),
    { dimValue: width },
  ];
  graph.input!.push(
    onnx.ValueInfoProto.create({
      name: INPUTS_EMBEDS,
      type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: embedsDims } } },
    }),
  );
  const idsStillUsed = graph.node.some((reader) => reader.input?.includes(idsInput));
  if (!idsStillUsed) graph.input = graph.input!.filter((value) => value.name !== idsInput);
  return { table, rows, width, idsInput, idsStillUsed };
}
