// The text tower's causal attention mask as transformers 4.43 builds it (_make_causal_mask, then
// expand to [batch, 1, seq, seq]) and torch 1.13's exporter writes it: float32 min above the diagonal, 0 on and below.

import { tensorData } from "../../onnx/graph-builder.ts";
import { reshape, shapeOf, torchExpand, unsqueeze0 } from "./export-ops.ts";
import { floatScalar, int64Scalar, ints, type LayerContext } from "./layer-context.ts";

/** torch.finfo(torch.float32).min, the masked score (added, so exp() gives exactly 0). */
const FLOAT32_MIN = -3.4028234663852886e38;
/** The exporter's "to the end" Slice bound (INT64_MAX). */
const INT64_MAX = 9223372036854775807n;

/**
 * Additive causal mask float32 [batch, 1, seq, seq]: 0 where key j <= query i, float32 min elsewhere.
 * `batch` and `length` are int64 scalars (the input's batch size and sequence length).
 */
export function causalMask(ctx: LayerContext, batch: string, length: string): string {
  const { g } = ctx;
  // key_value_length - query_length: no cache, so 0.
  const pastLength = g.op("Sub", [length, length]);
  const square = shapeOf(ctx, [unsqueeze0(ctx, length), unsqueeze0(ctx, length)]);
  const full = g.op("ConstantOfShape", [square], {
    value: tensorData("value", "float32", [1], Float32Array.of(FLOAT32_MIN)),
  });
  // mask.size(-1): Slice of the last shape entry, squeezed to a scalar.
  const lastSize = () =>
    g.op("Squeeze", [
      g.op("Slice", [g.op("Shape", [full]), ints(ctx, [-1]), ints(ctx, [INT64_MAX]), ints(ctx, [0])]),
      ints(ctx, [0]),
    ]);
  const columns = g.op("Range", [
    int64Scalar(ctx, 0),
    g.op("Cast", [lastSize()], { to: 7 }),
    int64Scalar(ctx, 1),
  ]);
  const nextRows = g.op("Add", [columns, int64Scalar(ctx, 1)]);
  const rows = reshape(ctx, nextRows, shapeOf(ctx, [unsqueeze0(ctx, lastSize()), ints(ctx, [1])]));
  // masked_fill_(mask_cond < (mask_cond + 1).view(-1, 1), 0)
  const allowed = g.op("Cast", [g.op("Less", [columns, rows])], { to: 9 });
  const square2d = g.op("Cast", [g.op("Where", [allowed, floatScalar(ctx, 0), full])], { to: 1 });
  const mask4d = g.op("Unsqueeze", [g.op("Unsqueeze", [square2d, ints(ctx, [0])]), ints(ctx, [1])]);
  const keyLength = g.op("Add", [length, pastLength]);
  const shape = shapeOf(ctx, [
    unsqueeze0(ctx, batch),
    ints(ctx, [1]),
    unsqueeze0(ctx, length),
    unsqueeze0(ctx, keyLength),
  ]);
  return torchExpand(ctx, mask4d, shape);
}
