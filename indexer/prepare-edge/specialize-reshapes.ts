// Gives the computed Reshape targets of an exported text graph constant values for batch 1 (the edge encoder
// runs one query at a time). Exports compute them at run time (Shape -> Gather -> Unsqueeze -> Concat per
// Reshape: about half the nodes of a Hugging Face CLIP text graph), and onnxruntime-web pays a fixed cost per
// node. The targets are read by running the graph at two sequence lengths; the one entry that follows the
// length becomes -1, and the shape subgraphs that nothing else reads are dropped.
import type { OrtTensor } from "../../shared/model/ort-types.ts";
import { ONNX_DTYPE } from "../../shared/onnx/onnx-constants.ts";
import { createNodeSession } from "../embed/onnx-runtime.ts";
import { tensorData } from "../onnx/graph-builder.ts";
import type { OnnxTypes } from "../onnx/proto.ts";
import type { LoadedOnnxModel } from "../onnx/read-model.ts";
import { pruneToOutputs, serializeInline } from "../onnx/tower-graph.ts";

type NodeProto = OnnxTypes.INodeProto;

/** Two lengths that share no factor with each other or with CLIP's widths, so no target entry matches both by chance. */
export const PROBE_LENGTHS = [7, 11] as const;

export interface SpecializeSummary {
  /** Reshapes whose target became a constant. */
  fixed: number;
  /** Reshapes left computed (more than one entry follows the length, or a -1 is already taken). */
  kept: number;
  nodesBefore: number;
  nodesAfter: number;
}

/** Feeds for one probe run of `length` tokens; the caller knows the graph's inputs (embeds, ids, mask). */
export type ProbeFeeds = (length: number) => Record<string, OrtTensor>;

/** The constant target of one Reshape, or null when its entries cannot be fixed with at most one -1. */
export function constantTarget(targets: readonly (readonly bigint[])[]): bigint[] | null {
  const [first, ...others] = targets;
  if (others.some((target) => target.length !== first.length)) return null;
  const varying = first.map((value, i) => others.some((target) => target[i] !== value));
  const count = varying.filter(Boolean).length;
  if (count === 0) return [...first];
  // Reshape allows one -1; a second (computed) -1 or any 0 ("copy this input dimension") would change meaning.
  if (count > 1 || first.some((value, i) => !varying[i] && (value === -1n || value === 0n))) return null;
  return first.map((value, i) => (varying[i] ? -1n : value));
}

function probeOutput(name: string): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: ONNX_DTYPE.int64, shape: { dim: [{ dimParam: "rank" }] } } },
  };
}

/**
 * Rewrites `loaded` (mutated) so that every Reshape whose target is computed and depends on the sequence
 * length in at most one entry reads a constant target instead; then prunes to `outputs`. The graph must be
 * run with batch 1 from then on.
 */
export async function specializeReshapes(
  loaded: LoadedOnnxModel,
  outputs: readonly string[],
  feeds: ProbeFeeds,
): Promise<SpecializeSummary> {
  const graph = loaded.model.graph!;
  const nodesBefore = graph.node?.length ?? 0;
  const constants = new Set([
    ...loaded.initializers.map((tensor) => tensor.name),
    ...(graph.node ?? []).filter((node) => node.opType === "Constant").flatMap((node) => node.output ?? []),
  ]);
  const produced = new Set((graph.node ?? []).flatMap((node) => node.output ?? []));
  const computed = (graph.node ?? []).filter(
    (node): node is NodeProto & { input: string[] } =>
      node.opType === "Reshape" &&
      (node.input?.length ?? 0) >= 2 &&
      produced.has(node.input![1]) &&
      !constants.has(node.input![1]),
  );
  if (computed.length === 0) return { fixed: 0, kept: 0, nodesBefore, nodesAfter: nodesBefore };

  const targetNames = [...new Set(computed.map((node) => node.input[1]))];
  // The targets become extra outputs of a copy for the probe; the graph itself keeps its outputs.
  const outputsBefore = graph.output;
  graph.output = [...(graph.output ?? []), ...targetNames.map(probeOutput)];
  let probeBytes: Uint8Array;
  try {
    probeBytes = serializeInline(loaded, "the text graph");
  } finally {
    graph.output = outputsBefore;
  }
  const probe = await createNodeSession(probeBytes, { threads: 1 }, "the text graph (shape probe)");
  const runs: Map<string, bigint[]>[] = [];
  try {
    for (const length of PROBE_LENGTHS) {
      const result = await probe.run(feeds(length));
      runs.push(new Map(targetNames.map((name) => [name, [...(result[name].data as BigInt64Array)]])));
    }
  } finally {
    await probe.release();
  }

  let fixed = 0;
  for (const [i, node] of computed.entries()) {
    const target = constantTarget(runs.map((run) => run.get(node.input[1])!));
    if (!target) continue;
    const name = `${node.input[1]}/specialized_${i}`;
    loaded.initializers.push(tensorData(name, "int64", [target.length], BigInt64Array.from(target)));
    node.input[1] = name;
    fixed++;
  }
  pruneToOutputs(loaded, outputs, "the text graph");
  return { fixed, kept: computed.length - fixed, nodesBefore, nodesAfter: graph.node?.length ?? 0 };
}
