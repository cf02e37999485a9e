// What the CLIP layer builders share: the graph, where parameter values come from, LayerNorm epsilon,
// and small constants (axes, shape parts, scalars) reused across layers.

import type { GraphBuilder } from "../../onnx/graph-builder.ts";
import type { InitSpec, ParameterSource } from "./clip-arch.ts";

export interface LayerContext {
  g: GraphBuilder;
  params: ParameterSource;
  /** LayerNorm epsilon. */
  eps: number;
  /** Constants reused across layers, keyed by dtype, shape and values. */
  cache: Map<string, string>;
}

export function makeLayerContext(g: GraphBuilder, params: ParameterSource, eps: number): LayerContext {
  return { g, params, eps, cache: new Map() };
}

/** Adds a float32 parameter (an initializer named as the Hugging Face parameter); returns its value name. */
export function parameter(ctx: LayerContext, name: string, dims: number[], init: InitSpec): string {
  return ctx.g.initializer(name, "float32", dims, ctx.params(name, dims, init));
}

function shared(ctx: LayerContext, key: string, make: () => string): string {
  let name = ctx.cache.get(key);
  if (!name) {
    name = make();
    ctx.cache.set(key, name);
  }
  return name;
}

/** An int64 1-D constant [values.length] (axes, shape parts), shared by every use with the same values. */
export function ints(ctx: LayerContext, values: readonly (number | bigint)[]): string {
  return shared(ctx, `ints:${values.join(",")}`, () => ctx.g.ints("ints", values));
}

/** An int64 scalar constant (shape [], e.g. a Gather index or a Range bound), shared. */
export function int64Scalar(ctx: LayerContext, value: number): string {
  return shared(ctx, `int64:${value}`, () =>
    ctx.g.constant("int64", "int64", [], BigInt64Array.of(BigInt(value))),
  );
}

/** A float32 scalar constant (shape []), shared. */
export function floatScalar(ctx: LayerContext, value: number): string {
  return shared(ctx, `float:${value}`, () => ctx.g.scalar("float", value));
}
