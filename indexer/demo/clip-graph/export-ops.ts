// Shape arithmetic as torch 1.13's ONNX exporter writes it (opset 14): sizes read with Shape + Gather,
// shapes assembled from Unsqueeze'd sizes and constants with Concat, and torch's expand().
import { tensorData } from "../../onnx/graph-builder.ts";
import { int64Scalar, ints, type LayerContext } from "./layer-context.ts";

/** x.size(axis): an int64 scalar (Shape, then Gather of a scalar index). */
export function sizeOf(ctx: LayerContext, x: string, axis: number): string {
  return ctx.g.op("Gather", [ctx.g.op("Shape", [x]), int64Scalar(ctx, axis)], { axis: 0 });
}

/** An int64 scalar as a [1] vector (Unsqueeze on axis 0), the form a size takes inside a shape. */
export function unsqueeze0(ctx: LayerContext, scalar: string): string {
  return ctx.g.op("Unsqueeze", [scalar, ints(ctx, [0])]);
}

/** A shape [parts...] from [1] vectors (unsqueezed sizes or `ints` constants). */
export function shapeOf(ctx: LayerContext, parts: string[]): string {
  return ctx.g.op("Concat", parts, { axis: 0 });
}

/** x.view(shape) / x.reshape(shape): Reshape with the exporter's explicit allowzero 0. */
export function reshape(ctx: LayerContext, x: string, shape: string): string {
  return ctx.g.op("Reshape", [x, shape], { allowzero: 0 });
}

/**
 * torch's x.expand(shape) where `shape` [rank] int64 may hold -1 ("keep this size"): the exporter
 * replaces each -1 by 1 (Where(shape == -1, 1, shape)) and Expands to that.
 */
export function torchExpand(ctx: LayerContext, x: string, shape: string): string {
  const { g } = ctx;
  const flat = reshape(ctx, shape, ints(ctx, [-1]));
  const ones = g.op("ConstantOfShape", [g.op("Shape", [flat])], {
    value: tensorData("value", "int64", [1], BigInt64Array.of(1n)),
  });
  const minusOnes = g.op("Mul", [ones, int64Scalar(ctx, -1)]);
  const sizes = g.op("Where", [g.op("Equal", [flat, minusOnes]), ones, flat]);
  return g.op("Expand", [x, sizes]);
}
