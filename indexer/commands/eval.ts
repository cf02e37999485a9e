// `eval`: the paper's evaluation on a benchmark's test split (MSR-VTT 1k-A/full, MSVD, LSMDC) with a
// CLIP model directory: prints the Table 1 and Tables 2-4 layouts and writes a report directory.
import { InputError } from "../../shared/errors.ts";
import { parseAggregationList } from "../cli/aggregation-list.ts";
import { requireOption } from "../cli/args.ts";
import type { CommandContext } from "../cli/command.ts";
import { defineCommand } from "../cli/define-command.ts";
import {
  aggregateOption,
  decoderOption,
  deviceOption,
  frameBatchOption,
  threadsOption,
} from "../cli/engine-options.ts";
import { parseSampling } from "../decode/sampling.ts";
import { parseModelDtype } from "../embed/model-dir.ts";
import { DATASET_FILES, DATASET_NAMES, parseDatasetName } from "../eval/dataset-files.ts";
import { exportFeatures, FIGURES, toResultsFile, writeReport } from "../eval/report.ts";
import { type EvalResult, runEval, scanDataset } from "../eval/run-eval.ts";
import { aggregationTable, comparisonTable, formatTableText } from "../eval/tables.ts";
import { ProgressReporter } from "../pipeline/progress.ts";

/** Default root of the frame-embedding cache (relative to the working directory; /data is gitignored). */
export const DEFAULT_CACHE_DIR = "data/eval-cache";

const DETAILS = `
Zero-shot text-to-video (TVR) and video-to-text (VTR) retrieval on a benchmark's test split, as in
Portillo-Quintero et al. 2021. Frames are embedded once and cached (reused by every aggregation and
by later runs); captions are embedded; every caption ranks every video and back.

Datasets and their files:
${DATASET_NAMES.map((name) => `  ${name.padEnd(12)} ${DATASET_FILES[name]}`).join("\n")}

Videos are found by id under --videos (any depth): <video id>.<any extension ffmpeg reads>, e.g.
video7010.mp4, eyhzdC936uk_15_27.avi. Missing videos are listed and left out of both sides of the
ranking; the numbers are then marked not comparable with the paper.

--aggregate takes a comma list; A..B ranges expand: mean,frame:29,kmeans:2..10.
--json prints with --dry-run {"videos","captions","missing"}, else the full results (as results.json).
Tables 2-4 compare "mean" (or the first aggregation) with the published numbers.
`;

function printDryRun(
  scan: Awaited<ReturnType<typeof scanDataset>>,
  dataset: string,
  videosDir: string,
  json: boolean,
  context: CommandContext,
): void {
  const counts = {
    videos: scan.annotations.videos.length,
    captions: scan.annotations.captions.length,
    missing: scan.found.missing.length,
  };
  if (json) {
    context.stdout.write(`${JSON.stringify(counts)}\n`);
    return;
  }
  context.stdout.write(
    `${dataset}: ${counts.videos} videos, ${counts.captions} captions in the split; ${counts.videos - counts.missing} found, ${counts.missing} missing under ${videosDir}\n`,
  );
  if (counts.missing > 0) {
    const shown = scan.found.missing.slice(0, 20);
    context.stderr.write(
      `missing: ${shown.join(", ")}${counts.missing > shown.length ? `, ... (${counts.missing - shown.length} more)` : ""}\n`,
    );
  }
}

function printSummary(result: EvalResult, context: CommandContext): void {
  const { counts, frames, seconds } = result;
  const lines = [
    `${counts.videos} videos (${frames.cachedVideos} from the cache, ${frames.embeddedVideos} embedded: ${frames.embeddedFrames} frames), ${counts.captions} captions${result.captionsCached ? " (embeddings from the cache)" : ""}; ${seconds.total}s (frames ${seconds.frames}s, aggregation ${seconds.aggregate}s, captions ${seconds.captions}s, ranking ${seconds.rank}s)`,
  ];
  if (counts.missing > 0) {
    const shown = result.missing.slice(0, 20);
    lines.push(
      `${counts.missing} videos missing (left out): ${shown.join(", ")}${counts.missing > shown.length ? ", ..." : ""}`,
    );
  }
  for (const f of result.failed) lines.push(`left out ${f.id}: ${f.reason}`);
  if (!result.comparableWithPaper)
    lines.push("warning: videos were left out; the results are NOT comparable with the paper");
  context.stderr.write(`${lines.join("\n")}\n`);
}

/** Draws "step: done/total" on stderr: redrawn on a TTY, a line every 10 s (and at the end) on a pipe. */
function stepProgress(context: CommandContext) {
  let label = "";
  let lastLineMs = 0;
  return {
    start(step: string, total: number) {
      label = step;
      lastLineMs = performance.now();
      context.stderr.write(`${step} (${total})...${context.stderr.isTTY ? "" : "\n"}`);
    },
    update(done: number, total: number) {
      if (context.stderr.isTTY) {
        context.stderr.write(`\r\x1b[K${label}: ${done}/${total}${done === total ? "\n" : ""}`);
      } else if (performance.now() - lastLineMs >= 10_000 || (done === total && total > 1)) {
        lastLineMs = performance.now();
        context.stderr.write(`${label}: ${done}/${total}\n`);
      }
    },
  };
}

export const command = defineCommand({
  name: "eval",
  summary: "the paper's evaluation (MSR-VTT, MSVD, LSMDC): tables, report, figures",
  options: {
    dataset: { type: "string", valueName: "NAME", required: true, description: DATASET_NAMES.join(" | ") },
    annotations: {
      type: "string",
      valueName: "FILE",
      required: true,
      description: "the split's annotation file (see below)",
    },
    captions: {
      type: "string",
      valueName: "FILE",
      description: "msvd only: MSVD_test.tsv or AllVideoDescriptions.txt",
    },
    videos: { type: "string", valueName: "DIR", required: true, description: "folder holding the videos" },
    model: {
      type: "string",
      valueName: "DIR",
      description:
        "CLIP model directory (config.json, onnx/vision_model.onnx, onnx/text_model.onnx, ...); not with --dry-run",
    },
    dtype: {
      type: "string",
      valueName: "D",
      description: "model files to run: fp32 | fp16 | q8 | ... (Transformers.js names; default fp32)",
    },
    sample: {
      type: "string",
      valueName: "SPEC",
      default: "all",
      description: "frame sampling: all | fps:N | uniform:N",
    },
    aggregate: aggregateOption(),
    out: {
      type: "string",
      valueName: "REPORT_DIR",
      description: "write results.json, report.md and SVG figures there",
    },
    features: {
      type: "boolean",
      description:
        "also write REPORT_DIR/features/ (text.npy, video.npy, captions.json, videos.json) for eval-features",
    },
    cache: {
      type: "string",
      valueName: "DIR",
      default: DEFAULT_CACHE_DIR,
      description: "frame-embedding cache root",
    },
    device: deviceOption,
    threads: threadsOption,
    batch: frameBatchOption,
    decoder: decoderOption(),
    "dry-run": {
      type: "boolean",
      description: "parse the annotations and look for the videos only; embed nothing",
    },
    json: { type: "boolean", description: "print JSON on stdout (see below)" },
  },
  details: DETAILS,
  async run({ values }, context) {
    const dataset = parseDatasetName(values.dataset);
    const source = {
      dataset,
      annotations: values.annotations,
      captions: values.captions,
      videosDir: values.videos,
    };
    const sampling = parseSampling(values.sample);
    const aggregations = parseAggregationList(values.aggregate);
    const { decoder, threads } = values;
    const runtime = { device: values.device, threads };
    const batchSize = values.batch;
    if (values.features && values.out === undefined)
      throw new InputError(
        "bad_arguments",
        "--features writes into the report directory: give --out REPORT_DIR too",
      );

    if (values["dry-run"]) {
      printDryRun(await scanDataset(source), dataset, source.videosDir, values.json, context);
      return 0;
    }

    let progress: ProgressReporter | null = null;
    const steps = stepProgress(context);
    const { result, features } = await runEval({
      ...source,
      modelDir: requireOption(values.model, "--model DIR"),
      modelDtype: parseModelDtype(values.dtype),
      onModel: (files) => context.stderr.write(`model files: ${files.join(", ")}\n`),
      sampling,
      aggregations,
      cacheDir: values.cache,
      runtime,
      batchSize,
      decoder,
      onPlan(plan) {
        context.stderr.write(
          `${plan.videos} videos found: ${plan.cached} in the frame cache, ${plan.toEmbed} to embed (cache ${plan.cacheDir})\n`,
        );
        if (plan.toEmbed > 0) progress = new ProgressReporter(context.stderr, plan.toEmbed);
      },
      onEvent: (event) => progress?.onEvent(event),
      onStep(step, total) {
        (progress as ProgressReporter | null)?.finish();
        progress = null;
        steps.start(step, total);
      },
      onStepProgress: (done, total) => steps.update(done, total),
    });
    printSummary(result, context);
    if (values.out !== undefined) {
      const files = await writeReport(values.out, result);
      if (values.features) files.push(...(await exportFeatures(values.out, result, features)));
      context.stderr.write(`wrote ${files.length} report files to ${values.out}\n`);
    }
    if (values.json)
      context.stdout.write(
        `${JSON.stringify(toResultsFile(result, values.out === undefined ? [] : Object.keys(FIGURES)))}\n`,
      );
    else
      context.stdout.write(
        `${formatTableText(aggregationTable(result))}\n${formatTableText(comparisonTable(result))}`,
      );
    return 0;
  },
});
