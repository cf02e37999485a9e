// Reads the index (shared/index-contract) from R2 into a FlatStore: every file is checked before anything is
// used, then the vectors are quantized to int8 so that only the compact copy stays referenced.
import { matrixReader } from "../../shared/index-contract/check-vectors.ts";
import type { IndexFileSource } from "../../shared/index-contract/read-index.ts";
import { readCheckedIndex } from "../../shared/index-contract/read-index.ts";
import { SEGMENT_AGGREGATION } from "../../shared/index-format.ts";
import { LoadMemoryLog } from "../encoder/load-memory.ts";
import { FlatStore } from "./flat-store.ts";
import { indexApiError } from "./index-error.ts";
import { Int8Matrix } from "./int8-matrix.ts";

const FIX = 'rebuild the index and deploy it again (README "Deploying")';

/** Rough bytes of JSON text held for the videos and captions (the store's memory estimate). */
function jsonBytes(value: unknown): number {
  return JSON.stringify(value).length;
}

/**
 * Loads and checks the index of `source` (`where` names it in errors); a file that fails the contract is an
 * ApiError 503 with the contract's code ("bad_index", "index_missing") and detail; nothing of a bad index
 * is kept.
 */
export async function loadFlatStore(source: IndexFileSource, where: string): Promise<FlatStore> {
  // Each step's end is a checkpoint (FlatStore adds "scoring"): /api/health reports them as index.load.
  const load = new LoadMemoryLog();
  let index: Awaited<ReturnType<typeof readCheckedIndex>>;
  try {
    index = await readCheckedIndex(source);
  } catch (error) {
    throw indexApiError(error, where, FIX);
  }
  const fileBytes = index.vectors.data.byteLength + (index.captionVectors?.data.byteLength ?? 0);
  load.record("read", fileBytes);
  const { manifest, videos, rows, captions } = index;
  const { dimension } = manifest.model;
  const vectors = Int8Matrix.fromValues(manifest.counts.vectors, dimension, matrixReader(index.vectors));
  const captionVectors = index.captionVectors
    ? Int8Matrix.fromValues(captions.length, dimension, matrixReader(index.captionVectors))
    : null;
  load.record("quantized", fileBytes + vectors.byteLength + (captionVectors?.byteLength ?? 0));
  const store = new FlatStore({
    manifest,
    videos,
    rowVideo: Int32Array.from(rows.video),
    rowIsSegment: Uint8Array.from(rows.aggregation, (a) => (a === SEGMENT_AGGREGATION ? 1 : 0)),
    rowStart: Float32Array.from(rows.startSec),
    rowEnd: Float32Array.from(rows.endSec),
    rowThumbnail: rows.thumbnail,
    vectors,
    captions,
    captionVectors,
    metadataBytes: jsonBytes(videos) + jsonBytes(captions),
    load,
  });
  // Build the ORT scoring session now, so a failure is a load error and /api/health counts its memory.
  await store.ready();
  return store;
}
