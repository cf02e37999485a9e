// Reads the local index (shared/index-format.ts) from R2 once per isolate into a FlatStore, quantizing
// vectors to int8 as they are parsed so that only the compact copy stays referenced.

import { float16BitsToFloat32 } from "../../shared/float16.ts";
import {
  type CaptionRecord,
  INDEX_FILES,
  parseIndexManifest,
  SEGMENT_AGGREGATION,
  type VectorRows,
  type VideoRecord,
} from "../../shared/index-format.ts";
import { type NpyArray, parseNpy } from "../../shared/npy.ts";
import { ApiError } from "../http/api-error.ts";
import { FlatStore } from "./flat-store.ts";
import { Int8Matrix } from "./int8-matrix.ts";

function badIndex(message: string): ApiError {
  return new ApiError(
    503,
    "bad_index",
    `invalid index in the bucket: ${message}; re-run the indexer and upload again`,
  );
}

async function getObject(bucket: R2Bucket, key: string): Promise<R2ObjectBody> {
  const object = await bucket.get(key);
  if (!object) {
    throw new ApiError(
      503,
      "index_missing",
      `the index is not in the bucket: ${key} is missing. Upload the index directory (README "Deploying")`,
    );
  }
  return object;
}

async function getJson(bucket: R2Bucket, key: string): Promise<{ value: unknown; bytes: number }> {
  const text = await (await getObject(bucket, key)).text();
  try {
    return { value: JSON.parse(text), bytes: text.length };
  } catch {
    throw badIndex(`${key} is not valid JSON`);
  }
}

/** Parses a [rows, dimension] float .npy from R2 straight into an Int8Matrix. */
async function getMatrix(
  bucket: R2Bucket,
  key: string,
  rows: number,
  dimension: number,
): Promise<Int8Matrix> {
  let array: NpyArray;
  {
    const bytes = new Uint8Array(await (await getObject(bucket, key)).arrayBuffer());
    array = parseNpy(bytes);
  }
  if (array.shape.length !== 2 || array.shape[0] !== rows || array.shape[1] !== dimension)
    throw badIndex(`${key} has shape (${array.shape.join(", ")}), the manifest says (${rows}, ${dimension})`);
  if (array.dtype === "float32") {
    const data = array.data;
    return Int8Matrix.fromValues(rows, dimension, (i) => data[i]);
  }
  if (array.dtype === "float16") {
    const data = array.data;
    return Int8Matrix.fromValues(rows, dimension, (i) => float16BitsToFloat32(data[i]));
  }
  throw badIndex(`${key} holds ${array.dtype}, expected float32 or float16`);
}

function isNumberArray(value: unknown, length: number): value is number[] {
  return Array.isArray(value) && value.length === length && value.every((n) => typeof n === "number");
}

/** Loads and checks the index under `prefix`; throws ApiError 503 (index_missing, bad_index). */
export async function loadFlatStore(bucket: R2Bucket, prefix: string): Promise<FlatStore> {
  const manifestJson = await getJson(bucket, prefix + INDEX_FILES.manifest);
  const manifest = parseIndexManifest(manifestJson.value);
  const { videos: videoCount, vectors: rowCount, captions: captionCount } = manifest.counts;
  const dimension = manifest.model.dimension;
  const videosJson = await getJson(bucket, prefix + INDEX_FILES.videos);
  if (!Array.isArray(videosJson.value) || videosJson.value.length !== videoCount)
    throw badIndex(`videos.json must be an array of ${videoCount} videos`);
  const videos = videosJson.value as VideoRecord[];
  if (!videos.every((v) => typeof v?.id === "string" && typeof v.title === "string"))
    throw badIndex("every video in videos.json needs a string id and title");
  const rowsJson = await getJson(bucket, prefix + INDEX_FILES.rows);
  const rows = rowsJson.value as VectorRows;
  if (
    !isNumberArray(rows?.video, rowCount) ||
    !isNumberArray(rows.aggregation, rowCount) ||
    !isNumberArray(rows.startSec, rowCount) ||
    !isNumberArray(rows.endSec, rowCount)
  )
    throw badIndex(`rows.json needs video, aggregation, startSec, endSec arrays of ${rowCount} numbers`);
  if (rows.video.some((v) => !Number.isInteger(v) || v < 0 || v >= videoCount))
    throw badIndex("rows.json refers to a video outside videos.json");
  const vectors = await getMatrix(bucket, prefix + INDEX_FILES.vectors, rowCount, dimension);
  let captions: CaptionRecord[] = [];
  let captionVectors: Int8Matrix | null = null;
  let captionBytes = 0;
  if (captionCount > 0) {
    const captionsJson = await getJson(bucket, prefix + INDEX_FILES.captions);
    if (!Array.isArray(captionsJson.value) || captionsJson.value.length !== captionCount)
      throw badIndex(`captions.json must be an array of ${captionCount} captions`);
    captions = captionsJson.value as CaptionRecord[];
    captionBytes = captionsJson.bytes;
    captionVectors = await getMatrix(bucket, prefix + INDEX_FILES.captionVectors, captionCount, dimension);
  }
  const store = new FlatStore({
    manifest,
    videos,
    rowVideo: Int32Array.from(rows.video),
    rowIsSegment: Uint8Array.from(rows.aggregation, (a) => (a === SEGMENT_AGGREGATION ? 1 : 0)),
    rowStart: Float32Array.from(rows.startSec),
    rowEnd: Float32Array.from(rows.endSec),
    vectors,
    captions,
    captionVectors,
    metadataBytes: videosJson.bytes + captionBytes,
  });
  // Build the ORT scoring session now, so a failure is a load error and /api/health counts its memory.
  await store.ready();
  return store;
}
