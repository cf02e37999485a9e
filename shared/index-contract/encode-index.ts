// The files of an index as bytes (the writer's layout), for writers that do not go through the disk
// (the worker's tests, the tampered-index table) and to compare what was written with what was read.
import { float32ToFloat16Array } from "../float16.ts";
import {
  type CaptionRecord,
  INDEX_FILES,
  type IndexManifest,
  type VectorRows,
  type VideoRecord,
} from "../index-format.ts";
import { encodeNpy } from "../npy.ts";

/** An index in memory, vectors as float32 whatever the stored dtype. */
export interface IndexContent {
  manifest: IndexManifest;
  videos: VideoRecord[];
  rows: VectorRows;
  /** Row-major [counts.vectors, dimension]. */
  vectors: Float32Array;
  captions: CaptionRecord[];
  /** Row-major [captions.length, dimension]. */
  captionVectors: Float32Array;
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

function npy(data: Float32Array, dimension: number, dtype: IndexManifest["dtype"]): Uint8Array {
  const shape = [data.length / dimension, dimension];
  return dtype === "float16"
    ? encodeNpy({ dtype, shape, data: float32ToFloat16Array(data) })
    : encodeNpy({ dtype, shape, data });
}

/** File name -> bytes of every file of `index` except thumbnails (named by videos.json, added by the caller). */
export function encodeIndexFiles(index: IndexContent): Map<string, Uint8Array> {
  const { manifest } = index;
  const d = manifest.model.dimension;
  const files = new Map<string, Uint8Array>([
    [INDEX_FILES.manifest, json(manifest)],
    [INDEX_FILES.videos, json(index.videos)],
    [INDEX_FILES.rows, new TextEncoder().encode(`${JSON.stringify(index.rows)}\n`)],
    [INDEX_FILES.vectors, npy(index.vectors, d, manifest.dtype)],
  ]);
  if (index.captions.length > 0) {
    files.set(INDEX_FILES.captions, json(index.captions));
    files.set(INDEX_FILES.captionVectors, npy(index.captionVectors, d, manifest.dtype));
  }
  return files;
}
