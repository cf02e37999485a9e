// Reads one CLIP tower's graph from its file: a tower file as it is, or the tower's part of a combined
// CLIPModel graph (optimum's model.onnx), keeping only the nodes, inputs and weights its output needs.
import { InputError } from "../../shared/errors.ts";
import { encodeModel } from "../../shared/onnx/encode-model.ts";
import { TOWER_OUTPUT, type TowerFile } from "../embed/model-dir.ts";
import { inlineTensorProto } from "./graph-builder.ts";
import type { OnnxTypes } from "./proto.ts";
import { type LoadedOnnxModel, readOnnxModel } from "./read-model.ts";

type NodeProto = OnnxTypes.INodeProto;
type GraphProto = OnnxTypes.IGraphProto;

/** Protobuf's limit on one serialized message: a tower bigger than this cannot be handed over in memory. */
const MAX_PROTO_BYTES = 2 ** 31 - 1;

/** Names a node reads, its own inputs and those its subgraphs (If/Loop bodies) take from the outer scope. */
function namesRead(node: NodeProto): string[] {
  const names = [...(node.input ?? [])];
  for (const attribute of node.attribute ?? []) {
    const graphs = [attribute.g, ...(attribute.graphs ?? [])].filter((g): g is GraphProto => Boolean(g));
    for (const graph of graphs) for (const inner of graph.node ?? []) names.push(...namesRead(inner));
  }
  return names.filter((name) => name !== "");
}

/**
 * Cuts `loaded` (mutated) down to what computes `outputs`: graph outputs, nodes, inputs, initializers and
 * value infos that nothing needed reads are dropped. Throws InputError naming the outputs the graph lacks.
 */
export function pruneToOutputs(loaded: LoadedOnnxModel, outputs: readonly string[], label: string): void {
  const graph = loaded.model.graph ?? {};
  const have = (graph.output ?? []).map((value) => value.name ?? "");
  const absent = outputs.filter((name) => !have.includes(name));
  if (absent.length)
    throw new InputError(
      "wrong_model",
      `${label} has no output ${absent.join(", ")} (outputs: ${have.join(", ")}); export CLIPModel or the tower with its projection`,
    );
  const producer = new Map<string, NodeProto>();
  for (const node of graph.node ?? []) for (const name of node.output ?? []) producer.set(name, node);
  const needed = new Set<string>();
  const keep = new Set<NodeProto>();
  const stack = [...outputs];
  while (stack.length) {
    const name = stack.pop() as string;
    if (needed.has(name)) continue;
    needed.add(name);
    const node = producer.get(name);
    if (node && !keep.has(node)) {
      keep.add(node);
      stack.push(...namesRead(node));
    }
  }
  graph.node = (graph.node ?? []).filter((node) => keep.has(node));
  graph.output = (graph.output ?? []).filter((value) => outputs.includes(value.name ?? ""));
  graph.input = (graph.input ?? []).filter((value) => needed.has(value.name ?? ""));
  graph.valueInfo = (graph.valueInfo ?? []).filter((value) => needed.has(value.name ?? ""));
  graph.initializer = (graph.initializer ?? []).filter((tensor) => needed.has(tensor.name ?? ""));
  loaded.initializers = loaded.initializers.filter((tensor) => needed.has(tensor.name));
}

/** The graph of `file`'s tower with every weight in memory; a combined graph is cut to the tower. */
export function readTowerModel(file: TowerFile): LoadedOnnxModel {
  const loaded = readOnnxModel(file.path);
  if (file.combined) pruneToOutputs(loaded, [TOWER_OUTPUT[file.tower]], file.name);
  return loaded;
}

/** Serializes `loaded` with every initializer inline, for InferenceSession.create(bytes). */
export function serializeInline(loaded: LoadedOnnxModel, label: string): Uint8Array {
  const weightBytes = loaded.initializers.reduce((sum, tensor) => sum + tensor.bytes.byteLength, 0);
  if (weightBytes >= MAX_PROTO_BYTES)
    throw new InputError(
      "model_too_large",
      `${label}: the tower's weights (${(weightBytes / 2 ** 30).toFixed(2)} GiB) exceed the 2 GiB an in-memory ONNX model can hold; export the towers as separate files (optimum-cli --split_modalities or Transformers.js' conversion script)`,
    );
  const graph = { ...loaded.model.graph, initializer: loaded.initializers.map(inlineTensorProto) };
  return encodeModel({ ...loaded.model, graph });
}

/** What InferenceSession.create takes for `file`: its path, or the cut-out tower's bytes for a combined graph. */
export function towerSessionSource(file: TowerFile): string | Uint8Array {
  if (!file.combined) return file.path;
  return serializeInline(readTowerModel(file), file.name);
}
