// The demo of `npm start`: toy model, toy videos, their index and the edge encoder, generated into a cache
// folder by the functions behind the CLI's generate, index and prepare-edge commands, each step only when its output
// is missing, older than its inputs or made by other code or options.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAggregation } from "../../shared/aggregate.ts";
import { cachedStep } from "../publish/serve/cached-step.ts";
import { codeRecipe } from "../publish/serve/code-recipe.ts";
import type { StepRunner } from "../publish/serve/run-command.ts";

/** What the demo serves: the worker's model directory, the index and the toy queries with their answers. */
export interface DemoAssets {
  /** The toy CLIP model directory the index was built with. */
  modelDir: string;
  /** Prepared edge encoder (edge.json, ...): goes to R2 under MODEL_PREFIX. */
  edgeDir: string;
  /** Local index directory: goes to R2 under INDEX_PREFIX. */
  indexDir: string;
  /** The toy videos the index was built from (served as media). */
  videosDir: string;
  /** Toy queries (captions) and the video each should find first. */
  queries: { query: string; videoId: string }[];
}

export interface DemoOptions {
  /** Cache folder (e.g. data/demo). */
  cacheDir: string;
  run: StepRunner;
  /** One line per step, for people. */
  log: (message: string) => void;
  /** Number of toy videos (default: generate toy-videos' default). */
  videoCount?: number;
  seed?: number;
}

/** Generates (or reuses) the demo under `cacheDir` with the generate, index and prepare-edge steps of `run`. */
export async function ensureDemoAssets(options: DemoOptions): Promise<DemoAssets> {
  const { cacheDir, run, log } = options;
  const seed = options.seed ?? 0;
  const model = join(cacheDir, "toy-model");
  const videos = join(cacheDir, "toy-videos");
  const index = join(cacheDir, "index");
  const edge = join(cacheDir, "edge");
  // Each step's recipe is the code that runs it and the options it is called with: after an upgrade (a new
  // index format, a vision tower in edge.json) the demo is rebuilt instead of served stale.
  const step = <Step extends object>(
    out: string,
    inputs: string[],
    what: string,
    name: string,
    stepOptions: Step,
    runStep: (stepOptions: Step, outDir: string) => Promise<void>,
  ) =>
    cachedStep(
      out,
      inputs,
      what,
      log,
      (tmp) => runStep(stepOptions, tmp),
      codeRecipe([name, JSON.stringify(stepOptions)]),
    );
  await step(model, [], "toy model (generate toy)", "generate toy", { seed }, run.toyModel);
  await step(
    videos,
    [],
    "toy videos (generate toy-videos)",
    "generate toy-videos",
    { seed, count: options.videoCount },
    run.toyVideos,
  );
  await step(
    index,
    [model, videos],
    "index of the toy videos (index)",
    "index",
    {
      videos: join(videos, "videos"),
      modelDir: model,
      manifestFile: join(videos, "manifest.csv"),
      captionsFile: join(videos, "captions.csv"),
      segmentSec: 1,
      aggregations: [parseAggregation("mean")],
    },
    run.index,
  );
  await step(
    edge,
    [model],
    "edge encoders (prepare-edge)",
    "prepare-edge",
    { modelDir: model },
    run.prepareEdge,
  );
  const queries = JSON.parse(readFileSync(join(videos, "queries.json"), "utf8")) as DemoAssets["queries"];
  return { modelDir: model, edgeDir: edge, indexDir: index, videosDir: join(videos, "videos"), queries };
}
