// Section 5: indexing on CPU (2 threads): frames/s of each pipeline stage alone and of the whole `index`
// pipeline, on the toy videos and the ../shared videos; efficiency = pipeline frames/s / slowest stage's.
// Each stage alone runs the pipeline's own code with the same settings (see METHOD); 3 rounds, the quietest kept.
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DecodedFrame } from "../../indexer/decode/decoded-frame.ts";
import { parseSampling } from "../../indexer/decode/sampling.ts";
import { writeToyVideos } from "../../indexer/demo/toy-videos.ts";
import { discoverVideos } from "../../indexer/discover/discover.ts";
import { type ImageTower, loadImageTower } from "../../indexer/embed/clip-towers.ts";
import { type ModelDirectory, resolveModelDir } from "../../indexer/embed/model-dir.ts";
import { indexLibrary } from "../../indexer/index/index-library.ts";
import { runFramePipeline } from "../../indexer/pipeline/frame-pipeline.ts";
import { createFrameSource } from "../../indexer/pipeline/frame-source.ts";
import { StageClock } from "../../indexer/pipeline/stage-clock.ts";
import { parseAggregation } from "../../shared/aggregate.ts";
import { startCpuMeter } from "../lib/cpu-meter.ts";
import { BENCH_DATA, SHARED } from "../lib/fixtures.ts";
import type { BenchContext } from "../lib/section.ts";
import { round, since } from "../lib/stats.ts";

const THREADS = 2;
/** The pipeline's batch size (batches span videos, so every batch but the last is full). */
const PIPELINE_BATCH = 8;
const EMBED_BATCHES = [1, 8, 32];
/** Above this share of the CPU taken by other processes, a round's figures are flagged as unreliable. */
const QUIET_SHARE = 0.1;

/** How each figure is measured (stored in results.json beside the figures). */
export const METHOD = [
  "decode alone: the frame pipeline (runFramePipeline) with the real frame source (probe, sampled frames, thumbnail; same decode-ahead) and no-op preprocess/embed/consume",
  `preprocess alone: the image tower's preprocess over the frames decoded alone`,
  `embed alone: a freshly loaded image tower (${THREADS} threads, load not timed) embedding those frames in the pipeline's batches (${PIPELINE_BATCH} consecutive frames, across videos)`,
  "pipeline: the index command's pipeline (indexLibrary seconds.pipeline: decode to journal, model load and index writing excluded)",
  "each round measures decode, preprocess, embed, pipeline back to back; the figures are the round where other processes used the least CPU (foreignShare, from /proc/stat), every round is listed in rounds",
].join("; ");

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
  /** Every round: its efficiency, slowest stage, pipeline rate, CPU per frame, others' share of the CPU. */
  rounds: {
    efficiency: number;
    slowest: string;
    pipelineFramesPerSec: number;
    pipelineCpuSecPerFrame: number | null;
    foreignShare: number | null;
  }[];
  /** The figures below are the quietest round's (least foreignShare). */
  decode: Throughput;
  preprocess: Throughput;
  /** The image encoder alone on this library's frames in the pipeline's batches. */
  embed: Throughput;
  /** The whole `index` run, wall clock (vision model load and index writing included). */
  pipelineWall: Throughput;
  /** The pipeline alone (decode to journal). */
  pipeline: Throughput;
  /** Busy seconds per stage as the pipeline reports them. */
  pipelineStageSeconds: Record<string, number>;
  /** CPU seconds per frame of the pipeline run (this process and ffmpeg): the work, whatever the load. */
  pipelineCpuSecPerFrame: number | null;
  /** Share of the machine's CPU that other processes used during the round (0..1). */
  foreignShare: number | null;
  /** Set when even the quietest round shared the machine (foreignShare > QUIET_SHARE): not reliable. */
  loadWarning?: string;
  slowestStage: { name: string; framesPerSec: number };
  /** pipeline.framesPerSec / slowestStage.framesPerSec. */
  efficiency: number;
  /**
   * pipeline.framesPerSec / the rate of running the stages one after another (1 / sum of 1/rate):
   * what overlapping buys. On a CPU-bound machine where every stage alone already uses all cores,
   * the pipeline cannot do much better than 1 here, whatever `efficiency` says.
   */
  overSerial: number;
  efficiencyWall: number;
}

export interface IndexingFigures {
  threads: number;
  pipelineBatch: number;
  method: string;
  imageModelLoadSeconds: number;
  /** Image encoder alone, frames/s by batch size (same frames, pre-processed, warmed session). */
  embed: Record<string, Throughput>;
  /** True when every frame's vector is bit-identical whether embedded alone or in a batch of 8. */
  rowsIndependent: boolean;
  libraries: Record<string, LibraryFigures | { skipped: string }>;
  /** The lowest efficiency over the libraries measured (the goal's figure). */
  minEfficiency: number;
}

function throughput(frames: number, ms: number): Throughput {
  return { frames, seconds: round(ms / 1000), framesPerSec: round((frames / ms) * 1000) };
}

/** The pipeline's decode stage alone: real frame source, no-op downstream stages. */
async function decodeAlone(dir: string, sampling: string): Promise<{ frames: DecodedFrame[]; ms: number }> {
  const library = await discoverVideos(dir);
  const frames: DecodedFrame[] = [];
  const jobs = await Promise.all(
    library.videos.map(async (v) => ({
      id: v.id,
      path: v.path,
      source: { sizeBytes: (await stat(v.path)).size },
    })),
  );
  const start = performance.now();
  await runFramePipeline(jobs, {
    source: createFrameSource(parseSampling(sampling), "native"),
    preprocess: (frame) => {
      frames.push(frame);
      return new Float32Array(1);
    },
    embedder: {
      dimension: 1,
      embed: async (_pixels, count) => Array.from({ length: count }, () => Float32Array.of(1)),
    },
    batchSize: PIPELINE_BATCH,
    thumbnails: { video: true, frames: false },
    clock: new StageClock(),
    consume: async () => {},
  });
  return { frames, ms: since(start) };
}

/** Embeds `pixels` in the pipeline's batches on `tower`; milliseconds. */
async function embedBatches(tower: ImageTower, pixels: Float32Array[]): Promise<number> {
  const size = pixels[0].length;
  const batch = new Float32Array(size * PIPELINE_BATCH);
  const start = performance.now();
  for (let from = 0; from < pixels.length; from += PIPELINE_BATCH) {
    const count = Math.min(PIPELINE_BATCH, pixels.length - from);
    for (let i = 0; i < count; i++) batch.set(pixels[from + i], i * size);
    await tower.embedder.embed(batch.subarray(0, count * size), count);
  }
  return since(start);
}

/** One round's figures. */
interface Round {
  decode: Throughput;
  preprocess: Throughput;
  embed: Throughput;
  pipeline: Throughput;
  pipelineWall: Throughput;
  stageSeconds: Record<string, number>;
  /** CPU seconds per frame (this process + ffmpeg) of the pipeline run. */
  pipelineCpuSecPerFrame: number | null;
  /** Share of the machine other processes used during the round (null without /proc). */
  foreignShare: number | null;
}

async function measureRound(
  model: ModelDirectory,
  library: { name: string; dir: string; sampling: string },
): Promise<{ round: Round; frames: DecodedFrame[]; videos: number }> {
  const roundMeter = startCpuMeter();
  const decoded = await decodeAlone(library.dir, library.sampling);
  const frames = decoded.frames;
  const decode = throughput(frames.length, decoded.ms);
  const tower = await loadImageTower(model, { device: "cpu", threads: THREADS });
  let preprocess: Throughput;
  let embed: Throughput;
  try {
    const start = performance.now();
    const pixels = frames.map((frame) => tower.preprocess(frame));
    preprocess = throughput(frames.length, since(start));
    embed = throughput(pixels.length, await embedBatches(tower, pixels));
  } finally {
    await tower.release();
  }
  const out = await mkdtemp(join(tmpdir(), "bench-index-"));
  try {
    const meter = startCpuMeter();
    const summary = await indexLibrary({
      videos: library.dir,
      modelDir: model.dir,
      outDir: join(out, "index"),
      sampling: parseSampling(library.sampling),
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
    const cpu = meter.stop();
    const foreign = roundMeter.stop();
    return {
      frames,
      videos: summary.videos.indexed,
      round: {
        decode,
        preprocess,
        embed,
        pipeline: throughput(summary.frames, summary.seconds.pipeline * 1000),
        pipelineWall: throughput(summary.frames, summary.seconds.total * 1000),
        stageSeconds: summary.seconds,
        pipelineCpuSecPerFrame: cpu ? round(cpu.ownSec / summary.frames) : null,
        foreignShare: foreign?.foreignShare ?? null,
      },
    };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

function slowestOf(r: Round): [string, Throughput] {
  const stages = { decode: r.decode, preprocess: r.preprocess, embed: r.embed };
  return Object.entries(stages).sort((a, b) => a[1].framesPerSec - b[1].framesPerSec)[0];
}

async function measureLibrary(
  context: BenchContext,
  model: ModelDirectory,
  library: { name: string; dir: string; sampling: string },
  rounds: number,
): Promise<{ figures: LibraryFigures; frames: DecodedFrame[] }> {
  const done: Round[] = [];
  let frames: DecodedFrame[] = [];
  let videos = 0;
  for (let r = 0; r < rounds; r++) {
    context.log(
      `  ${library.name} round ${r + 1}/${rounds}: decode, preprocess, embed alone, then the pipeline ...`,
    );
    const measured = await measureRound(model, library);
    done.push(measured.round);
    frames = measured.frames;
    videos = measured.videos;
  }
  // The quietest round (least CPU taken by other processes) speaks for the machine.
  const chosen = [...done].sort((a, b) => (a.foreignShare ?? 0) - (b.foreignShare ?? 0))[0];
  const [slowName, slow] = slowestOf(chosen);
  return {
    frames,
    figures: {
      dir: library.dir,
      videos,
      sampling: library.sampling,
      rounds: done.map((r) => ({
        efficiency: round(r.pipeline.framesPerSec / slowestOf(r)[1].framesPerSec),
        slowest: slowestOf(r)[0],
        pipelineFramesPerSec: r.pipeline.framesPerSec,
        pipelineCpuSecPerFrame: r.pipelineCpuSecPerFrame,
        foreignShare: r.foreignShare,
      })),
      decode: chosen.decode,
      preprocess: chosen.preprocess,
      embed: chosen.embed,
      pipelineWall: chosen.pipelineWall,
      pipeline: chosen.pipeline,
      pipelineStageSeconds: chosen.stageSeconds,
      pipelineCpuSecPerFrame: chosen.pipelineCpuSecPerFrame,
      foreignShare: chosen.foreignShare,
      slowestStage: { name: slowName, framesPerSec: slow.framesPerSec },
      efficiency: round(chosen.pipeline.framesPerSec / slow.framesPerSec),
      overSerial: round(
        chosen.pipeline.framesPerSec *
          [chosen.decode, chosen.preprocess, chosen.embed].reduce((sum, t) => sum + 1 / t.framesPerSec, 0),
      ),
      efficiencyWall: round(chosen.pipelineWall.framesPerSec / slow.framesPerSec),
      ...((chosen.foreignShare ?? 0) > QUIET_SHARE && {
        loadWarning: `other processes used ${Math.round((chosen.foreignShare ?? 0) * 100)}% of the CPU during the quietest round: the stages alone and the pipeline did not see the same machine`,
      }),
    },
  };
}

/** The image encoder alone at EMBED_BATCHES (warmed), and whether rows depend on their batch. */
async function measureEncoder(
  context: BenchContext,
  model: ModelDirectory,
  source: DecodedFrame[],
): Promise<{ loadMs: number; embed: Record<string, Throughput>; rowsIndependent: boolean }> {
  const start = performance.now();
  const tower = await loadImageTower(model, { device: "cpu", threads: THREADS });
  const loadMs = since(start);
  const embed: Record<string, Throughput> = {};
  try {
    const pixels = source.slice(0, 8).map((frame) => tower.preprocess(frame));
    const size = pixels[0].length;
    const batched = new Float32Array(size * pixels.length);
    for (const [i, p] of pixels.entries()) batched.set(p, i * size);
    const together = await tower.embedder.embed(batched, pixels.length);
    let rowsIndependent = true;
    for (const [i, p] of pixels.entries()) {
      const [alone] = await tower.embedder.embed(p, 1);
      if (alone.some((v, k) => v !== together[i][k])) rowsIndependent = false;
    }
    const framesPerBatchSize = context.full ? 64 : 32;
    for (const batch of EMBED_BATCHES) {
      const input = new Float32Array(size * batch);
      for (let i = 0; i < batch; i++) input.set(pixels[i % pixels.length], i * size);
      await tower.embedder.embed(input, batch); // warm-up for this shape
      const runs = Math.max(1, Math.round(framesPerBatchSize / batch));
      context.log(`  image encoder alone: batch ${batch} x ${runs} ...`);
      const t = performance.now();
      for (let r = 0; r < runs; r++) await tower.embedder.embed(input, batch);
      embed[`batch${batch}`] = throughput(runs * batch, since(t));
    }
    return { loadMs, embed, rowsIndependent };
  } finally {
    await tower.release();
  }
}

export async function benchIndexing(context: BenchContext): Promise<IndexingFigures> {
  const toyDir = join(BENCH_DATA, "toy-videos");
  if (!existsSync(join(toyDir, "manifest.csv"))) {
    context.log("  writing the toy videos (generate toy-videos) ...");
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
  const rounds = 3;
  let firstFrames: DecodedFrame[] = [];
  for (const library of libraries) {
    const measured = await measureLibrary(context, model, library, rounds);
    figures[library.name] = measured.figures;
    if (firstFrames.length === 0) firstFrames = measured.frames;
  }
  const encoder = await measureEncoder(context, model, firstFrames);
  const efficiencies = Object.values(figures).flatMap((f) => ("efficiency" in f ? [f.efficiency] : []));
  return {
    threads: THREADS,
    pipelineBatch: PIPELINE_BATCH,
    method: METHOD,
    imageModelLoadSeconds: round(encoder.loadMs / 1000),
    embed: encoder.embed,
    rowsIndependent: encoder.rowsIndependent,
    libraries: figures,
    minEfficiency: efficiencies.length ? Math.min(...efficiencies) : Number.NaN,
  };
}
