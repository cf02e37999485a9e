// The demo of `npm start`: toy model, toy videos, their index and the edge encoder, generated into a cache
// folder by the CLI's own commands, each step only when its output is missing or older than its inputs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cachedStep } from "./cached-step.ts";
import type { StepRunner } from "./run-command.ts";

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
  /** Number of toy videos (default: kit toy-videos' default). */
  videoCount?: number;
  seed?: number;
}

/** Generates (or reuses) the demo under `cacheDir` with the kit, index and prepare-edge commands. */
export async function ensureDemoAssets(options: DemoOptions): Promise<DemoAssets> {
  const { cacheDir, run, log } = options;
  const seed = String(options.seed ?? 0);
  const model = join(cacheDir, "toy-model");
  const videos = join(cacheDir, "toy-videos");
  const index = join(cacheDir, "index");
  const edge = join(cacheDir, "edge");
  await cachedStep(model, [], "toy model (kit toy)", log, (tmp) =>
    run("kit", ["toy", "--out", tmp, "--seed", seed]),
  );
  const count = options.videoCount === undefined ? [] : ["--count", String(options.videoCount)];
  await cachedStep(videos, [], "toy videos (kit toy-videos)", log, (tmp) =>
    run("kit", ["toy-videos", "--out", tmp, "--seed", seed, ...count]),
  );
  await cachedStep(index, [model, videos], "index of the toy videos (index)", log, (tmp) =>
    run("index", [
      join(videos, "videos"),
      "--model",
      model,
      "--out",
      tmp,
      "--manifest",
      join(videos, "manifest.csv"),
      "--captions",
      join(videos, "captions.csv"),
      "--segments",
      "1",
      "--aggregate",
      "mean",
    ]),
  );
  await cachedStep(edge, [model], "edge text encoder (prepare-edge)", log, (tmp) =>
    run("prepare-edge", ["--model", model, "--out", tmp]),
  );
  const queries = JSON.parse(readFileSync(join(videos, "queries.json"), "utf8")) as DemoAssets["queries"];
  return { modelDir: model, edgeDir: edge, indexDir: index, videosDir: join(videos, "videos"), queries };
}
