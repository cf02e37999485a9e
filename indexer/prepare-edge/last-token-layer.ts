// Rewrites an exported CLIP text graph so that its last transformer block computes only the row that is
// pooled. The text transformer is causal and the edge encoder feeds queries cut after their end token, so the
// pooled row is the last one: the last block still needs keys and values of every row, but its query,
// attention output, MLP and the final LayerNorm need that row alone (5/6 of a block's weights).
// The block is found by what it computes, not by node names (exporters name nodes differently).

import { ONNX_ATTRIBUTE_TYPE } from "../../shared/onnx/onnx-constants.ts";
import { tensorData } from "../onnx/graph-builder.ts";
import type { OnnxTypes } from "../onnx/proto.ts";
import type { LoadedOnnxModel } from "../onnx/read-model.ts";
import { pruneToOutputs } from "../onnx/tower-graph.ts";

type NodeProto = OnnxTypes.INodeProto;

/** What the rewrite did; `skipped` says why when the graph does not have the expected layout. */
export interface LastTokenSummary {
  applied: boolean;
  skipped?: string;
  nodesBefore: number;
  nodesAfter: number;
}

/** Ops between the final LayerNorm's output and the projection MatMul in the export's pooling. */
const POOLING_OPS = new Set(["Reshape", "Gather", "Flatten", "Squeeze", "Unsqueeze"]);
const SUFFIX = "/last_token";

function perm(ints: number[]): OnnxTypes.IAttributeProto {
  return { name: "perm", type: ONNX_ATTRIBUTE_TYPE.INTS, ints };
}

function node(
  opType: string,
  name: string,
  input: string[],
  attribute: OnnxTypes.IAttributeProto[] = [],
): NodeProto {
  return { opType, name, input, output: [name], attribute };
}

/** The graph's wiring: who produces and who reads each tensor, and which tensors are constants. */
class Wiring {
  readonly producer = new Map<string, NodeProto>();
  readonly readers = new Map<string, NodeProto[]>();
  readonly constants: Set<string>;

  constructor(loaded: LoadedOnnxModel) {
    const nodes = loaded.model.graph?.node ?? [];
    for (const n of nodes) {
      for (const name of n.output ?? []) this.producer.set(name, n);
      for (const name of n.input ?? []) this.readers.set(name, [...(this.readers.get(name) ?? []), n]);
    }
    this.constants = new Set([
      ...loaded.initializers.map((t) => t.name),
      ...nodes.filter((n) => n.opType === "Constant").flatMap((n) => n.output ?? []),
    ]);
  }

  readersOf(name: string): NodeProto[] {
    return this.readers.get(name) ?? [];
  }

  /** Nodes downstream of `name`. */
  downstream(name: string): Set<NodeProto> {
    const seen = new Set<NodeProto>();
    const stack = [...this.readersOf(name)];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const out of n.output ?? []) stack.push(...this.readersOf(out));
    }
    return seen;
  }

  /** Nodes upstream of `name` (its producer included). */
  upstream(name: string): Set<NodeProto> {
    const seen = new Set<NodeProto>();
    const stack = [name];
    while (stack.length) {
      const n = this.producer.get(stack.pop()!);
      if (!n || seen.has(n)) continue;
      seen.add(n);
      stack.push(...(n.input ?? []));
    }
    return seen;
  }

  /** `start` then the chain of sole readers that are Add/Mul by a constant (bias, scale). */
  affineChain(start: NodeProto): NodeProto[] {
    const chain = [start];
    for (;;) {
      const readers = this.readersOf(chain.at(-1)!.output![0]);
      const next = readers[0];
      if (readers.length !== 1 || (next.opType !== "Add" && next.opType !== "Mul")) return chain;
      if (!(next.input ?? []).some((name) => this.constants.has(name))) return chain;
      chain.push(next);
    }
  }

  /** The Transpose after the Reshape that reads `name` (a projection's per-head layout), if that is what follows. */
  headsOf(name: string): { reshape: NodeProto; transpose: NodeProto } | undefined {
    const reshape = this.readersOf(name).find((n) => n.opType === "Reshape");
    const transpose = reshape && this.readersOf(reshape.output![0]).find((n) => n.opType === "Transpose");
    return reshape && transpose ? { reshape, transpose } : undefined;
  }
}

/**
 * Rewrites `loaded` (mutated) so that the last block of the text transformer runs its query path, attention
 * output, MLP and the final LayerNorm for the last row only, and pools that row. Valid only when the graph is
 * fed sequences that end at their end token (the edge encoder cuts ids after it). Leaves the graph as it was
 * and says why when the last block is not laid out as CLIP's (q/k/v projections of one tensor, per-head
 * Reshape + Transpose of keys and values, out_proj, row-wise rest up to the pooled LayerNorm output).
 */
export function computeLastTokenOnly(loaded: LoadedOnnxModel, output: string): LastTokenSummary {
  const graph = loaded.model.graph!;
  const nodes = graph.node ?? [];
  const nodesBefore = nodes.length;
  const skip = (reason: string): LastTokenSummary => ({
    applied: false,
    skipped: reason,
    nodesBefore,
    nodesAfter: nodesBefore,
  });
  const wiring = new Wiring(loaded);
  const weightMatMul = (n: NodeProto) => n.opType === "MatMul" && wiring.constants.has(n.input?.[1] ?? "");
  // The text projection: the last weight MatMul before the output (optimum's graph normalizes after it).
  const beforeOutput = wiring.upstream(output);
  const projection = nodes.filter((n) => weightMatMul(n) && beforeOutput.has(n)).at(-1);
  if (!projection) return skip(`${output} is not computed by a MatMul by a weight`);
  // The final LayerNorm's output: walk back from the projection through the pooling's reshapes and gathers.
  let pooled = projection.input![0];
  for (let step = 0; step < 10 && POOLING_OPS.has(wiring.producer.get(pooled)?.opType ?? ""); step++)
    pooled = wiring.producer.get(pooled)!.input![0];

  // The last block's attention input: the last tensor that three MatMuls by constant weights read (q, k, v).
  const hidden = [...nodes]
    .reverse()
    .flatMap((n) => n.output ?? [])
    .find((name) => wiring.readersOf(name).filter(weightMatMul).length === 3);
  if (!hidden) return skip("no tensor is projected by three weight MatMuls (q, k, v)");
  const projections = wiring.readersOf(hidden).filter(weightMatMul);
  const beforePool = wiring.upstream(pooled);
  const softmax = nodes.filter((n) => n.opType === "Softmax" && beforePool.has(n)).at(-1);
  if (!softmax) return skip("no Softmax before the pooled row");
  const chains = projections.map((p) => wiring.affineChain(p));
  // The query is scaled (a Mul in its chain); keys reach the Softmax, values do not.
  const queryChain = chains.find((chain) => chain.some((n) => n.opType === "Mul"));
  const rest = chains.filter((chain) => chain !== queryChain);
  const keyChain = rest.find((chain) => wiring.downstream(chain.at(-1)!.output![0]).has(softmax));
  const valueChain = rest.find((chain) => chain !== keyChain);
  if (!queryChain || !keyChain || !valueChain) return skip("cannot tell the q, k and v projections apart");
  const keys = wiring.headsOf(keyChain.at(-1)!.output![0]);
  const values = wiring.headsOf(valueChain.at(-1)!.output![0]);
  if (!keys || !values) return skip("keys or values are not reshaped per head");
  // out_proj: the first weight MatMul after the Softmax.
  const afterSoftmax = wiring.downstream(softmax.output![0]);
  const outProj = nodes.find((n) => weightMatMul(n) && afterSoftmax.has(n));
  if (!outProj || !beforePool.has(outProj)) return skip("no out_proj MatMul before the pooled row");

  // Copied for one row: the query chain, and every node from out_proj to the pooled LayerNorm output.
  const rowWise = new Set(
    [...wiring.downstream(outProj.input![0])].filter((n) => beforePool.has(n) && n !== outProj),
  );
  rowWise.add(outProj);
  const produced = new Set([...queryChain, ...rowWise].flatMap((n) => n.output ?? []));
  const context = `${outProj.input![0]}${SUFFIX}`;
  const lastHidden = `${hidden}${SUFFIX}`;
  const rename = new Map([
    [hidden, lastHidden],
    [outProj.input![0], context],
  ]);
  // The row-wise part reads one tensor from outside besides constants: the block's input (residual).
  const outer = [...rowWise].flatMap((n) =>
    (n.input ?? []).filter(
      (name) => name && !produced.has(name) && !wiring.constants.has(name) && !rename.has(name),
    ),
  );
  const residuals = [...new Set(outer)];
  if (residuals.length !== 1 || !wiring.upstream(hidden).has(wiring.producer.get(residuals[0])!))
    return skip(`the block's row-wise part reads ${residuals.join(", ") || "nothing"} besides its input`);
  const blockInput = residuals[0];
  const lastInput = `${blockInput}${SUFFIX}`;
  rename.set(blockInput, lastInput);

  const copy = (n: NodeProto) => ({
    ...n,
    name: `${n.name || n.output![0]}${SUFFIX}`,
    input: (n.input ?? []).map(
      (name) => rename.get(name) ?? (produced.has(name) ? `${name}${SUFFIX}` : name),
    ),
    output: (n.output ?? []).map((name) => `${name}${SUFFIX}`),
  });
  const base = hidden.replace(/[^/]*$/, "last_token");
  const constant = (name: string, ints: number[]) => {
    const full = `${base}/${name}`;
    loaded.initializers.push(tensorData(full, "int64", [ints.length], BigInt64Array.from(ints, BigInt)));
    return full;
  };
  const lastRow = [constant("start", [-1]), constant("end", [2 ** 53]), constant("axis", [1])];
  const t = (name: string) => `${base}/${name}`;
  const query = `${queryChain.at(-1)!.output![0]}${SUFFIX}`;
  const attention = [
    // Keys as [1, heads, headDim, n]: the block's per-head keys, transposed for the score MatMul.
    node("Transpose", t("keys_t"), [keys.transpose.output![0]], [perm([0, 1, 3, 2])]),
    // The query row in the keys' head layout ([1, 1, heads, headDim] -> [1, heads, 1, headDim]).
    node("Reshape", t("query_heads"), [query, keys.reshape.input![1]]),
    node("Transpose", t("query_t"), [t("query_heads")], [perm([0, 2, 1, 3])]),
    node("MatMul", t("scores"), [t("query_t"), t("keys_t")]),
    // The last row sees every position: the causal mask adds nothing to it.
    node("Softmax", t("probs"), [t("scores")], [{ name: "axis", type: ONNX_ATTRIBUTE_TYPE.INT, i: -1 }]),
    node("MatMul", t("context_heads"), [t("probs"), values.transpose.output![0]]),
    node("Transpose", t("context_t"), [t("context_heads")], [perm([0, 2, 1, 3])]),
    {
      opType: "Reshape",
      name: context,
      input: [t("context_t"), constant("row_shape", [1, 1, -1])],
      output: [context],
    },
  ];
  const flat = t("pooled");
  const ordered = nodes.filter((n) => rowWise.has(n));
  graph.node = [
    ...nodes.slice(0, nodes.indexOf(projection)),
    {
      opType: "Slice",
      name: lastInput,
      input: [blockInput, ...lastRow],
      output: [lastInput],
    },
    {
      opType: "Slice",
      name: lastHidden,
      input: [hidden, ...lastRow],
      output: [lastHidden],
    },
    ...queryChain.map(copy),
    ...attention,
    ...ordered.map(copy),
    node("Reshape", flat, [`${pooled}${SUFFIX}`, constant("pooled_shape", [1, -1])]),
    ...nodes.slice(nodes.indexOf(projection)),
  ];
  projection.input![0] = flat;
  pruneToOutputs(loaded, [output], "the text graph");
  return { applied: true, nodesBefore, nodesAfter: graph.node?.length ?? 0 };
}
