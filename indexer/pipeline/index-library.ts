// `index` as a library function: library -> resumable pipeline -> atomic index. Never prints; the
// command draws progress from the events and prints the summary.
import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { type Aggregation, formatAggregation } from "../../shared/aggregate.ts";
import { InputError } from "../../shared/errors.ts";
import type { VectorDtype } from "../../shared/index-format.ts";
import { readCaptionsFile } from "../captions-file.ts";
import { assembleIndex, type VideoPart } from "../index-store/assemble.ts";
import { Journal, removeWorkDir, settingsKey } from "../index-store/journal.ts";
import type { VideoResult } from "../index-store/video-result.ts";
import { assertReplaceable, writeIndexAtomically } from "../index-store/writer.ts";
import { discoverVideos } from "../library/discover.ts";
import { applyManifest, readManifestFile } from "../library/manifest-file.ts";
import { inShard, type Shard } from "../library/shard.ts";
import { describeTowerFile, type ModelDtype, resolveModelDir, visionModelStamp } from "../model-dir.ts";
import { loadImageTower, loadTextTower, type RuntimeOptions } from "./clip-towers.ts";
import { createFrameSource, type DecoderChoice } from "./frame-source.ts";
import { type PipelineEvent, type PipelineJob, runIndexPipeline } from "./index-pipeline.ts";
import { StageClock, type StageName } from "./stage-clock.ts";

export interface IndexLibraryOptions {
  /** Directory of videos or list file. */
  videos: string;
  modelDir: string;
  outDir: string;
  /** Frame sampling spelling, e.g. "fps:1" (indexer/decode). */
  sampling: string;
  aggregations: Aggregation[];
  /** Segment window in seconds, or null. */
  segmentSec: number | null;
  captionsFile: string | null;
  manifestFile: string | null;
  runtime: RuntimeOptions;
  batchSize: number;
  decoder: DecoderChoice;
  /** Storage type of the index's vectors. */
  dtype: VectorDtype;
  /** Which model files to run (default fp32). */
  modelDtype?: ModelDtype;
  shard: Shard | null;
  onEvent?(event: PipelineEvent): void;
  /** Called once the work is known: videos to process now and videos resumed from the journal. */
  onPlan?(plan: { total: number; pending: number; resumed: number; workDir: string }): void;
}

/** The run's outcome, printed by the command (and with --json, as is). */
export interface IndexSummary {
  outDir: string;
  /** The model, and the file run for each tower ("onnx/vision_model.onnx (fp32)"). */
  model: { id: string; dimension: number; files: Record<string, string> };
  videos: { total: number; indexed: number; resumed: number; skipped: number };
  skipped: { id: string; path: string; reason: string }[];
  vectors: number;
  /** Captions stored, and captions of videos not in this index (unknown ids, skipped videos, other shards). */
  captions: { stored: number; notIndexed: number };
  /** Things the user may want to fix that did not stop the run. */
  warnings: string[];
  /** Frames embedded by this run (resumed videos excluded). */
  frames: number;
  framesPerSec: number;
  /**
   * Busy seconds per stage, wall-clock seconds of the pipeline alone (decode to journal, model load and
   * index writing excluded; 0 when everything was resumed) and of the whole run.
   */
  seconds: Record<StageName, number> & { pipeline: number; total: number };
}

async function sourceIdentity(path: string): Promise<VideoResult["source"]> {
  const info = await stat(path);
  return { sizeBytes: info.size, mtimeMs: info.mtimeMs };
}

/** Indexes a library into `outDir`; see the `index` command for the behaviour. */
export async function indexLibrary(options: IndexLibraryOptions): Promise<IndexSummary> {
  const startMs = performance.now();
  const clock = new StageClock();
  const outDir = resolve(options.outDir);
  await assertReplaceable(outDir);
  const library = await discoverVideos(options.videos);
  const manifestEntries = options.manifestFile ? await readManifestFile(options.manifestFile) : [];
  const baseDir = options.manifestFile ? dirname(resolve(options.manifestFile)) : library.root;
  const applied = applyManifest(library, manifestEntries, baseDir);
  const catalog = applied.videos.filter((v) => inShard(v.id, options.shard));
  if (library.videos.length === 0)
    throw new InputError(
      "no_videos",
      `no videos found in ${options.videos} (looked for common video extensions)`,
    );
  const captionEntries = options.captionsFile ? await readCaptionsFile(options.captionsFile) : [];

  const model = resolveModelDir(options.modelDir, {
    towers: captionEntries.length > 0 ? ["vision", "text"] : ["vision"],
    dtype: options.modelDtype,
  });
  const dimension = model.config.projectionDim;
  // Everything that changes a video's vectors; anything else (dtype, batch, threads) may differ on resume.
  const settings = {
    journal: 1,
    model: visionModelStamp(model),
    sampling: options.sampling,
    aggregations: options.aggregations.map(formatAggregation),
    segmentSec: options.segmentSec,
    decoder: options.decoder,
  };
  const journal = await Journal.open(resolve(`${outDir}.work`, settingsKey(settings)), settings);

  const results = new Map<string, Omit<VideoResult, "thumbnail"> & { hasThumbnail: boolean }>();
  // Thumbnails stay in the journal until the index is written, so memory holds only vectors.
  const keep = ({ thumbnail, ...result }: VideoResult) =>
    results.set(result.id, { ...result, hasThumbnail: thumbnail !== null });
  const pending: PipelineJob[] = [];
  const missing: IndexSummary["skipped"] = [];
  for (const video of catalog) {
    const source = await sourceIdentity(video.path).catch(() => null);
    if (source === null) {
      missing.push({ id: video.id, path: video.path, reason: "file not found or not readable" });
      continue;
    }
    const done = await journal.load(video.id, source);
    if (done) keep(done);
    else pending.push({ ...video, source });
  }
  options.onPlan?.({
    total: catalog.length,
    pending: pending.length + missing.length,
    resumed: results.size,
    workDir: journal.dir,
  });

  let outcome = { failed: [] as IndexSummary["skipped"], frames: 0 };
  let pipelineMs = 0;
  for (const m of missing) options.onEvent?.({ type: "video", id: m.id, ok: false, reason: m.reason });
  if (pending.length > 0) {
    const image = await loadImageTower(model, options.runtime).catch(async (error: unknown) => {
      // Nothing journaled yet (e.g. --device cuda without CUDA): leave no work dir behind.
      if (results.size === 0) await removeWorkDir(resolve(`${outDir}.work`));
      throw error;
    });
    const pipelineStart = performance.now();
    try {
      outcome = await runIndexPipeline(pending, {
        source: createFrameSource(options.sampling, options.decoder),
        preprocess: image.preprocess,
        embedder: image.embedder,
        batchSize: options.batchSize,
        aggregations: options.aggregations,
        segmentSec: options.segmentSec,
        clock,
        onEvent: options.onEvent,
        async save(result) {
          // Kept first: saves overlap, and the index keeps the pipeline's (job) order. A failed save aborts the run.
          keep(result);
          await journal.save(result);
        },
      });
    } finally {
      pipelineMs = performance.now() - pipelineStart;
      await image.release();
    }
  }

  // Captions of indexed videos, embedded with the model's text tower, in file order.
  const captionsOf = new Map<string, { text: string; vector: Float32Array }[]>();
  const captioned = captionEntries.filter((c) => results.has(c.videoId));
  if (captioned.length > 0) {
    const text = await loadTextTower(model, options.runtime);
    try {
      const vectors = await clock.time("embed", () => text.encode(captioned.map((c) => c.text)));
      captioned.forEach((c, i) => {
        const list = captionsOf.get(c.videoId) ?? [];
        list.push({ text: c.text, vector: vectors[i] });
        captionsOf.set(c.videoId, list);
      });
    } finally {
      await text.release();
    }
  }

  const parts: VideoPart[] = [...results.values()].map((r) => ({
    video: {
      id: r.id,
      title: r.title,
      url: r.url,
      durationSec: r.durationSec,
      fps: r.fps,
      width: r.width,
      height: r.height,
      frames: r.frames,
    },
    rows: r.rows,
    vectors: r.vectors,
    thumbnail: r.hasThumbnail ? async () => (await journal.load(r.id, r.source))?.thumbnail ?? null : null,
    captions: captionsOf.get(r.id) ?? [],
  }));
  const data = assembleIndex(parts, {
    model: { id: model.id, dimension },
    sampling: options.sampling,
    aggregations: options.aggregations.map(formatAggregation),
    segmentSeconds: options.segmentSec,
    dtype: options.dtype,
    createdAt: new Date().toISOString(),
  });
  await clock.time("write", () => writeIndexAtomically(outDir, data));
  await removeWorkDir(resolve(`${outDir}.work`));

  const totalSec = (performance.now() - startMs) / 1000;
  const seconds = {
    ...clock.snapshot(),
    pipeline: Math.round(pipelineMs) / 1000,
    total: Math.round(totalSec * 1000) / 1000,
  };
  return {
    outDir,
    model: {
      id: model.id,
      dimension,
      files: Object.fromEntries(
        Object.values(model.models).map((file) => [file.tower, describeTowerFile(file)]),
      ),
    },
    videos: {
      total: catalog.length,
      indexed: results.size,
      resumed: catalog.length - pending.length - missing.length,
      skipped: missing.length + outcome.failed.length,
    },
    skipped: [...missing, ...outcome.failed],
    vectors: data.manifest.counts.vectors,
    warnings: applied.unmatched.map((path) => `manifest entry ${path} matches no video file`),
    captions: { stored: captioned.length, notIndexed: captionEntries.length - captioned.length },
    frames: outcome.frames,
    framesPerSec: totalSec > 0 ? Math.round((outcome.frames / totalSec) * 10) / 10 : 0,
    seconds,
  };
}
