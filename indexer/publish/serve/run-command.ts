// The generating steps of `serve` and `deploy` (toy model, toy videos, index, prepare-edge): the functions the
// generate, index and prepare-edge commands call, called directly (a command never re-enters the CLI).
import { InputError } from "../../../shared/errors.ts";
import { parseSampling } from "../../decode/sampling.ts";
import { writeToyModel } from "../../demo/toy-model.ts";
import { writeToyVideos } from "../../demo/toy-videos.ts";
import { type IndexLibraryOptions, indexLibrary } from "../../index/index-library.ts";
import { ProgressReporter, type ProgressSink } from "../../pipeline/progress.ts";
import { prepareEdgeModel } from "../../prepare-edge/prepare-edge-model.ts";

/** What decides a toy model: `generate toy`'s options. */
export interface ToyModelStep {
  seed: number;
}

/** What decides the toy videos: `generate toy-videos`' options (count: its default when absent). */
export interface ToyVideosStep {
  seed: number;
  count?: number;
}

/** What decides an index here: `index`'s inputs and options; the rest are index's defaults (fps:1, cpu). */
export type IndexStep = Pick<
  IndexLibraryOptions,
  "videos" | "modelDir" | "manifestFile" | "captionsFile" | "segmentSec" | "aggregations"
>;

/** What decides a prepared edge encoder: prepare-edge's source model (its other options at their defaults). */
export interface PrepareEdgeStep {
  modelDir: string;
}

/** Runs one step into `outDir`; progress goes to the runner's stderr; throws when the step fails. */
export interface StepRunner {
  toyModel(step: ToyModelStep, outDir: string): Promise<void>;
  toyVideos(step: ToyVideosStep, outDir: string): Promise<void>;
  index(step: IndexStep, outDir: string): Promise<void>;
  prepareEdge(step: PrepareEdgeStep, outDir: string): Promise<void>;
}

/**
 * A StepRunner printing each step's progress to `stderr` (plain lines: it is not a TTY to them); `verbose`
 * also prints each step's options, the arguments a cached step's recipe hashes.
 */
export function stepRunner(stderr: ProgressSink, verbose = false): StepRunner {
  const line = (text: string) => stderr.write(`${text}\n`);
  const plain: ProgressSink = { write: (text: string) => stderr.write(text) };
  const options = (name: string, step: object) => {
    if (verbose) line(`${name} ${JSON.stringify(step)}`);
  };
  return {
    async toyModel(step, outDir) {
      options("generate toy", step);
      const summary = await writeToyModel(outDir, { seed: step.seed });
      line(`wrote the toy model (${summary.id}, ${summary.dimension}-d) to ${summary.dir}`);
    },
    async toyVideos(step, outDir) {
      options("generate toy-videos", step);
      const summary = await writeToyVideos(outDir, { seed: step.seed, count: step.count, encoder: "auto" });
      line(`wrote ${summary.videos} videos, ${summary.captions} captions to ${outDir}`);
    },
    async index(step, outDir) {
      options("index", step);
      let progress: ProgressReporter | null = null;
      const summary = await indexLibrary({
        ...step,
        outDir,
        sampling: parseSampling("fps:1"),
        runtime: { device: "cpu" },
        batchSize: 16,
        decoder: "auto",
        dtype: "float32",
        shard: null,
        onPlan(plan) {
          progress = new ProgressReporter(plain, plan.pending);
        },
        onEvent(event) {
          progress?.onEvent(event);
        },
      });
      (progress as ProgressReporter | null)?.finish();
      if (summary.skipped.length > 0)
        throw new InputError(
          "step_failed",
          `indexing ${step.videos} skipped ${summary.skipped.map((s) => `${s.path} (${s.reason})`).join(", ")}; index it alone with \`npm run cli -- index\` to see why`,
        );
      line(
        `indexed ${summary.videos.indexed}/${summary.videos.total} videos into ${outDir}: ${summary.vectors} vectors`,
      );
    },
    async prepareEdge(step, outDir) {
      options("prepare-edge", step);
      line(`preparing the edge text encoder from ${step.modelDir} ...`);
      const result = await prepareEdgeModel({ ...step, outDir, table: "int8", onProgress: line });
      const { verification } = result;
      line(
        `verified: cosine to the source over ${verification.sentences} sentences min ${verification.minCosine.toFixed(5)} (floor ${verification.threshold})`,
      );
    },
  };
}
