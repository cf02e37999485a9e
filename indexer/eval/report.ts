// Writes an evaluation's report directory: results.json, report.md and the SVG figures.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { encodeNpy } from "../../shared/npy.ts";
import { writeFileDurably } from "../index/durable-file.ts";
import {
  lengthHistogramSvg,
  type RankedQuery,
  rankByLengthGroupSvg,
  rankHistogramSvg,
  rankVersusLengthSvg,
} from "./figures.ts";
import { PUBLISHED_RESULTS } from "./paper-results.ts";
import type { EvalFeatures, EvalResult } from "./run-eval.ts";
import { aggregationTable, comparisonTable, formatTableMarkdown } from "./tables.ts";

/** File names of the figures, with what each shows (also the captions in report.md). */
export const FIGURES = {
  "fig1a-rank-vs-length.svg":
    "Rank of each caption's video (TVR) against the video's length, with median and mean rank per length bin",
  "fig1b-length-histogram.svg": "Histogram of video lengths",
  "fig1c-rank-by-length-group.svg": "TVR rank distribution per video-length quartile",
  "rank-histogram-tvr.svg": "Histogram of TVR ranks",
  "rank-histogram-vtr-paper.svg": "Histogram of VTR ranks (paper protocol)",
  "rank-histogram-vtr-ce.svg": "Histogram of VTR ranks (CE protocol)",
} as const;

/** results.json: the evaluation plus the published numbers it is compared with. */
export interface ResultsFile extends EvalResult {
  format: "clip-video-eval";
  formatVersion: 1;
  createdAt: string;
  published: (typeof PUBLISHED_RESULTS)[keyof typeof PUBLISHED_RESULTS];
  figures: string[];
}

/** results.json's content: `result` stamped with the format, time, published numbers and figure files. */
export function toResultsFile(result: EvalResult, figures: string[]): ResultsFile {
  return {
    format: "clip-video-eval",
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    ...result,
    published: PUBLISHED_RESULTS[result.dataset],
    figures,
  };
}

/** The figures of `result` (primary aggregation), by file name. */
async function renderFigures(result: EvalResult): Promise<Record<keyof typeof FIGURES, string>> {
  const { primary } = result;
  const label = `${result.dataset}, ${primary.aggregation}`;
  const queries: RankedQuery[] = primary.ranks.tvr.map((rank, c) => ({
    rank,
    lengthSec: primary.durationsSec[primary.captionVideos[c]],
  }));
  return {
    "fig1a-rank-vs-length.svg": await rankVersusLengthSvg(queries, `TVR rank vs video length (${label})`),
    "fig1b-length-histogram.svg": await lengthHistogramSvg(
      primary.durationsSec,
      `Video lengths (${result.dataset})`,
    ),
    "fig1c-rank-by-length-group.svg": await rankByLengthGroupSvg(
      queries,
      `TVR rank per length group (${label})`,
    ),
    "rank-histogram-tvr.svg": await rankHistogramSvg(primary.ranks.tvr, `TVR ranks (${label})`),
    "rank-histogram-vtr-paper.svg": await rankHistogramSvg(
      primary.ranks.vtr_paper,
      `VTR ranks, paper protocol (${label})`,
    ),
    "rank-histogram-vtr-ce.svg": await rankHistogramSvg(
      primary.ranks.vtr_ce,
      `VTR ranks, CE protocol (${label})`,
    ),
  };
}

/** report.md: the two table layouts, the left-out videos, the figures. */
function reportMarkdown(result: EvalResult): string {
  const lines = [
    `# Evaluation: ${result.dataset}`,
    "",
    `Model \`${result.model.id}\` (${result.model.dimension}-d), frame sampling \`${result.sampling}\`, decoder ${result.decoder}.`,
    `${result.counts.videos} of ${result.counts.splitVideos} videos and ${result.counts.captions} of ${result.counts.splitCaptions} captions evaluated.`,
    "Ranks are 1-based with ties averaged; R@k in percent; MdR median, MnR mean, StdR population standard deviation of the ranks.",
    "",
    formatTableMarkdown(comparisonTable(result)),
    formatTableMarkdown(aggregationTable(result)),
  ];
  if (result.missing.length > 0 || result.failed.length > 0) {
    lines.push("## Videos left out", "");
    if (result.missing.length > 0)
      lines.push(`Missing (${result.missing.length}): ${result.missing.join(", ")}`, "");
    for (const f of result.failed) lines.push(`- ${f.id} (${f.path}): ${f.reason}`);
    lines.push("");
  }
  lines.push(`## Figures (${result.primary.aggregation})`, "");
  for (const [file, caption] of Object.entries(FIGURES))
    lines.push(`![${caption}](${file})`, "", `*${caption}.*`, "");
  return `${lines.join("\n")}\n`;
}

/** Writes results.json, report.md and the figures into `outDir` (created; files replaced one by one). */
export async function writeReport(outDir: string, result: EvalResult): Promise<string[]> {
  const dir = resolve(outDir);
  await mkdir(dir, { recursive: true });
  const figures = await renderFigures(result);
  const results = toResultsFile(result, Object.keys(figures));
  const encoder = new TextEncoder();
  const files: [string, string][] = [
    ...Object.entries(figures),
    ["report.md", reportMarkdown(result)],
    ["results.json", `${JSON.stringify(results, null, 2)}\n`],
  ];
  for (const [name, text] of files) await writeFileDurably(join(dir, name), [encoder.encode(text)]);
  return files.map(([name]) => join(dir, name));
}

/**
 * Writes the embeddings of `result` in the layout `eval-features` reads, into `outDir`/features:
 * text.npy [C, d] float32, video.npy [V, d] (or [V, k, d] for k vectors per video) of the primary
 * aggregation, captions.json (video index of each caption) and videos.json (video ids in row order).
 */
export async function exportFeatures(
  outDir: string,
  result: EvalResult,
  features: EvalFeatures,
): Promise<string[]> {
  const dir = join(resolve(outDir), "features");
  await mkdir(dir, { recursive: true });
  const { dimension: d, vectorsPerVideo: k } = features;
  const videos = result.primary.videoIds.length;
  const encoder = new TextEncoder();
  const files: [string, Uint8Array][] = [
    ["text.npy", encodeNpy({ dtype: "float32", shape: [features.text.length / d, d], data: features.text })],
    [
      "video.npy",
      encodeNpy({ dtype: "float32", shape: k === 1 ? [videos, d] : [videos, k, d], data: features.video }),
    ],
    ["captions.json", encoder.encode(`${JSON.stringify(result.primary.captionVideos)}\n`)],
    ["videos.json", encoder.encode(`${JSON.stringify(result.primary.videoIds)}\n`)],
  ];
  for (const [name, bytes] of files) await writeFileDurably(join(dir, name), [bytes]);
  return files.map(([name]) => join(dir, name));
}
