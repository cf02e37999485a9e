// `index` as a library function: library -> sync plan against the index at --out -> resumable pipeline
// for new and changed videos -> atomic index. Never prints; the command draws progress from the
// events and prints the summary.
import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type Aggregation, formatAggregation } from "../../shared/aggregate.ts";
import { InputError } from "../../shared/errors.ts";
import { INDEX_FILES, type VectorDtype } from "../../shared/index-format.ts";
import type { DecoderChoice } from "../decode/decode-video.ts";
import { loadJpegEncoder } from "../decode/jpeg-encode.ts";
import { formatSampling, type Sampling } from "../decode/sampling.ts";
import { type CaptionEntry, readCaptionsFile } from "../discover/captions-file.ts";
import { discoverVideos } from "../discover/discover.ts";
import { applyManifest, readManifestFile } from "../discover/manifest-file.ts";
import { inShard, type Shard } from "../discover/shard.ts";
import { readSourceIdentity } from "../discover/source-identity.ts";
import { listSome, resolveVideoRefs } from "../discover/video-id.ts";
import { loadImageTower, loadTextTower, type RuntimeOptions } from "../embed/clip-towers.ts";
import {
  describeTowerFile,
  type ModelDtype,
  resolveModelDir,
  towerStamp,
  visionModelStamp,
} from "../embed/model-dir.ts";
import { runFramePipeline } from "../pipeline/frame-pipeline.ts";
import { createFrameSource } from "../pipeline/frame-source.ts";
import { StageClock, type StageName } from "../pipeline/stage-clock.ts";
import type { PipelineEvent } from "../pipeline/types.ts";
import { assembleIndex, type PartRow, splitIndex, type VideoPart } from "./assemble.ts";
import { captionVectors } from "./caption-vectors.ts";
import type { IndexData } from "./index-data.ts";
import { hasMoments, type IndexJob, indexedVideo } from "./indexed-video.ts";
import { Journal, removeWorkDir, settingsKey } from "./journal.ts";
import { rowsReadingThumbnails } from "./journal-thumbnails.ts";
import { readSyncRecord } from "./read-sync-record.ts";
import { readIndex } from "./reader.ts";
import { compareSettings, guardRemovals, relayoutRows } from "./sync-plan.ts";
import { makeSyncRecord, type SyncRecord, type SyncSettings } from "./sync-record.ts";
import { classifyVideos } from "./sync-videos.ts";
import type { SourceIdentity, VideoResult } from "./video-result.ts";
import { assertReplaceable, recoverInterruptedWrite, writeIndexAtomically } from "./writer.ts";

export interface IndexLibraryOptions {
  /** Directory of videos, list file (paths or http(s) URLs) or manifest table. */
  videos: string;
  modelDir: string;
  outDir: string;
  /** Frame sampling (indexer/decode/sampling.ts). */
  sampling: Sampling;
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
  /** Captions and manifest rows that match no video are counted instead of refused (--allow-unmatched). */
  allowUnmatched?: boolean;
  /** A sync may remove more than half of the index at --out (--prune). */
  prune?: boolean;
  onEvent?(event: PipelineEvent): void;
  /** Called once the work is known: videos to process now, resumed from the journal, and the sync plan. */
  onPlan?(plan: {
    total: number;
    pending: number;
    resumed: number;
    workDir: string;
    sync: IndexSummary["sync"];
  }): void;
}

/** The run's outcome, printed by the command (and with --json, as is). */
export interface IndexSummary {
  outDir: string;
  /** The model, and the file run for each tower ("onnx/vision_model.onnx (fp32)"). */
  model: { id: string; dimension: number; files: Record<string, string> };
  /** indexed = in the index now; resumed = taken from the journal of an interrupted run. */
  videos: { total: number; indexed: number; resumed: number; skipped: number };
  /**
   * Against the index that was at --out: videos added, changed (source size/mtime/ETag), removed
   * (gone from the library, or now failing), unchanged; `reused` kept their stored vectors and
   * thumbnails, `reembedReason` says why unchanged videos were embedded again (null when none were).
   */
  sync: {
    added: number;
    changed: number;
    removed: number;
    unchanged: number;
    reused: number;
    reembedReason: string | null;
    removedIds: string[];
  };
  skipped: { id: string; path: string; reason: string }[];
  vectors: number;
  /**
   * Captions stored (of which reused from the previous index), captions of library videos not in this
   * index (skipped videos, other shards), and captions naming no video (only with allowUnmatched).
   */
  captions: { stored: number; reused: number; notIndexed: number; unmatched: number };
  /** Manifest rows matching no video (only with allowUnmatched). */
  unmatchedManifestRows: number;
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

function unmatchedError(kind: string, file: string, refs: string[]): InputError {
  return new InputError(
    "unmatched_videos",
    `${refs.length} ${kind} of ${file} match no video of the library (${listSome(refs)}); fix the ids (see README "Video ids"), or pass --allow-unmatched to leave them out`,
  );
}

/** The index at --out and its sync record, or null when --out holds none yet. */
async function readPrevious(outDir: string): Promise<{ index: IndexData; record: SyncRecord | null } | null> {
  const manifest = await stat(join(outDir, INDEX_FILES.manifest)).catch(() => null);
  if (manifest === null) return null;
  return { index: await readIndex(outDir), record: await readSyncRecord(outDir) };
}

/** Indexes a library into `outDir`, syncing the index already there; see the `index` command. */
export async function indexLibrary(options: IndexLibraryOptions): Promise<IndexSummary> {
  const startMs = performance.now();
  const clock = new StageClock();
  const outDir = resolve(options.outDir);
  const workRoot = `${outDir}.work`;
  await recoverInterruptedWrite(outDir);
  await assertReplaceable(outDir);
  const library = await discoverVideos(options.videos);
  if (library.manifest && options.manifestFile)
    throw new InputError(
      "bad_arguments",
      `${options.videos} is a manifest and --manifest is given too; give the manifest once (as <videos> or --manifest)`,
    );
  const manifestEntries =
    library.manifest ?? (options.manifestFile ? await readManifestFile(options.manifestFile) : []);
  const baseDir = options.manifestFile ? dirname(resolve(options.manifestFile)) : library.root;
  const applied = applyManifest(library, manifestEntries, baseDir);
  if (library.videos.length === 0)
    throw new InputError(
      "no_videos",
      `no videos found in ${options.videos} (looked for common video extensions)`,
    );
  if (applied.unmatched.length > 0 && !options.allowUnmatched)
    throw unmatchedError("rows", options.manifestFile ?? options.videos, applied.unmatched);

  // Captions name videos by id (or by the id's last segment): resolved against the whole library.
  const captionEntries = options.captionsFile ? await readCaptionsFile(options.captionsFile) : [];
  const refs = resolveVideoRefs(
    applied.videos.map((v) => v.id),
    captionEntries.map((c) => c.videoId),
  );
  if (refs.unmatched.length > 0 && !options.allowUnmatched && options.captionsFile)
    throw unmatchedError("caption video ids", options.captionsFile, refs.unmatched);
  const captions: CaptionEntry[] = captionEntries.flatMap((c) => {
    const id = refs.ids.get(c.videoId);
    return id === undefined ? [] : [{ videoId: id, text: c.text }];
  });
  const unmatchedCaptions = captionEntries.length - captions.length;
  const catalog = applied.videos.filter((v) => inShard(v.id, options.shard));

  const model = resolveModelDir(options.modelDir, {
    towers: captionEntries.length > 0 ? ["vision", "text"] : ["vision"],
    dtype: options.modelDtype,
  });
  const dimension = model.config.projectionDim;
  // The spellings stored in the journal's settings, sync.json and the manifest.
  const sampling = formatSampling(options.sampling);
  const aggregations = options.aggregations.map(formatAggregation);
  // Everything that changes a video's vectors; anything else (batch, threads) may differ on resume.
  const settings = {
    journal: 1,
    model: visionModelStamp(model),
    sampling,
    aggregations,
    segmentSec: options.segmentSec,
    decoder: options.decoder,
  };
  const syncSettings: SyncSettings = {
    vision: settings.model,
    text: captionEntries.length > 0 ? towerStamp(model, "text") : null,
    sampling: settings.sampling,
    aggregations: settings.aggregations,
    segmentSec: settings.segmentSec,
    decoder: settings.decoder,
    vectorDtype: options.dtype,
  };

  // What the index at --out already holds, and what of it this run may keep.
  const previous = await readPrevious(outDir);
  const verdict = previous ? compareSettings(previous.record?.settings ?? null, syncSettings) : null;
  const oldParts = new Map<string, VideoPart>();
  if (previous) for (const part of splitIndex(previous.index)) oldParts.set(part.video.id, part);
  const oldSources = new Map((previous?.record?.videos ?? []).map((v) => [v.id, v]));
  const previousIds = previous ? previous.index.videos.map((v) => v.id) : [];

  const sources = new Map<string, SourceIdentity>();
  const missing: IndexSummary["skipped"] = [];
  for (const video of catalog) {
    const identity = video.identity ?? (await readSourceIdentity(video.path));
    if ("error" in identity) missing.push({ id: video.id, path: video.path, reason: identity.error });
    else sources.set(video.id, identity);
  }
  const { counts, reused, toEmbed } = classifyVideos(catalog, sources, {
    parts: oldParts,
    sources: oldSources,
    reembed: verdict?.reembedReason !== null,
  });
  const inLibrary = new Set(catalog.map((v) => v.id));
  const removedIds = previousIds.filter((id) => !inLibrary.has(id));
  const sync: IndexSummary["sync"] = {
    ...counts,
    removed: removedIds.length,
    reused: reused.size,
    reembedReason: verdict?.reembedReason ?? null,
    removedIds,
  };
  // Before any work: an empty or wrong <videos> must not cost a long run before being refused.
  guardRemovals(
    previousIds,
    new Set([...inLibrary].filter((id) => sources.has(id))),
    options.prune ?? false,
    outDir,
  );

  const journal = await Journal.open(resolve(workRoot, settingsKey(settings)), settings);
  const results = new Map<
    string,
    Omit<VideoResult, "thumbnail" | "rows"> & { rows: PartRow[]; hasThumbnail: boolean }
  >();
  // Thumbnails (the video's and its moments') stay in the journal until the index is written, so memory
  // holds only vectors.
  const keep = ({ thumbnail, ...result }: VideoResult) =>
    results.set(result.id, {
      ...result,
      rows: rowsReadingThumbnails(result.rows, () => journal.load(result.id, result.source)),
      hasThumbnail: thumbnail !== null,
    });
  const pending: IndexJob[] = [];
  for (const video of toEmbed) {
    const done = await journal.load(video.id, video.source);
    if (done) keep({ ...done, title: video.title, url: video.url });
    // ffmpeg opens what the source says (S3: a presigned URL); reports keep the library's path.
    else
      pending.push(library.readablePath ? { ...video, path: await library.readablePath(video.path) } : video);
  }
  const resumed = results.size;
  options.onPlan?.({
    total: catalog.length,
    pending: pending.length + missing.length,
    resumed,
    workDir: journal.dir,
    sync,
  });

  let outcome = { failed: [] as IndexSummary["skipped"], frames: 0 };
  let pipelineMs = 0;
  for (const m of missing) options.onEvent?.({ type: "video", id: m.id, ok: false, reason: m.reason });
  if (pending.length > 0) {
    const image = await loadImageTower(model, options.runtime).catch(async (error: unknown) => {
      // Nothing journaled yet (e.g. --device cuda without CUDA): leave no work dir behind.
      if (results.size === 0) await removeWorkDir(workRoot);
      throw error;
    });
    const pipelineStart = performance.now();
    try {
      await loadJpegEncoder();
      outcome = await runFramePipeline(pending, {
        source: createFrameSource(options.sampling, options.decoder),
        preprocess: image.preprocess,
        embedder: image.embedder,
        batchSize: options.batchSize,
        thumbnails: { video: true, frames: hasMoments(options.aggregations, options.segmentSec) },
        clock,
        onEvent: options.onEvent,
        async consume(video) {
          const result = indexedVideo(video, options.aggregations, options.segmentSec);
          // Kept before the first await: saves overlap, and the index keeps the pipeline's (job) order.
          // A failed save aborts the run.
          keep(result);
          await journal.save(result);
        },
      });
    } finally {
      pipelineMs = performance.now() - pipelineStart;
      await image.release();
    }
  }
  // Videos that now fail to decode count as removed by this run: same guard, before anything is replaced.
  const finalIds = new Set([...reused.keys(), ...results.keys()]);
  guardRemovals(previousIds, finalIds, options.prune ?? false, outDir);

  // Captions of indexed videos in file order; stored vectors reused where the text tower is the same.
  const captioned = captions.filter((c) => finalIds.has(c.videoId));
  const { captionsOf, reusedCaptions } = await captionVectors(
    captioned,
    previous && verdict?.recaptionReason === null ? previous.index : null,
    async (texts) => {
      const text = await loadTextTower(model, options.runtime);
      try {
        return await clock.time("embed", () => text.encode(texts));
      } finally {
        await text.release();
      }
    },
  );

  const parts: VideoPart[] = [
    ...[...reused.values()].map(({ video, part }): VideoPart => {
      const layout = relayoutRows(part, previous?.index.manifest.aggregations ?? [], aggregations, dimension);
      return {
        ...part,
        ...layout,
        video: { ...part.video, title: video.title, url: video.url },
        captions: captionsOf.get(video.id) ?? [],
      };
    }),
    ...[...results.values()].map(
      (r): VideoPart => ({
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
        thumbnail: r.hasThumbnail
          ? async () => (await journal.load(r.id, r.source))?.thumbnail ?? null
          : null,
        captions: captionsOf.get(r.id) ?? [],
      }),
    ),
  ];
  const byId = new Map(catalog.map((v) => [v.id, v]));
  const data = assembleIndex(parts, {
    model: { id: model.id, dimension },
    sampling,
    aggregations,
    segmentSeconds: options.segmentSec,
    dtype: options.dtype,
    createdAt: new Date().toISOString(),
  });
  data.sync = makeSyncRecord(
    syncSettings,
    data.videos.map((v) => ({
      id: v.id,
      location: byId.get(v.id)?.location ?? v.id,
      source: sources.get(v.id) as SourceIdentity,
    })),
    options.shard,
  );
  await clock.time("write", () => writeIndexAtomically(outDir, data));
  await removeWorkDir(workRoot);

  const totalSec = (performance.now() - startMs) / 1000;
  const seconds = {
    ...clock.snapshot(),
    pipeline: Math.round(pipelineMs) / 1000,
    total: Math.round(totalSec * 1000) / 1000,
  };
  const lost = previousIds.filter((id) => !finalIds.has(id));
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
      indexed: finalIds.size,
      resumed,
      skipped: missing.length + outcome.failed.length,
    },
    sync: { ...sync, removed: lost.length, removedIds: lost },
    skipped: [...missing, ...outcome.failed.map((f) => ({ ...f, path: byId.get(f.id)?.path ?? f.path }))],
    vectors: data.manifest.counts.vectors,
    warnings: library.notes,
    captions: {
      stored: captioned.length,
      reused: reusedCaptions,
      notIndexed: captions.length - captioned.length,
      unmatched: unmatchedCaptions,
    },
    unmatchedManifestRows: applied.unmatched.length,
    frames: outcome.frames,
    framesPerSec: totalSec > 0 ? Math.round((outcome.frames / totalSec) * 10) / 10 : 0,
    seconds,
  };
}
