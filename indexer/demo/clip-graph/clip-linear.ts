// CLIP's per-token layers as torch 1.13's exporter writes them at opset 14: Linear (MatMul, then Add of
// the bias), LayerNorm decomposed (opset 14 has no LayerNormalization) and QuickGELU.
import { floatScalar, type LayerContext, parameter } from "./layer-context.ts";

/**
 * x[..., inDim] @ W[inDim, outDim] (+ b) -> [..., outDim]: HF Linear `<name>.weight` (stored transposed,
 * init normal(0, std)) and `<name>.bias` (zeros); the exporter writes Add(bias, product).
 */
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
  return ctx.g.op("Add", [parameter(ctx, `${name}.bias`, [outDim], { constant: 0 }), product]);
}

/**
 * LayerNorm over the last axis of x [..., dim] with `<name>.weight` (ones) and `<name>.bias` (zeros):
 * (x - mean) / sqrt(mean((x - mean)^2) + eps) * weight + bias.
 */
export function layerNorm(ctx: LayerContext, x: string, name: string, dim: number): string {
  const { g } = ctx;
  const weight = parameter(ctx, `${name}.weight`, [dim], { constant: 1 });
  const bias = parameter(ctx, `${name}.bias`, [dim], { constant: 0 });
  const centered = g.op("Sub", [x, g.op("ReduceMean", [x], { axes: [-1] })]);
  const variance = g.op("ReduceMean", [g.op("Pow", [centered, floatScalar(ctx, 2)])], { axes: [-1] });
  const deviation = g.op("Sqrt", [g.op("Add", [variance, floatScalar(ctx, ctx.eps)])]);
  return g.op("Add", [g.op("Mul", [g.op("Div", [centered, deviation]), weight]), bias]);
}

/** CLIP's activation, elementwise: x * sigmoid(1.702 x). */
export function quickGelu(ctx: LayerContext, x: string): string {
  const scaled = ctx.g.op("Mul", [x, floatScalar(ctx, 1.702)]);
  return ctx.g.op("Mul", [x, ctx.g.op("Sigmoid", [scaled])]);
}
