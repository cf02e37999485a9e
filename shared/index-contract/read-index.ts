// Reads an index through a small file-access port (disk for the CLI, R2 for the worker) and checks every
// file against the contract, so that the same bytes get the same verdict on both sides.
import {
  type CaptionRecord,
  INDEX_FILES,
  type IndexManifest,
  parseIndexManifest,
  type VectorRows,
  type VideoRecord,
} from "../index-format.ts";
import { checkCaptions, checkRows, checkVideos } from "./check-metadata.ts";
import { type CheckedMatrix, checkMatrix } from "./check-vectors.ts";
import { IndexContractError } from "./contract-error.ts";
import { parseIndexJson } from "./index-json.ts";

/**
 * Read access to one index: `read(name)` returns the bytes of the file `name` (a path relative to the index
 * root, e.g. "rows.json"), or null when it does not exist. Names come from INDEX_FILES or from checked
 * thumbnail paths; an adapter may refuse more (the Node one: a symlink out of the index).
 */
export interface IndexFileSource {
  read(name: string): Promise<Uint8Array | null>;
}

/** An index whose files all passed the contract. Matrices keep their stored dtype (float16 as raw bits). */
export interface CheckedIndex {
  manifest: IndexManifest;
  videos: VideoRecord[];
  rows: VectorRows;
  /** [counts.vectors, dimension]. */
  vectors: CheckedMatrix;
  /** Empty unless read with captions (the default). */
  captions: CaptionRecord[];
  /** [captions.length, dimension], or null when there are none or they were not read. */
  captionVectors: CheckedMatrix | null;
}

export interface ReadIndexOptions {
  /**
   * Return the captions (default true); false for readers that only rank videos. They are checked either way:
   * a verdict that depended on the reader would let the CLI accept what the worker refuses.
   */
  captions?: boolean;
}

async function required(source: IndexFileSource, name: string): Promise<Uint8Array> {
  const bytes = await source.read(name);
  if (bytes === null) throw new IndexContractError("index_missing", `${name} is missing`);
  return bytes;
}

/** The manifest alone (model identity, counts), checked. */
export async function readIndexManifest(source: IndexFileSource): Promise<IndexManifest> {
  return parseIndexManifest(
    parseIndexJson(INDEX_FILES.manifest, await required(source, INDEX_FILES.manifest)),
  );
}

/**
 * Reads and checks the manifest, videos.json, rows.json, vectors.npy and the captions; throws IndexContractError for the first problem. Every file is read before anything is returned,
 * so a caller never holds part of a bad index.
 */
export async function readCheckedIndex(
  source: IndexFileSource,
  options: ReadIndexOptions = {},
): Promise<CheckedIndex> {
  const manifest = await readIndexManifest(source);
  const { dimension } = manifest.model;
  const { counts, dtype } = manifest;
  const videos = checkVideos(
    parseIndexJson(INDEX_FILES.videos, await required(source, INDEX_FILES.videos)),
    manifest,
  );
  const rows = checkRows(
    parseIndexJson(INDEX_FILES.rows, await required(source, INDEX_FILES.rows)),
    manifest,
  );
  const vectors = checkMatrix(
    INDEX_FILES.vectors,
    await required(source, INDEX_FILES.vectors),
    counts.vectors,
    dimension,
    dtype,
  );
  let captions: CaptionRecord[] = [];
  let captionVectors: CheckedMatrix | null = null;
  if (counts.captions > 0) {
    captions = checkCaptions(
      parseIndexJson(INDEX_FILES.captions, await required(source, INDEX_FILES.captions)),
      manifest,
    );
    captionVectors = checkMatrix(
      INDEX_FILES.captionVectors,
      await required(source, INDEX_FILES.captionVectors),
      counts.captions,
      dimension,
      dtype,
    );
  }
  if (options.captions === false)
    return { manifest, videos, rows, vectors, captions: [], captionVectors: null };
  return { manifest, videos, rows, vectors, captions, captionVectors };
}
