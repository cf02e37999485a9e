// The one check of a PreprocessConfig read back from JSON (edge.json `vision.preprocess`, GET /api/model/vision's
// `preprocess`): positive integer sizes, 3 finite numbers for mean and std. The caller phrases the refusal.
import type { PreprocessConfig } from "./preprocess.ts";

/** Throws the caller's refusal for `problem` (one line naming the field, e.g. "preprocess.cropSize must be ..."). */
export type RefusePreprocess = (problem: string) => never;

/**
 * `value` checked as a PreprocessConfig, as a fresh object holding only its four fields; `field` names it in
 * the problem given to `refuse` ("vision.preprocess" gives "vision.preprocess.cropSize must be a positive
 * integer"). The first bad field is reported, in the order shortestEdge, cropSize, mean, std.
 */
export function readPreprocessConfig(
  value: unknown,
  field: string,
  refuse: RefusePreprocess,
): PreprocessConfig {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    refuse(`${field} must be an object`);
  const pre = value as Record<string, unknown>;
  const positiveInteger = (name: keyof PreprocessConfig): number => {
    const size = pre[name];
    if (typeof size !== "number" || !Number.isInteger(size) || size <= 0)
      refuse(`${field}.${name} must be a positive integer`);
    return size;
  };
  const triple = (name: keyof PreprocessConfig): readonly [number, number, number] => {
    const values = pre[name];
    if (!Array.isArray(values) || values.length !== 3) refuse(`${field}.${name} must be 3 numbers`);
    const finite = (i: number): number => {
      const v: unknown = values[i];
      if (typeof v !== "number" || !Number.isFinite(v)) refuse(`${field}.${name}[${i}] must be a number`);
      return v;
    };
    return [finite(0), finite(1), finite(2)];
  };
  return {
    shortestEdge: positiveInteger("shortestEdge"),
    cropSize: positiveInteger("cropSize"),
    mean: triple("mean"),
    std: triple("std"),
  };
}
