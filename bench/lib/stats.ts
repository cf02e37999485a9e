// Summaries of repeated measurements (percentiles with units and run counts) for bench/results.json.

/** A distribution of `runs` samples, in `unit`. Percentiles are nearest-rank on the sorted samples. */
export interface Summary {
  unit: string;
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile (q in 0..1) of ascending `sorted`. */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Rounds to 4 significant digits, so results.json stays readable. */
export function round(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(4)) : value;
}

/** Summarizes `samples` (e.g. milliseconds per query). */
export function summarize(samples: readonly number[], unit: string): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    unit,
    runs: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    mean: round(mean),
    min: round(sorted[0] ?? Number.NaN),
    max: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Milliseconds since `start` (a performance.now() reading). */
export function since(start: number): number {
  return performance.now() - start;
}

/**
 * Runs `variants` round-robin over `items`, rotating the starting variant each round so that no variant
 * always runs first (warm caches) or last: on a noisy shared machine, interleaving keeps ratios honest.
 * Returns the milliseconds of each call, by variant name.
 */
export async function interleave<T>(
  items: readonly T[],
  variants: readonly { name: string; run: (item: T, index: number) => Promise<unknown> }[],
): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (const [i, item] of items.entries()) {
    for (let j = 0; j < variants.length; j++) {
      const variant = variants[(i + j) % variants.length];
      const start = performance.now();
      await variant.run(item, i);
      times[variant.name].push(since(start));
    }
  }
  return times;
}
