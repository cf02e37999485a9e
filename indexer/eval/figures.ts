// SVG figures of an evaluation (the paper's Figure 1 and rank histograms), rendered headless with Vega-Lite.
import * as vega from "vega";
import type { TopLevelSpec } from "vega-lite";
import * as vegaLite from "vega-lite";
import { createPrng } from "../../shared/prng.ts";

/** One text-to-video query: the rank of its ground-truth video and that video's length. */
export interface RankedQuery {
  /** 1-based rank (ties averaged, so it may be fractional). */
  rank: number;
  /** Length of the ground-truth video in seconds. */
  lengthSec: number;
}

/** Length groups for the per-group distribution: quartiles of the lengths, so each group has ~25% of queries. */
export function lengthGroups(lengths: number[], groups = 4): number[] {
  const sorted = [...lengths].sort((a, b) => a - b);
  const boundariesSec: number[] = [];
  for (let g = 1; g < groups; g++)
    boundariesSec.push(sorted[Math.min(sorted.length - 1, Math.floor((g * sorted.length) / groups))]);
  return boundariesSec;
}

function groupLabel(lengthSec: number, boundariesSec: number[]): string {
  let group = 0;
  while (group < boundariesSec.length && lengthSec >= boundariesSec[group]) group++;
  const low = group === 0 ? 0 : boundariesSec[group - 1];
  const high = group === boundariesSec.length ? Number.POSITIVE_INFINITY : boundariesSec[group];
  return high === Number.POSITIVE_INFINITY
    ? `${group + 1}: >= ${low.toFixed(1)} s`
    : `${group + 1}: ${low.toFixed(1)}-${high.toFixed(1)} s`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median and mean rank over equal-count length bins, for the lines of Figure 1. */
function rankLinesByLength(queries: RankedQuery[], bins: number) {
  const sorted = [...queries].sort((a, b) => a.lengthSec - b.lengthSec);
  const lines: { lengthSec: number; rank: number; statistic: string }[] = [];
  const size = Math.max(1, Math.ceil(sorted.length / bins));
  for (let start = 0; start < sorted.length; start += size) {
    const bin = sorted.slice(start, start + size);
    const center = median(bin.map((q) => q.lengthSec));
    const ranks = bin.map((q) => q.rank);
    lines.push({ lengthSec: center, rank: median(ranks), statistic: "median rank" });
    lines.push({
      lengthSec: center,
      rank: ranks.reduce((s, r) => s + r, 0) / ranks.length,
      statistic: "mean rank",
    });
  }
  return lines;
}

async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const WIDTH = 520;
const HEIGHT = 320;

/** Most points a scatter draws: MSR-VTT full has 59,800 queries, which would make a 10 MB SVG. */
export const MAX_SCATTER_POINTS = 5000;

/** At most `max` of `items`, a seeded uniform sample in input order (all of them when there are few). */
export function samplePoints<T>(items: readonly T[], max: number, seed = 1): T[] {
  if (items.length <= max) return [...items];
  const prng = createPrng(seed);
  const picked = new Uint8Array(items.length);
  // Floyd's algorithm: `max` distinct indices, each subset equally likely.
  for (let j = items.length - max; j < items.length; j++) {
    const t = prng.nextInt(j + 1);
    picked[picked[t] ? j : t] = 1;
  }
  return items.filter((_, i) => picked[i] === 1);
}

/**
 * Figure 1a: rank of each query against its video's length, with binned median and mean rank lines
 * (from every query; the points are a seeded sample of at most MAX_SCATTER_POINTS).
 */
export function rankVersusLengthSvg(queries: RankedQuery[], title: string): Promise<string> {
  const points = samplePoints(queries, MAX_SCATTER_POINTS);
  const shown =
    points.length < queries.length ? ` (${points.length} of ${queries.length} queries drawn)` : "";
  return renderSvg({
    title: `${title}${shown}`,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values: points },
        mark: { type: "point", opacity: 0.35, size: 12 },
        encoding: {
          x: { field: "lengthSec", type: "quantitative", title: "video length (s)" },
          y: {
            field: "rank",
            type: "quantitative",
            title: "rank of the ground-truth video",
            scale: { type: "log" },
          },
        },
      },
      {
        data: { values: rankLinesByLength(queries, 12) },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: { field: "lengthSec", type: "quantitative" },
          y: { field: "rank", type: "quantitative" },
          color: { field: "statistic", type: "nominal", title: null },
        },
      },
    ],
  });
}

/** Figure 1b: histogram of video lengths. */
export function lengthHistogramSvg(lengthsSec: number[], title: string): Promise<string> {
  return renderSvg({
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: lengthsSec.map((lengthSec) => ({ lengthSec })) },
    mark: "bar",
    encoding: {
      x: { field: "lengthSec", type: "quantitative", bin: { maxbins: 30 }, title: "video length (s)" },
      y: { aggregate: "count", type: "quantitative", title: "videos" },
    },
  });
}

/** Figure 1c: distribution of ranks per length group (quartiles of length), as box plots. */
export function rankByLengthGroupSvg(queries: RankedQuery[], title: string): Promise<string> {
  const edges = lengthGroups(queries.map((q) => q.lengthSec));
  const values = queries.map((q) => ({ rank: q.rank, group: groupLabel(q.lengthSec, edges) }));
  return renderSvg({
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: "boxplot", extent: 1.5 },
    encoding: {
      x: { field: "group", type: "ordinal", title: "video length group", axis: { labelAngle: 0 } },
      y: { field: "rank", type: "quantitative", title: "rank", scale: { type: "log" } },
    },
  });
}

/** Histogram of ranks (log-spaced bins make R@1/R@5/R@10 and the long tail visible at once). */
export function rankHistogramSvg(ranks: number[], title: string): Promise<string> {
  const edges = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, Number.POSITIVE_INFINITY];
  const counts = edges.slice(0, -1).map((low, i) => ({
    // Ranks are tie-averaged, so a bucket holds [low, next low): "2-4" also holds 4.5.
    bucket: !Number.isFinite(edges[i + 1])
      ? `${low}+`
      : edges[i + 1] - 1 === low
        ? `${low}`
        : `${low}-${edges[i + 1] - 1}`,
    order: i,
    queries: ranks.filter((r) => r >= low && r < edges[i + 1]).length,
  }));
  return renderSvg({
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: counts.filter((c) => c.queries > 0 || c.order < 4) },
    mark: "bar",
    encoding: {
      x: {
        field: "bucket",
        type: "ordinal",
        sort: { field: "order" },
        title: "rank",
        axis: { labelAngle: 0 },
      },
      y: { field: "queries", type: "quantitative", title: "queries" },
    },
  });
}
