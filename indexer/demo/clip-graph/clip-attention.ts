// HF CLIPAttention as torch 1.13's exporter writes it: q/k/v projections, heads split and merged by
// Reshape/Transpose with shapes read from the input, q scaled before the product, optional additive mask.
import { linear } from "./clip-linear.ts";
import { reshape, shapeOf, sizeOf, unsqueeze0 } from "./export-ops.ts";
import { floatScalar, int64Scalar, ints, type LayerContext } from "./layer-context.ts";

/** Sizes of one attention layer and the init scales of its weights (CLIP's init). */
export interface AttentionShape {
  width: number;
  heads: number;
  /** Init std of q/k/v weights (width^-0.5). */
  attnStd: number;
  /** Init std of out_proj. */
  projStd: number;
}

/**
 * Multi-head self-attention on x float32 [batch, seq, width] -> [batch, seq, width]. `mask` is an
 * additive float32 [batch, 1, seq, seq] (0 or float32 min; the text tower's causal mask) or null.
 */
export function selfAttention(
  ctx: LayerContext,
  x: string,
  name: string,
  shape: AttentionShape,
  mask: string | null,
): string {
  const { g } = ctx;
  const { width, heads } = shape;
  const headDim = width / heads;
  const batch = sizeOf(ctx, x, 0);
  const length = sizeOf(ctx, x, 1);
  const embedDim = sizeOf(ctx, x, 2);
  const q = g.op("Mul", [
    linear(ctx, x, `${name}.q_proj`, width, width, shape.attnStd),
    floatScalar(ctx, headDim ** -0.5),
  ]);
  const k = linear(ctx, x, `${name}.k_proj`, width, width, shape.attnStd);
  // _shape(): view(batch, -1, heads, headDim).transpose(1, 2), one shape per call.
  const splitShape = () =>
    shapeOf(ctx, [unsqueeze0(ctx, batch), ints(ctx, [-1]), ints(ctx, [heads]), ints(ctx, [headDim])]);
  const kShape = splitShape();
  const vShape = splitShape();
  const kHeads = g.op("Transpose", [reshape(ctx, k, kShape)], { perm: [0, 2, 1, 3] });
  const v = linear(ctx, x, `${name}.v_proj`, width, width, shape.attnStd);
  const vHeads = g.op("Transpose", [reshape(ctx, v, vShape)], { perm: [0, 2, 1, 3] });
  const batchHeads = g.op("Mul", [batch, int64Scalar(ctx, heads)]);
  const qShape = shapeOf(ctx, [
    unsqueeze0(ctx, batch),
    unsqueeze0(ctx, length),
    ints(ctx, [heads]),
    ints(ctx, [headDim]),
  ]);
  const qHeads = g.op("Transpose", [reshape(ctx, q, qShape)], { perm: [0, 2, 1, 3] });
  // view(batch * heads, -1, headDim) of q, k and v.
  const flatShape = () => shapeOf(ctx, [unsqueeze0(ctx, batchHeads), ints(ctx, [-1]), ints(ctx, [headDim])]);
  const qFlatShape = flatShape();
  const kFlatShape = flatShape();
  const vFlatShape = flatShape();
  const qFlat = reshape(ctx, qHeads, qFlatShape);
  const kFlat = reshape(ctx, kHeads, kFlatShape);
  const vFlat = reshape(ctx, vHeads, vFlatShape);
  const keyLength = mask ? sizeOf(ctx, kFlat, 1) : null;
  let scores = g.op("MatMul", [qFlat, g.op("Transpose", [kFlat], { perm: [0, 2, 1] })]);
  if (mask && keyLength) {
    const perHead = shapeOf(ctx, [
      unsqueeze0(ctx, batch),
      ints(ctx, [heads]),
      unsqueeze0(ctx, length),
      unsqueeze0(ctx, keyLength),
    ]);
    const masked = g.op("Add", [reshape(ctx, scores, perHead), mask]);
    const flat = shapeOf(ctx, [
      unsqueeze0(ctx, batchHeads),
      unsqueeze0(ctx, length),
      unsqueeze0(ctx, keyLength),
    ]);
    scores = reshape(ctx, masked, flat);
  }
  const probs = g.op("Softmax", [scores], { axis: -1 });
  const attended = g.op("MatMul", [probs, vFlat]);
  const headsShape = shapeOf(ctx, [
    unsqueeze0(ctx, batch),
    ints(ctx, [heads]),
    unsqueeze0(ctx, length),
    ints(ctx, [headDim]),
  ]);
  const merged = g.op("Transpose", [reshape(ctx, attended, headsShape)], { perm: [0, 2, 1, 3] });
  const mergedShape = shapeOf(ctx, [
    unsqueeze0(ctx, batch),
    unsqueeze0(ctx, length),
    unsqueeze0(ctx, embedDim),
  ]);
  return linear(ctx, reshape(ctx, merged, mergedShape), `${name}.out_proj`, width, width, shape.projStd);
}
