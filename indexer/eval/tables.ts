// The paper's table layouts for an evaluation, as plain text (stdout) and Markdown (report.md):
// Table 1 (TVR per aggregation) and Tables 2-4 (TVR and VTR beside the published numbers).
import type { RetrievalMetrics } from "../../shared/metrics/ranks.ts";
import { PUBLISHED_RESULTS, type PublishedMetrics } from "./paper-results.ts";
import type { EvalResult } from "./run-eval.ts";

/** A table: column names and rows of a label plus one cell per column (null prints "-"). */
export interface Table {
  title: string;
  columns: string[];
  rows: { label: string; cells: (number | null)[]; signed?: boolean }[];
  notes: string[];
}

const TABLE1_COLUMNS = ["R@1", "R@5", "R@10", "MdR", "MnR", "StdR"];
const COMPARISON_COLUMNS = ["R@1", "R@5", "R@10", "MdR"];

function table1Cells(m: RetrievalMetrics): number[] {
  return [m.R1, m.R5, m.R10, m.MdR, m.MnR, m.StdR];
}

function comparisonCells(m: RetrievalMetrics | PublishedMetrics): number[] {
  return [m.R1, m.R5, m.R10, m.MdR];
}

function countsLine(result: EvalResult): string {
  const { counts } = result;
  return `${counts.videos} videos, ${counts.captions} captions; model ${result.model.id}, sampling ${result.sampling}`;
}

/** Notes every table carries when the evaluated set is not the whole split. */
function comparabilityNotes(result: EvalResult): string[] {
  if (result.comparableWithPaper) return [];
  const { counts } = result;
  return [
    `NOT COMPARABLE with the paper: ${counts.missing + counts.failed} of the split's ${counts.splitVideos} videos were left out (${counts.missing} missing, ${counts.failed} not decodable), with their captions, from both sides of the ranking.`,
  ];
}

/** Table 1 layout: one row per aggregation, text-to-video retrieval. */
export function aggregationTable(result: EvalResult): Table {
  const notes = [...comparabilityNotes(result)];
  for (const a of result.aggregations) {
    if (a.shortVideos > 0)
      notes.push(
        `${a.aggregation}: ${a.shortVideos} videos have too few sampled frames (${a.aggregation.startsWith("frame") ? "their last frame is used" : "fewer centroids"}).`,
      );
  }
  return {
    title: `Table 1 layout: text-to-video retrieval per aggregation (${result.dataset}; ${countsLine(result)})`,
    columns: TABLE1_COLUMNS,
    rows: result.aggregations.map((a) => ({ label: a.aggregation, cells: table1Cells(a.tvr) })),
    notes,
  };
}

function difference(ours: number[], paper: number[]): number[] {
  return ours.map((value, i) => Math.round((value - paper[i]) * 10) / 10);
}

/**
 * Tables 2-4 layout for the primary aggregation: TVR, VTR (paper protocol) and VTR (CE protocol),
 * with the published numbers and our difference under TVR and VTR (paper protocol), the protocol
 * the paper used for VTR.
 */
export function comparisonTable(result: EvalResult): Table {
  const primary =
    result.aggregations.find((a) => a.aggregation === result.primary.aggregation) ?? result.aggregations[0];
  const published = PUBLISHED_RESULTS[result.dataset];
  const rows: Table["rows"] = [];
  const block = (label: string, ours: RetrievalMetrics, paper: PublishedMetrics | null) => {
    const cells = comparisonCells(ours);
    rows.push({ label: `${label}: ours`, cells });
    if (paper) {
      rows.push({ label: `${label}: paper`, cells: comparisonCells(paper) });
      rows.push({
        label: `${label}: ours - paper`,
        cells: difference(cells, comparisonCells(paper)),
        signed: true,
      });
    }
  };
  block("TVR", primary.tvr, published.tvr);
  block("VTR (paper protocol)", primary.vtr_paper, published.vtr);
  block("VTR (CE protocol)", primary.vtr_ce, null);
  const notes = [
    ...comparabilityNotes(result),
    `Published: ${published.source}; CLIP ViT-B/32, mean of frame embeddings. The paper reports VTR under its seed code's protocol only (a video ranked among caption groups by their best caption); the CE protocol (a video keeps its best-ranked caption among all captions) is shown for comparison with other work.`,
  ];
  if (primary.aggregation !== "mean")
    notes.push(
      `Aggregation here is ${primary.aggregation}, not mean: the difference is not a reproduction check.`,
    );
  return {
    title: `Tables 2-4 layout: ${result.dataset}, aggregation ${primary.aggregation} (${countsLine(result)})`,
    columns: COMPARISON_COLUMNS,
    rows,
    notes,
  };
}

function formatCell(value: number | null, signed = false): string {
  if (value === null) return "-";
  const text = value.toFixed(1);
  return signed && value >= 0 ? `+${text}` : text;
}

/** Fixed-width text with the notes below the table. */
export function formatTableText(table: Table): string {
  const labelWidth = Math.max(12, ...table.rows.map((r) => r.label.length)) + 2;
  const lines = [table.title, `${"".padEnd(labelWidth)}${table.columns.map((c) => c.padStart(8)).join("")}`];
  for (const row of table.rows)
    lines.push(
      `${row.label.padEnd(labelWidth)}${row.cells.map((c) => formatCell(c, row.signed).padStart(8)).join("")}`,
    );
  for (const note of table.notes) lines.push(`  ${note}`);
  return `${lines.join("\n")}\n`;
}

/** A Markdown table with the title as a heading and the notes as a list. */
export function formatTableMarkdown(table: Table): string {
  const lines = [
    `### ${table.title}`,
    "",
    `| | ${table.columns.join(" | ")} |`,
    `|---|${table.columns.map(() => "---:").join("|")}|`,
    ...table.rows.map(
      (row) => `| ${row.label} | ${row.cells.map((c) => formatCell(c, row.signed)).join(" | ")} |`,
    ),
  ];
  if (table.notes.length > 0) lines.push("", ...table.notes.map((note) => `- ${note}`));
  return `${lines.join("\n")}\n`;
}
