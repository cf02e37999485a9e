// Section 5: indexing on CPU (2 threads): frames/s of decode alone, preprocessing alone, the image encoder
// alone (batch 1, 8, 32) and the whole `index` pipeline, on the toy videos and the ../shared videos;
// pipeline efficiency = pipeline frames/s / slowest stage's frames/s (at the pipeline's batch size).
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeVideoFrames } from "../../indexer/decode/decode-video.ts";
import type { DecodedFrame } from "../../indexer/decode/decoded-frame.ts";
import { parseSampling } from "../../indexer/decode/sampling.ts";
import { writeToyVideos } from "../../indexer/kit/toy-videos.ts";
import { discoverVideos } from "../../indexer/library/discover.ts";
import { resolveModelDir } from "../../indexer/model-dir.ts";
import { loadImageTower } from "../../indexer/pipeline/clip-towers.ts";
import { indexLibrary } from "../../indexer/pipeline/index-library.ts";
import { parseAggregation } from "../../shared/aggregate.ts";
import { BENCH_DATA, SHARED } from "../lib/fixtures.ts";
import type { BenchContext } from "../lib/section.ts";
import { round, since } from "../lib/stats.ts";

const THREADS = 2;
/** The pipeline's batch size; the embed-alone figure at this size is its denominator. */
const PIPELINE_BATCH = 8;
const EMBED_BATCHES = [1, 8, 32];

/** frames over seconds. */
export interface Throughput {
  frames: number;
  seconds: number;
  framesPerSec: number;
}

export interface LibraryFigures {
  dir: string;
  videos: number;
  sampling: string;
  decode: Throughput;
  preprocess: Throughput;
  /** The whole `index` run, wall clock (vision + text model loads and index writing included). */
  pipelineWall: Throughput;
  /** Same run minus the image model's load time measured alone (the steady-state rate). */
  pipeline: Throughput;
  /** Busy seconds per stage as the pipeline reports them. */
  pipelineStageSeconds: Record<string, number>;
  slowestStage: { name: string; framesPerSec: number };
  /** pipeline.framesPerSec / slowestStage.framesPerSec. */
  efficiency: number;
  efficiencyWall: number;
}

export interface IndexingFigures {
  threads: number;
  pipelineBatch: number;
  imageModelLoadSeconds: number;
  /** Image encoder alone, frames/s by batch size (same frames, pre-processed). */
  embed: Record<string, Throughput>;
  libraries: Record<string, LibraryFigures | { skipped: string }>;
  /** The lowest efficiency over the libraries measured (the goal's figure). */
  minEfficiency: number;
}

function throughput(frames: number, ms: number): Throughput {
  return { frames, seconds: round(ms / 1000), framesPerSec: round((frames / ms) * 1000) };
}

async function decodeAll(
  dir: string,
  sampling: string,
): Promise<{ frames: DecodedFrame[]; ms: number; videos: number }> {
  const library = await discoverVideos(dir);
  const parsed = parseSampling(sampling);
  const frames: DecodedFrame[] = [];
  const start = performance.now();
  for (const video of library.videos)
    for await (const frame of decodeVideoFrames(video.path, { sampling: parsed, decoder: "native" }))
      frames.push(frame);
  return { frames, ms: since(start), videos: library.videos.length };
}

export async function benchIndexing(context: BenchContext): Promise<IndexingFigures> {
  const toyDir = join(BENCH_DATA, "toy-videos");
  if (!existsSync(join(toyDir, "manifest.csv"))) {
    context.log("  writing the toy videos (kit toy-videos) ...");
    await writeToyVideos(toyDir);
  }
  const libraries: { name: string; dir: string; sampling: string }[] = [
    { name: "toy", dir: join(toyDir, "videos"), sampling: context.full ? "fps:2" : "uniform:3" },
  ];
  const sharedVideos = join(SHARED, "videos");
  const figures: IndexingFigures["libraries"] = {};
  if (existsSync(sharedVideos))
    libraries.push({ name: "shared", dir: sharedVideos, sampling: context.full ? "all" : "uniform:16" });
  else figures.shared = { skipped: `${sharedVideos} is absent` };

  const model = resolveModelDir(context.modelDir, { towers: ["vision"] });
  let start = performance.now();
  const tower = await loadImageTower(model, { device: "cpu", threads: THREADS });
  const loadMs = since(start);
  const embed: Record<string, Throughput> = {};
  const decoded: Record<string, { frames: DecodedFrame[]; ms: number; videos: number }> = {};
  const preprocessMs: Record<string, number> = {};
  try {
    for (const library of libraries) {
      context.log(`  ${library.name}: decode and preprocess (${library.sampling}) ...`);
      decoded[library.name] = await decodeAll(library.dir, library.sampling);
      start = performance.now();
      for (const frame of decoded[library.name].frames) tower.preprocess(frame);
      preprocessMs[library.name] = since(start);
    }
    // The image encoder alone, on pre-processed frames of the first library (repeated to fill a batch).
    const source = decoded[libraries[0].name].frames;
    const pixels = source.slice(0, 8).map((frame) => tower.preprocess(frame));
    const size = pixels[0].length;
    const framesPerBatchSize = context.full ? 64 : 32;
    for (const batch of EMBED_BATCHES) {
      const input = new Float32Array(size * batch);
      for (let i = 0; i < batch; i++) input.set(pixels[i % pixels.length], i * size);
      await tower.embedder.embed(input, batch); // warm-up for this shape
      const runs = Math.max(1, Math.round(framesPerBatchSize / batch));
      context.log(`  image encoder alone: batch ${batch} x ${runs} ...`);
      start = performance.now();
      for (let r = 0; r < runs; r++) await tower.embedder.embed(input, batch);
      embed[`batch${batch}`] = throughput(runs * batch, since(start));
    }
  } finally {
    await tower.release();
  }

  for (const library of libraries) {
    context.log(`  ${library.name}: the whole index pipeline ...`);
    const out = await mkdtemp(join(tmpdir(), "bench-index-"));
    try {
      const summary = await indexLibrary({
        videos: library.dir,
        modelDir: context.modelDir,
        outDir: join(out, "index"),
        sampling: library.sampling,
        aggregations: [parseAggregation("mean")],
        segmentSec: null,
        captionsFile: null,
        manifestFile: null,
        runtime: { device: "cpu", threads: THREADS },
        batchSize: PIPELINE_BATCH,
        decoder: "native",
        dtype: "float32",
        shard: null,
      });
      const d = decoded[library.name];
      const stages = {
        decode: throughput(d.frames.length, d.ms),
        preprocess: throughput(d.frames.length, preprocessMs[library.name]),
        embed: embed[`batch${PIPELINE_BATCH}`],
      };
      const [slowName, slow] = Object.entries(stages).sort(
        (a, b) => a[1].framesPerSec - b[1].framesPerSec,
      )[0];
      const pipelineWall = throughput(summary.frames, summary.seconds.total * 1000);
      const pipeline = throughput(summary.frames, Math.max(1, summary.seconds.total * 1000 - loadMs));
      figures[library.name] = {
        dir: library.dir,
        videos: d.videos,
        sampling: library.sampling,
        decode: stages.decode,
        preprocess: stages.preprocess,
        pipelineWall,
        pipeline,
        pipelineStageSeconds: summary.seconds,
        slowestStage: { name: slowName, framesPerSec: slow.framesPerSec },
        efficiency: round(pipeline.framesPerSec / slow.framesPerSec),
        efficiencyWall: round(pipelineWall.framesPerSec / slow.framesPerSec),
      };
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }
  const efficiencies = Object.values(figures).flatMap((f) => ("efficiency" in f ? [f.efficiency] : []));
  return {
    threads: THREADS,
    pipelineBatch: PIPELINE_BATCH,
    imageModelLoadSeconds: round(loadMs / 1000),
    embed,
    libraries: figures,
    minEfficiency: efficiencies.length ? Math.min(...efficiencies) : Number.NaN,
  };
}
