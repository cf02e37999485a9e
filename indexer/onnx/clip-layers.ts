// Layers shared by CLIP's two towers, as ONNX subgraphs: linear, LayerNorm, QuickGELU, multi-head
// attention and the pre-LN residual block (HF CLIPEncoderLayer).
import type { InitSpec, ParameterSource } from "./clip-arch.ts";
import type { GraphBuilder } from "./graph-builder.ts";
import { float } from "./graph-builder.ts";

/** What layer builders need: the graph, where parameter values come from, and LayerNorm epsilon. */
export interface LayerContext {
  g: GraphBuilder;
  params: ParameterSource;
  eps: number;
  /** Constants reused across layers (shapes, scalars), keyed by a description. */
  cache: Map<string, string>;
}

/** Shapes of one residual block and the init scales of its weights (CLIP's init). */
export interface BlockShape {
  width: number;
  heads: number;
  mlpWidth: number;
  /** Init std of q/k/v weights (width^-0.5). */
  attnStd: number;
  /** Init std of out_proj and fc2 ((2 layers)^-0.5 x width^-0.5). */
  projStd: number;
  /** Init std of fc1 ((2 width)^-0.5). */
  fcStd: number;
}

/** Most negative float32: masked attention scores are replaced (not added) so nothing overflows. */
const MASKED_SCORE = -3.4028234663852886e38;

export function makeLayerContext(g: GraphBuilder, params: ParameterSource, eps: number): LayerContext {
  return { g, params, eps, cache: new Map() };
}

/** Adds a float32 parameter; returns its value name. */
export function parameter(ctx: LayerContext, name: string, dims: number[], init: InitSpec): string {
  return ctx.g.initializer(name, "float32", dims, ctx.params(name, dims, init));
}

/** An int64 constant shared by every use with the same values. */
export function sharedInts(ctx: LayerContext, prefix: string, values: number[]): string {
  const key = `ints:${values.join(",")}`;
  let name = ctx.cache.get(key);
  if (!name) {
    name = ctx.g.ints(prefix, values);
    ctx.cache.set(key, name);
  }
  return name;
}

/** A float32 scalar constant shared by every use with the same value. */
function sharedScalar(ctx: LayerContext, prefix: string, value: number): string {
  const key = `scalar:${value}`;
  let name = ctx.cache.get(key);
  if (!name) {
    name = ctx.g.scalar(prefix, value);
    ctx.cache.set(key, name);
  }
  return name;
}

/** x[..., in] @ W[in, out] (+ b): HF Linear `<name>.weight` (stored transposed) and `<name>.bias`. */
export function linear(
  ctx: LayerContext,
  x: string,
  name: string,
  inDim: number,
  outDim: number,
  std: number,
  bias = true,
): string {
  const weight = parameter(ctx, `${name}.weight`, [inDim, outDim], { normal: std });
  const product = ctx.g.op("MatMul", [x, weight]);
  if (!bias) return product;
  return ctx.g.op("Add", [product, parameter(ctx, `${name}.bias`, [outDim], { constant: 0 })]);
}

/** LayerNormalization over the last axis with `<name>.weight` (ones) and `<name>.bias` (zeros). */
export function layerNorm(ctx: LayerContext, x: string, name: string, dim: number): string {
  const scale = parameter(ctx, `${name}.weight`, [dim], { constant: 1 });
  const bias = parameter(ctx, `${name}.bias`, [dim], { constant: 0 });
  return ctx.g.op("LayerNormalization", [x, scale, bias], { axis: -1, epsilon: float(ctx.eps) });
}

/** CLIP's activation: x * sigmoid(1.702 x). */
function quickGelu(ctx: LayerContext, x: string): string {
  const scaled = ctx.g.op("Mul", [x, sharedScalar(ctx, "quick_gelu_alpha", 1.702)]);
  return ctx.g.op("Mul", [x, ctx.g.op("Sigmoid", [scaled])]);
}

/**
 * Multi-head self-attention (HF CLIPAttention) on x [batch, seq, width].
 * `allowed` is a bool [batch|1, 1, seq, seq] mask (true = may attend), or null for none.
 */
function selfAttention(
  ctx: LayerContext,
  x: string,
  name: string,
  shape: BlockShape,
  allowed: string | null,
): string {
  const { g } = ctx;
  const headDim = shape.width / shape.heads;
  const splitHeads = sharedInts(ctx, "split_heads_shape", [0, 0, shape.heads, headDim]);
  const q = linear(ctx, x, `${name}.q_proj`, shape.width, shape.width, shape.attnStd);
  const k = linear(ctx, x, `${name}.k_proj`, shape.width, shape.width, shape.attnStd);
  const v = linear(ctx, x, `${name}.v_proj`, shape.width, shape.width, shape.attnStd);
  const qScaled = g.op("Mul", [q, sharedScalar(ctx, "attention_scale", headDim ** -0.5)]);
  const qHeads = g.op("Transpose", [g.op("Reshape", [qScaled, splitHeads])], { perm: [0, 2, 1, 3] });
  const kHeads = g.op("Transpose", [g.op("Reshape", [k, splitHeads])], { perm: [0, 2, 3, 1] });
  const vHeads = g.op("Transpose", [g.op("Reshape", [v, splitHeads])], { perm: [0, 2, 1, 3] });
  let scores = g.op("MatMul", [qHeads, kHeads]);
  if (allowed) scores = g.op("Where", [allowed, scores, sharedScalar(ctx, "masked_score", MASKED_SCORE)]);
  const probs = g.op("Softmax", [scores], { axis: -1 });
  const context = g.op("Transpose", [g.op("MatMul", [probs, vHeads])], { perm: [0, 2, 1, 3] });
  const merged = g.op("Reshape", [context, sharedInts(ctx, "merge_heads_shape", [0, 0, shape.width])]);
  return linear(ctx, merged, `${name}.out_proj`, shape.width, shape.width, shape.projStd);
}

/** HF CLIPEncoderLayer: x + attn(ln1(x)), then + mlp(ln2(.)), with QuickGELU. */
function encoderLayer(
  ctx: LayerContext,
  x: string,
  name: string,
  shape: BlockShape,
  allowed: string | null,
): string {
  const { g } = ctx;
  const attended = selfAttention(
    ctx,
    layerNorm(ctx, x, `${name}.layer_norm1`, shape.width),
    `${name}.self_attn`,
    shape,
    allowed,
  );
  const afterAttention = g.op("Add", [x, attended]);
  const hidden = quickGelu(
    ctx,
    linear(
      ctx,
      layerNorm(ctx, afterAttention, `${name}.layer_norm2`, shape.width),
      `${name}.mlp.fc1`,
      shape.width,
      shape.mlpWidth,
      shape.fcStd,
    ),
  );
  const mlp = linear(ctx, hidden, `${name}.mlp.fc2`, shape.mlpWidth, shape.width, shape.projStd);
  return g.op("Add", [afterAttention, mlp]);
}

/** CLIP's init scales for a tower of `layers` blocks of `width`. */
function blockShape(width: number, heads: number, mlpWidth: number, layers: number): BlockShape {
  return {
    width,
    heads,
    mlpWidth,
    attnStd: width ** -0.5,
    projStd: width ** -0.5 * (2 * layers) ** -0.5,
    fcStd: (2 * width) ** -0.5,
  };
}

/** Shape of one tower's transformer: `layers` blocks of `width` with `heads` heads and an MLP of `mlpWidth`. */
export interface TowerShape {
  width: number;
  layers: number;
  heads: number;
  mlpWidth: number;
}

/** HF CLIPEncoder: `tower.layers` encoder layers `<name>.layers.<i>` applied to x [batch, seq, width] in turn. */
export function encoderStack(
  ctx: LayerContext,
  x: string,
  name: string,
  tower: TowerShape,
  allowed: string | null,
): string {
  const shape = blockShape(tower.width, tower.heads, tower.mlpWidth, tower.layers);
  let out = x;
  for (let i = 0; i < tower.layers; i++) out = encoderLayer(ctx, out, `${name}.layers.${i}`, shape, allowed);
  return out;
}

/**
 * The projection head: pooled [batch, width] @ `<weightName>` [width, projectionDim] (CLIP's init,
 * width^-0.5), declared as the float32 graph output `outputName` [batch_size, projectionDim].
 */
export function projectionOutput(
  ctx: LayerContext,
  pooled: string,
  weightName: string,
  width: number,
  projectionDim: number,
  outputName: string,
): void {
  const projection = parameter(ctx, weightName, [width, projectionDim], { normal: width ** -0.5 });
  ctx.g.output(
    outputName,
    "float32",
    ["batch_size", projectionDim],
    ctx.g.op("MatMul", [pooled, projection]),
  );
}
