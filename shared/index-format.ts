// The local index directory: the contract between the indexer (writer) and the worker (reader).
// Documented for users in README.md ("Local index format"); bump INDEX_FORMAT_VERSION on any change.
// Types and the manifest check; every other file is checked by shared/index-contract/read-index.ts.
import { InputError } from "./errors.ts";
import { IndexContractError } from "./index-contract/contract-error.ts";

export const INDEX_FORMAT = "clip-video-index";
export const INDEX_FORMAT_VERSION = 2;
/**
 * Versions this code reads: 1 is 2 without moment thumbnails (rows.json has no `thumbnail` column); the
 * writer always writes INDEX_FORMAT_VERSION.
 */
export const READABLE_INDEX_VERSIONS: readonly number[] = [1, 2];

/** File names inside an index directory. */
export const INDEX_FILES = {
  manifest: "manifest.json",
  videos: "videos.json",
  /** [M, d] float32 or float16 .npy, L2-normalized rows. */
  vectors: "vectors.npy",
  /** Columnar metadata of vectors.npy rows: row i of the matrix = element i of every column. */
  rows: "rows.json",
  /** [C, d] float32 or float16 .npy, L2-normalized caption embeddings (optional). */
  captionVectors: "captions.npy",
  /** Caption texts and their video, row i = row i of captions.npy (optional). */
  captions: "captions.json",
  /** Thumbnails are JPEG files under this folder, named in videos.json and rows.json. */
  thumbnailDir: "thumbnails",
} as const;

export type VectorDtype = "float32" | "float16";

/** manifest.json */
export interface IndexManifest {
  format: typeof INDEX_FORMAT;
  formatVersion: number;
  /** Model that produced every vector; the worker refuses a text encoder with another id or dimension. */
  model: { id: string; dimension: number };
  /** Frame sampling used, e.g. "fps:1", "all", "uniform:16". */
  sampling: string;
  /** Aggregations stored, e.g. ["mean", "frame:30", "kmeans:4"]; rows.json refers to them by position. */
  aggregations: string[];
  /** Window length of the segment vectors in seconds, or null when none were stored. */
  segmentSeconds: number | null;
  dtype: VectorDtype;
  counts: { videos: number; vectors: number; captions: number };
  createdAt: string;
}

/** One element of videos.json. Position in the array = video index used by rows.json and captions.json. */
export interface VideoRecord {
  /** Stable id: path relative to the library root, or the manifest's id. */
  id: string;
  title: string;
  url: string | null;
  /** Path of the thumbnail relative to the index directory, or null. */
  thumbnail: string | null;
  durationSec: number;
  fps: number;
  width: number;
  height: number;
  /** Number of frames embedded for this video. */
  frames: number;
}

/**
 * rows.json: one entry per row of vectors.npy, stored column-wise to keep it small.
 * `aggregation[i]` indexes manifest.aggregations, or is -1 for a segment vector (a time window's mean).
 * `thumbnail[i]` (format 2, optional) is the path of the row's moment thumbnail (the sampled frame nearest the
 * row's vector, for segments and k-means centroids) relative to the index directory, or null (the video's).
 */
export interface VectorRows {
  video: number[];
  aggregation: number[];
  startSec: number[];
  endSec: number[];
  thumbnail?: (string | null)[];
}

/** Value of VectorRows.aggregation for segment (moment) vectors. */
export const SEGMENT_AGGREGATION = -1;

/** captions.json element. */
export interface CaptionRecord {
  video: number;
  text: string;
}

function fail(message: string): never {
  throw new IndexContractError("bad_index", message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates a parsed manifest.json; throws InputError naming the first problem. */
export function parseIndexManifest(value: unknown): IndexManifest {
  if (!isRecord(value)) fail("manifest.json is not an object");
  if (value.format !== INDEX_FORMAT)
    fail(`manifest.json format is ${JSON.stringify(value.format)}, expected "${INDEX_FORMAT}"`);
  if (!READABLE_INDEX_VERSIONS.includes(value.formatVersion as number)) {
    fail(
      `format version ${String(value.formatVersion)} is not supported (expected ${READABLE_INDEX_VERSIONS.join(" or ")}); re-run the indexer`,
    );
  }
  const model = value.model;
  if (
    !isRecord(model) ||
    typeof model.id !== "string" ||
    !Number.isInteger(model.dimension) ||
    (model.dimension as number) <= 0
  ) {
    fail("manifest.json model must be {id: string, dimension: positive integer}");
  }
  if (value.dtype !== "float32" && value.dtype !== "float16")
    fail(`dtype must be float32 or float16, got ${String(value.dtype)}`);
  const counts = value.counts;
  if (
    !isRecord(counts) ||
    ![counts.videos, counts.vectors, counts.captions].every((n) => Number.isInteger(n) && (n as number) >= 0)
  ) {
    fail("manifest.json counts must hold non-negative integers videos, vectors, captions");
  }
  if (!Array.isArray(value.aggregations) || !value.aggregations.every((a) => typeof a === "string")) {
    fail("manifest.json aggregations must be an array of strings");
  }
  if (
    value.segmentSeconds !== null &&
    !(typeof value.segmentSeconds === "number" && value.segmentSeconds > 0)
  ) {
    fail("manifest.json segmentSeconds must be a positive number or null");
  }
  if (typeof value.sampling !== "string") fail("manifest.json sampling must be a string");
  return value as unknown as IndexManifest;
}

/** Throws unless the model that encodes queries is the one that built the index. */
export function assertSameModel(
  index: IndexManifest["model"],
  encoder: { id: string; dimension: number },
): void {
  if (index.dimension !== encoder.dimension) {
    throw new InputError(
      "model_mismatch",
      `the index was built with ${index.id} (dimension ${index.dimension}) but the text encoder is ${encoder.id} (dimension ${encoder.dimension}); use the same model directory for both`,
    );
  }
  if (index.id !== encoder.id) {
    throw new InputError(
      "model_mismatch",
      `the index was built with model "${index.id}" but the text encoder is "${encoder.id}"; rebuild the index or point to the same model`,
    );
  }
}
