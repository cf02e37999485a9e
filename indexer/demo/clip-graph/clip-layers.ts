// CLIP's transformer as ONNX subgraphs shared by both towers: the pre-LN residual block (HF
// CLIPEncoderLayer), the encoder stack and the projection head.
import { selfAttention } from "./clip-attention.ts";
import { layerNorm, linear, quickGelu } from "./clip-linear.ts";
import { type LayerContext, parameter } from "./layer-context.ts";

/** Shape of one tower's transformer: `layers` blocks of `width` with `heads` heads and an MLP of `mlpWidth`. */
export interface TowerShape {
  width: number;
  layers: number;
  heads: number;
  mlpWidth: number;
}

/** CLIP's init scales for a tower: q/k/v width^-0.5, out_proj and fc2 (2 layers)^-0.5 width^-0.5, fc1 (2 width)^-0.5. */
function initScales(tower: TowerShape) {
  return {
    attnStd: tower.width ** -0.5,
    projStd: tower.width ** -0.5 * (2 * tower.layers) ** -0.5,
    fcStd: (2 * tower.width) ** -0.5,
  };
}

/** HF CLIPEncoderLayer on x [batch, seq, width]: x + attn(ln1(x)), then + fc2(quick_gelu(fc1(ln2(.)))). */
function encoderLayer(
  ctx: LayerContext,
  x: string,
  name: string,
  tower: TowerShape,
  mask: string | null,
): string {
  const { g } = ctx;
  const { width, mlpWidth } = tower;
  const { attnStd, projStd, fcStd } = initScales(tower);
  const normed = layerNorm(ctx, x, `${name}.layer_norm1`, width);
  const attended = selfAttention(
    ctx,
    normed,
    `${name}.self_attn`,
    { width, heads: tower.heads, attnStd, projStd },
    mask,
  );
  const afterAttention = g.op("Add", [x, attended]);
  const normed2 = layerNorm(ctx, afterAttention, `${name}.layer_norm2`, width);
  const hidden = quickGelu(ctx, linear(ctx, normed2, `${name}.mlp.fc1`, width, mlpWidth, fcStd));
  const mlp = linear(ctx, hidden, `${name}.mlp.fc2`, mlpWidth, width, projStd);
  return g.op("Add", [afterAttention, mlp]);
}

/**
 * HF CLIPEncoder: `tower.layers` encoder layers `<name>.layers.<i>` applied to x [batch, seq, width] in
 * turn; `mask` is an additive float32 [batch, 1, seq, seq] attention mask or null.
 */
export function encoderStack(
  ctx: LayerContext,
  x: string,
  name: string,
  tower: TowerShape,
  mask: string | null,
): string {
  let out = x;
  for (let i = 0; i < tower.layers; i++) out = encoderLayer(ctx, out, `${name}.layers.${i}`, tower, mask);
  return out;
}

/**
 * The projection head: pooled [batch, width] @ `<weightName>` [width, projectionDim] (no bias; CLIP's
 * init, width^-0.5), written straight into the float32 graph output `outputName` [batch_size, projectionDim].
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
  ctx.g.opTo("MatMul", [pooled, projection], outputName);
  ctx.g.output(outputName, "float32", ["batch_size", projectionDim]);
}
