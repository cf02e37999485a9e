// The JSON files of an index (videos.json, rows.json, captions.json) checked against the manifest and
// each other: counts, types, indexes in range, time windows, unique ids, thumbnail paths inside the index.
import {
  type CaptionRecord,
  INDEX_FILES,
  type IndexManifest,
  SEGMENT_AGGREGATION,
  type VectorRows,
  type VideoRecord,
} from "../index-format.ts";
import { IndexContractError } from "./contract-error.ts";
import { unsafeIndexPath } from "./index-path.ts";

function bad(detail: string): never {
  throw new IndexContractError("bad_index", detail);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isCount = (n: unknown) => typeof n === "number" && Number.isFinite(n) && n >= 0;

/** A thumbnail reference: null, or a safe relative path under thumbnails/ (`where` names it in errors). */
function checkThumbnailPath(thumbnail: unknown, where: string): void {
  if (thumbnail === null) return;
  if (typeof thumbnail !== "string") bad(`${where} thumbnail must be a path or null`);
  const why = unsafeIndexPath(thumbnail);
  if (why) bad(`${where} thumbnail ${JSON.stringify(thumbnail.slice(0, 80))} ${why}`);
  if (!thumbnail.startsWith(`${INDEX_FILES.thumbnailDir}/`))
    bad(`${where} thumbnail must be under ${INDEX_FILES.thumbnailDir}/`);
}

/** videos.json: `counts.videos` records with unique non-empty ids and thumbnails under thumbnails/. */
export function checkVideos(value: unknown, manifest: IndexManifest): VideoRecord[] {
  const name = INDEX_FILES.videos;
  if (!Array.isArray(value) || value.length !== manifest.counts.videos)
    bad(`${name} must be an array of ${manifest.counts.videos} videos (manifest counts.videos)`);
  const ids = new Set<string>();
  value.forEach((video: unknown, n) => {
    if (!isRecord(video)) bad(`${name} video ${n} is not an object`);
    if (typeof video.id !== "string" || video.id === "")
      bad(`${name} video ${n} needs a non-empty string id`);
    if (ids.has(video.id)) bad(`${name} lists video id ${JSON.stringify(video.id)} twice`);
    ids.add(video.id);
    if (typeof video.title !== "string") bad(`${name} video ${n} needs a string title`);
    if (video.url !== null && typeof video.url !== "string")
      bad(`${name} video ${n} url must be a string or null`);
    for (const key of ["durationSec", "fps", "width", "height", "frames"])
      if (!isCount(video[key])) bad(`${name} video ${n} ${key} must be a non-negative number`);
    checkThumbnailPath(video.thumbnail, `${name} video ${n}`);
  });
  return value as VideoRecord[];
}

/**
 * rows.json: four columns of `counts.vectors` numbers; video indexes in range and non-decreasing (the writer
 * groups a video's rows in video order, so rows shuffled or reversed against vectors.npy are caught),
 * aggregation an index into manifest.aggregations or -1, 0 <= startSec <= endSec; the optional thumbnail
 * column (format 2) holds a path under thumbnails/ or null per row.
 */
export function checkRows(value: unknown, manifest: IndexManifest): VectorRows {
  const name = INDEX_FILES.rows;
  const count = manifest.counts.vectors;
  if (!isRecord(value)) bad(`${name} is not an object`);
  for (const column of ["video", "aggregation", "startSec", "endSec"]) {
    const values = value[column];
    if (!Array.isArray(values) || values.length !== count)
      bad(`${name} ${column} must be an array of ${count} numbers (manifest counts.vectors)`);
    if (!values.every((n) => typeof n === "number" && Number.isFinite(n)))
      bad(`${name} ${column} must hold finite numbers only`);
  }
  const thumbnails = value.thumbnail;
  if (thumbnails !== undefined) {
    if (!Array.isArray(thumbnails) || thumbnails.length !== count)
      bad(`${name} thumbnail must be an array of ${count} paths or nulls (manifest counts.vectors)`);
    thumbnails.forEach((path: unknown, r) => {
      checkThumbnailPath(path, `${name} row ${r}`);
    });
  }
  const rows = value as unknown as VectorRows;
  const aggregations = manifest.aggregations.length;
  for (let r = 0; r < count; r++) {
    const video = rows.video[r];
    if (!Number.isInteger(video) || video < 0 || video >= manifest.counts.videos)
      bad(`${name} row ${r} refers to video ${video}, videos.json has ${manifest.counts.videos}`);
    if (r > 0 && video < rows.video[r - 1])
      bad(
        `${name} row ${r} (video ${video}) comes after video ${rows.video[r - 1]}: rows must be in video order`,
      );
    const aggregation = rows.aggregation[r];
    if (!Number.isInteger(aggregation) || aggregation < SEGMENT_AGGREGATION || aggregation >= aggregations)
      bad(
        `${name} row ${r} aggregation ${aggregation} is not -1 or an index into the manifest's ${aggregations} aggregations`,
      );
    if (rows.startSec[r] < 0 || rows.startSec[r] > rows.endSec[r])
      bad(`${name} row ${r} window ${rows.startSec[r]}..${rows.endSec[r]} s needs 0 <= startSec <= endSec`);
  }
  return rows;
}

/** captions.json: `counts.captions` records {video, text} of videos that videos.json lists. */
export function checkCaptions(value: unknown, manifest: IndexManifest): CaptionRecord[] {
  const name = INDEX_FILES.captions;
  if (!Array.isArray(value) || value.length !== manifest.counts.captions)
    bad(`${name} must be an array of ${manifest.counts.captions} captions (manifest counts.captions)`);
  value.forEach((caption: unknown, c) => {
    if (!isRecord(caption) || typeof caption.text !== "string")
      bad(`${name} caption ${c} must be {video, text: string}`);
    const video = caption.video;
    if (typeof video !== "number" || !Number.isInteger(video) || video < 0 || video >= manifest.counts.videos)
      bad(`${name} caption ${c} belongs to video ${String(video)}, which videos.json does not list`);
  });
  return value as CaptionRecord[];
}
