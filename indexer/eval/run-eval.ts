// `eval` as a library function: annotations -> videos found by id -> cached frame embeddings ->
// aggregations -> caption embeddings -> TVR/VTR metrics per aggregation. Never prints.
import { type Aggregation, formatAggregation } from "../../shared/aggregate.ts";
import type { DatasetAnnotations } from "../../shared/datasets/annotations.ts";
import { InputError } from "../../shared/errors.ts";
import type { RetrievalMetrics } from "../../shared/metrics/ranks.ts";
import { type DecoderChoice, resolveDecoder } from "../decode/decode-video.ts";
import { formatSampling, type Sampling } from "../decode/sampling.ts";
import { readSourceIdentity } from "../discover/source-identity.ts";
import { loadImageTower, type RuntimeOptions } from "../embed/clip-towers.ts";
import { describeTowerFile, type ModelDtype, resolveModelDir, visionModelStamp } from "../embed/model-dir.ts";
import { createFrameSource } from "../pipeline/frame-source.ts";
import type { PipelineEvent } from "../pipeline/types.ts";
import { aggregateVideos, type CachedVideo } from "./aggregate-videos.ts";
import { evaluateInChunks } from "./chunked-evaluation.ts";
import { loadDatasetAnnotations } from "./dataset-files.ts";
import { embedCaptions } from "./embed-captions.ts";
import { embedFrames, type FrameJob } from "./embed-frames.ts";
import { type FoundVideos, findVideosById } from "./find-videos.ts";
import { FrameCache } from "./frame-cache.ts";
import type { DatasetName } from "./paper-results.ts";

/** Where the test split comes from. */
export interface DatasetSource {
  dataset: DatasetName;
  annotations: string;
  /** MSVD only: the captions file. */
  captions?: string;
  /** Folder searched (recursively) for "<video id>.<ext>". */
  videosDir: string;
}

/** The split and which of its videos are on disk (what `--dry-run` reports). */
export interface DatasetScan {
  annotations: DatasetAnnotations;
  found: FoundVideos;
}

/** Parses the annotations and looks for the videos; embeds nothing. */
export async function scanDataset(source: DatasetSource): Promise<DatasetScan> {
  const annotations = await loadDatasetAnnotations(source.dataset, source.annotations, source.captions);
  const found = await findVideosById(source.videosDir, annotations.videos);
  return { annotations, found };
}

export interface EvalOptions extends DatasetSource {
  modelDir: string;
  /** Which model files to run (default fp32). */
  modelDtype?: ModelDtype;
  /** Frame sampling (indexer/decode/sampling.ts). */
  sampling: Sampling;
  aggregations: Aggregation[];
  /** Root of the frame-embedding cache. */
  cacheDir: string;
  runtime: RuntimeOptions;
  batchSize: number;
  decoder: DecoderChoice;
  /** Called with the files that will run ("onnx/vision_model.onnx (fp32)", ...). */
  onModel?(files: string[]): void;
  /** Called once the work is known. */
  onPlan?(plan: { videos: number; cached: number; toEmbed: number; cacheDir: string }): void;
  /** Pipeline events while frames are embedded (progress). */
  onEvent?(event: PipelineEvent): void;
  /** A later step starts ("aggregating", "embedding captions", "ranking"); `total` items. */
  onStep?(step: string, total: number): void;
  /** Progress inside the current step. */
  onStepProgress?(done: number, total: number): void;
}

/** Metrics of one aggregation. */
export interface AggregationResult {
  aggregation: string;
  vectorsPerVideo: number;
  /** Videos too short for it (see AggregatedVideos.shortVideos). */
  shortVideos: number;
  tvr: RetrievalMetrics;
  vtr_paper: RetrievalMetrics;
  vtr_ce: RetrievalMetrics;
}

/** What `eval` measured; results.json holds it as is. */
export interface EvalResult {
  dataset: DatasetName;
  model: { id: string; dimension: number; dir: string };
  sampling: string;
  decoder: "native" | "wasm";
  counts: {
    /** Videos and captions in the annotation split. */
    splitVideos: number;
    splitCaptions: number;
    /** Split videos with no file under --videos. */
    missing: number;
    /** Found videos that could not be decoded. */
    failed: number;
    /** Videos and captions evaluated (both sides of the ranking). */
    videos: number;
    captions: number;
  };
  /** False when any split video was left out: the numbers are then not comparable with the paper. */
  comparableWithPaper: boolean;
  missing: string[];
  failed: { id: string; path: string; reason: string }[];
  frames: { embeddedVideos: number; cachedVideos: number; embeddedFrames: number; cacheDir: string };
  /** Whether the caption embeddings came from the cache. */
  captionsCached: boolean;
  aggregations: AggregationResult[];
  /** The aggregation compared with the published numbers ("mean" when evaluated, else the first). */
  primary: {
    aggregation: string;
    /** Evaluated video ids, their lengths (s) and sampled frame counts, in split order. */
    videoIds: string[];
    durationsSec: number[];
    frameCounts: number[];
    /** Video index (into videoIds) of each evaluated caption. */
    captionVideos: number[];
    /** 1-based ranks, ties averaged: one per caption (TVR), one per video (VTR). */
    ranks: { tvr: number[]; vtr_paper: number[]; vtr_ce: number[] };
  };
  /** Wall-clock seconds of each step. */
  seconds: { frames: number; aggregate: number; captions: number; rank: number; total: number };
}

/** The embeddings behind a result, in `eval-features` layout (see exportFeatures in report.ts). */
export interface EvalFeatures {
  dimension: number;
  /** Row-major [C, d] caption embeddings, L2-normalized, in the order of EvalResult.primary.captionVideos. */
  text: Float32Array;
  /** Primary aggregation: row-major [V * k, d], video v in rows v*k .. v*k+k-1. */
  video: Float32Array;
  vectorsPerVideo: number;
}

/** The result and the embeddings it was computed from. */
export interface EvalRun {
  result: EvalResult;
  features: EvalFeatures;
}

/** The aggregation compared with the paper's tables, which report the mean of frame embeddings. */
function primaryAggregation(aggregations: readonly Aggregation[]): Aggregation {
  return aggregations.find((a) => a.kind === "mean") ?? aggregations[0];
}

/** Runs the whole evaluation; see the `eval` command for the behaviour. */
export async function runEval(options: EvalOptions): Promise<EvalRun> {
  const started = performance.now();
  const lap = (() => {
    let last = started;
    return () => {
      const now = performance.now();
      const seconds = Math.round(now - last) / 1000;
      last = now;
      return seconds;
    };
  })();
  if (options.aggregations.length === 0)
    throw new InputError("bad_aggregation", "give at least one --aggregate");
  const { annotations, found } = await scanDataset(options);
  const model = resolveModelDir(options.modelDir, { dtype: options.modelDtype });
  options.onModel?.(Object.values(model.models).map(describeTowerFile));
  const dimension = model.config.projectionDim;
  const decoder = resolveDecoder(options.decoder);
  // The spelling the cache's settings and the report store.
  const sampling = formatSampling(options.sampling);
  const cache = await FrameCache.open(options.cacheDir, {
    model: visionModelStamp(model),
    sampling,
    decoder,
  });

  // Which found videos are cached already (same file, complete entry) and which need embedding.
  const present: CachedVideo[] = [];
  const toEmbed: FrameJob[] = [];
  const failed: EvalResult["failed"] = [];
  for (const id of annotations.videos) {
    const path = found.paths.get(id);
    if (path === undefined) continue;
    // The one stat of the video this run: its identity goes with it to the cache and the decoder.
    const source = await readSourceIdentity(path);
    if ("error" in source) {
      failed.push({ id, path, reason: source.error });
      continue;
    }
    present.push({ id, path, source });
    // has() skips reading and hashing the .npy; aggregateVideos' load() does the full check once.
    if (!(await cache.has(path, source))) toEmbed.push({ id, path, source });
  }
  if (present.length === 0) {
    throw new InputError(
      "no_videos",
      `none of the ${annotations.videos.length} videos of the split was found under ${options.videosDir}; files must be named <video id>.<extension> (e.g. ${annotations.videos[0]}.mp4), at any depth`,
    );
  }
  options.onPlan?.({
    videos: present.length,
    cached: present.length - toEmbed.length,
    toEmbed: toEmbed.length,
    cacheDir: cache.dir,
  });

  let embeddedFrames = 0;
  if (toEmbed.length > 0) {
    const image = await loadImageTower(model, options.runtime);
    try {
      const outcome = await embedFrames(toEmbed, {
        source: createFrameSource(options.sampling, decoder),
        preprocess: image.preprocess,
        embedder: image.embedder,
        batchSize: options.batchSize,
        cache,
        onEvent: options.onEvent,
      });
      failed.push(...outcome.failed);
      embeddedFrames = outcome.frames;
    } finally {
      await image.release();
    }
  }
  const framesSec = lap();

  const failedIds = new Set(failed.map((f) => f.id));
  options.onStep?.("aggregating frames", present.length);
  const aggregation = await aggregateVideos(
    cache,
    present.filter((v) => !failedIds.has(v.id)),
    options.aggregations,
    dimension,
    options.onStepProgress,
  );
  for (const video of aggregation.unreadable)
    failed.push({
      id: video.id,
      path: video.path,
      reason: "its frame-cache entry could not be read back; run again",
    });
  if (aggregation.videos.length === 0)
    throw new InputError(
      "no_videos",
      `no video of the split could be decoded (${failed.length} failed, e.g. ${failed[0]?.id}: ${failed[0]?.reason})`,
    );
  const aggregateSec = lap();

  // Captions of the evaluated videos only: a left-out video is excluded from both sides.
  const videoIndex = new Map(aggregation.videos.map((v, i) => [v.id, i]));
  const captions = annotations.captions.filter((c) => videoIndex.has(c.videoId));
  const captionVideos = captions.map((c) => videoIndex.get(c.videoId) as number);
  options.onStep?.("embedding captions", captions.length);
  const { vectors: text, cached: captionsCached } = await embedCaptions(
    model,
    options.runtime,
    captions.map((c) => c.text),
    options.cacheDir,
    options.onStepProgress,
  );
  const captionsSec = lap();

  options.onStep?.("ranking", aggregation.aggregated.length);
  const primary = formatAggregation(primaryAggregation(options.aggregations));
  let primaryRanks: EvalResult["primary"]["ranks"] = { tvr: [], vtr_paper: [], vtr_ce: [] };
  const primaryVideos =
    aggregation.aggregated.find((a) => a.aggregation === primary) ?? aggregation.aggregated[0];
  const results: AggregationResult[] = aggregation.aggregated.map((aggregated, a) => {
    const evaluation = evaluateInChunks(
      text,
      aggregated.vectors,
      dimension,
      aggregated.vectorsPerVideo,
      captionVideos,
    );
    if (aggregated.aggregation === primary) {
      primaryRanks = {
        tvr: Array.from(evaluation.ranks.tvr),
        vtr_paper: Array.from(evaluation.ranks.vtr_paper),
        vtr_ce: Array.from(evaluation.ranks.vtr_ce),
      };
    }
    options.onStepProgress?.(a + 1, aggregation.aggregated.length);
    return {
      aggregation: aggregated.aggregation,
      vectorsPerVideo: aggregated.vectorsPerVideo,
      shortVideos: aggregated.shortVideos,
      tvr: evaluation.tvr,
      vtr_paper: evaluation.vtr_paper,
      vtr_ce: evaluation.vtr_ce,
    };
  });
  const rankSec = lap();

  const missing = found.missing;
  const result: EvalResult = {
    dataset: options.dataset,
    model: { id: model.id, dimension, dir: model.dir },
    sampling,
    decoder,
    counts: {
      splitVideos: annotations.videos.length,
      splitCaptions: annotations.captions.length,
      missing: missing.length,
      failed: failed.length,
      videos: aggregation.videos.length,
      captions: captions.length,
    },
    comparableWithPaper: missing.length === 0 && failed.length === 0,
    missing,
    failed,
    frames: {
      embeddedVideos: toEmbed.filter((job) => !failedIds.has(job.id)).length,
      cachedVideos: present.length - toEmbed.length,
      embeddedFrames,
      cacheDir: cache.dir,
    },
    captionsCached,
    aggregations: results,
    primary: {
      aggregation: primary,
      videoIds: aggregation.videos.map((v) => v.id),
      durationsSec: aggregation.durationsSec,
      frameCounts: aggregation.frameCounts,
      captionVideos,
      ranks: primaryRanks,
    },
    seconds: {
      frames: framesSec,
      aggregate: aggregateSec,
      captions: captionsSec,
      rank: rankSec,
      total: Math.round(performance.now() - started) / 1000,
    },
  };
  return {
    result,
    features: {
      dimension,
      text,
      video: primaryVideos.vectors,
      vectorsPerVideo: primaryVideos.vectorsPerVideo,
    },
  };
}
