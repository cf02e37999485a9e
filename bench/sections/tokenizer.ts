// Section 1: tokenizer throughput (captions/s) over the MSR-VTT 1k-A sentences: ours vs Transformers.js's.
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { resolveModelDir } from "../../indexer/embed/model-dir.ts";
import { ClipTokenizer } from "../../shared/tokenizer/clip-tokenizer.ts";
import { benchSentences } from "../lib/fixtures.ts";
import type { BenchContext } from "../lib/section.ts";
import { round, type Summary, since, summarize } from "../lib/stats.ts";
import { loadTransformersTokenizer } from "../lib/transformers-js.ts";

export interface TokenizerFigures {
  sentences: { source: string; count: number };
  vocabulary: string;
  /** Captions per second over all sentences, one figure per pass. */
  ours: Summary;
  transformersJs: Summary | { skipped: string };
  /** Sentences whose ids differ from the reference ids of the sentences file (0 expected). */
  mismatches: number;
}

export async function benchTokenizer(context: BenchContext): Promise<TokenizerFigures> {
  const { source, sentences } = benchSentences(context.modelDir);
  const model = resolveModelDir(context.modelDir, { towers: ["text"] });
  const tokenizer = ClipTokenizer.fromFiles(
    readFileSync(model.vocabPath, "utf8"),
    readFileSync(model.mergesPath, "utf8"),
  );
  const texts = sentences.map((s) => s.text);
  let mismatches = 0;
  for (const s of sentences) {
    const ids = tokenizer.encode(s.text).ids.slice(1, -1);
    if (ids.length !== s.ids.length || ids.some((id, i) => id !== s.ids[i])) mismatches++;
  }
  let theirs: ((text: string) => unknown) | { skipped: string };
  try {
    theirs = await loadTransformersTokenizer(dirname(model.dir), basename(model.dir));
  } catch (error) {
    theirs = { skipped: (error as Error).message };
  }
  const passes = context.full ? 20 : 5;
  const ours: number[] = [];
  const other: number[] = [];
  // Passes alternate between the two tokenizers; each pass tokenizes every sentence (no cache is kept
  // between passes: a fresh tokenizer would have the same cold cost only on its first pass).
  for (let pass = 0; pass < passes; pass++) {
    let start = performance.now();
    for (const text of texts) tokenizer.encode(text);
    ours.push((texts.length / since(start)) * 1000);
    if (typeof theirs === "function") {
      start = performance.now();
      for (const text of texts) theirs(text);
      other.push((texts.length / since(start)) * 1000);
    }
  }
  return {
    sentences: { source, count: sentences.length },
    vocabulary: model.vocabPath,
    ours: summarize(ours.map(round), "captions/s"),
    transformersJs: typeof theirs === "function" ? summarize(other.map(round), "captions/s") : theirs,
    mismatches,
  };
}
