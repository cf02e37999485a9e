// Builds an in-memory index from per-video parts, in id order: the one place that decides the row
// layout, shared by `index` (parts from the journal) and `merge` (parts from shard indexes).
import { InputError } from "../../shared/errors.ts";
import {
  type CaptionRecord,
  INDEX_FORMAT,
  INDEX_FORMAT_VERSION,
  type IndexManifest,
  type VectorRows,
  type VideoRecord,
} from "../../shared/index-format.ts";
import { compareIds } from "../discover/discover.ts";
import type { IndexData } from "./index-data.ts";
import { momentThumbnailPath, thumbnailPath, thumbnailStem } from "./writer.ts";

/** JPEG bytes of a thumbnail, or a function reading them. */
export type ThumbnailBytes = Uint8Array | (() => Promise<Uint8Array | null>);

/** One row of a video part: aggregation position (or -1 for a segment), time span, moment thumbnail. */
export interface PartRow {
  aggregation: number;
  startSec: number;
  endSec: number;
  /** The row's moment thumbnail (segments, k-means centroids), or absent/null for the video's own. */
  thumbnail?: ThumbnailBytes | null;
}

/** One video with its vector rows and captions, independent of its position in an index. */
export interface VideoPart {
  video: Omit<VideoRecord, "thumbnail">;
  rows: PartRow[];
  /** Row-major [rows.length, d] float32. */
  vectors: Float32Array;
  /** Reads the thumbnail JPEG, or null when the video has none. */
  thumbnail: (() => Promise<Uint8Array | null>) | null;
  /** Captions of this video in file order, each with its [d] float32 embedding. */
  captions: { text: string; vector: Float32Array }[];
}

/** Index-wide settings stored in the manifest (counts are computed). */
export type IndexSettings = Omit<IndexManifest, "format" | "formatVersion" | "counts">;

/**
 * Lays out `parts` as an index: videos sorted by id (duplicates rejected), each video's rows
 * contiguous in the given order, captions grouped by video in file order, thumbnails named by the video's
 * id (thumbnailStem): <stem>.jpg, and <stem>-<i>.jpg for row i of the video.
 */
export function assembleIndex(parts: readonly VideoPart[], settings: IndexSettings): IndexData {
  const d = settings.model.dimension;
  const sorted = [...parts].sort((a, b) => compareIds(a.video.id, b.video.id));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].video.id === sorted[i - 1].video.id)
      throw new InputError("duplicate_video", `video "${sorted[i].video.id}" appears twice`);
  }
  const rowCount = sorted.reduce((n, p) => n + p.rows.length, 0);
  const captionCount = sorted.reduce((n, p) => n + p.captions.length, 0);
  const vectors = new Float32Array(rowCount * d);
  const captionVectors = new Float32Array(captionCount * d);
  const rows: Required<VectorRows> = { video: [], aggregation: [], startSec: [], endSec: [], thumbnail: [] };
  const rowThumbnails: NonNullable<IndexData["rowThumbnails"]> = [];
  const captions: CaptionRecord[] = [];
  const videos: VideoRecord[] = [];
  const thumbnails: IndexData["thumbnails"] = [];
  const stems = new Map<string, string>();
  sorted.forEach((part, n) => {
    const stem = thumbnailStem(part.video.id);
    const clash = stems.get(stem);
    if (clash !== undefined)
      throw new InputError(
        "thumbnail_name_clash",
        `videos "${clash}" and "${part.video.id}" hash to the same thumbnail name ${stem}; rename one`,
      );
    stems.set(stem, part.video.id);
    if (part.vectors.length !== part.rows.length * d)
      throw new Error(
        `video ${part.video.id}: ${part.vectors.length} values for ${part.rows.length} rows of ${d}`,
      );
    vectors.set(part.vectors, rows.video.length * d);
    for (const [i, row] of part.rows.entries()) {
      rows.video.push(n);
      rows.aggregation.push(row.aggregation);
      rows.startSec.push(row.startSec);
      rows.endSec.push(row.endSec);
      const thumbnail = row.thumbnail ?? null;
      rows.thumbnail.push(thumbnail && momentThumbnailPath(stem, i));
      rowThumbnails.push(thumbnail && (thumbnail instanceof Uint8Array ? async () => thumbnail : thumbnail));
    }
    for (const caption of part.captions) {
      captionVectors.set(caption.vector, captions.length * d);
      captions.push({ video: n, text: caption.text });
    }
    videos.push({ ...part.video, thumbnail: part.thumbnail ? thumbnailPath(stem) : null });
    thumbnails.push(part.thumbnail ?? (async () => null));
  });
  const manifest: IndexManifest = {
    format: INDEX_FORMAT,
    formatVersion: INDEX_FORMAT_VERSION,
    model: settings.model,
    sampling: settings.sampling,
    aggregations: settings.aggregations,
    segmentSeconds: settings.segmentSeconds,
    dtype: settings.dtype,
    counts: { videos: videos.length, vectors: rowCount, captions: captionCount },
    createdAt: settings.createdAt,
  };
  return { manifest, videos, vectors, rows, captions, captionVectors, thumbnails, rowThumbnails };
}

/** Splits a loaded index back into per-video parts (the inverse of assembleIndex). */
export function splitIndex(index: IndexData): VideoPart[] {
  const d = index.manifest.model.dimension;
  const parts: VideoPart[] = index.videos.map((record, n) => {
    const { thumbnail, ...video } = record;
    return {
      video,
      rows: [],
      vectors: new Float32Array(0),
      thumbnail: thumbnail === null ? null : index.thumbnails[n],
      captions: [],
    };
  });
  const rowsOf: number[][] = index.videos.map(() => []);
  index.rows.video.forEach((v, r) => {
    rowsOf[v].push(r);
    parts[v].rows.push({
      aggregation: index.rows.aggregation[r],
      startSec: index.rows.startSec[r],
      endSec: index.rows.endSec[r],
      thumbnail: index.rows.thumbnail?.[r] ? (index.rowThumbnails?.[r] ?? null) : null,
    });
  });
  parts.forEach((part, v) => {
    part.vectors = new Float32Array(rowsOf[v].length * d);
    for (const [i, r] of rowsOf[v].entries())
      part.vectors.set(index.vectors.subarray(r * d, (r + 1) * d), i * d);
  });
  index.captions.forEach((caption, c) => {
    parts[caption.video].captions.push({
      text: caption.text,
      vector: index.captionVectors.slice(c * d, (c + 1) * d),
    });
  });
  return parts;
}
