// Reads and validates an index directory written by writer.ts (or any writer of shared/index-format.ts).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../../shared/errors.ts";
import {
  assertSameModel,
  type CaptionRecord,
  INDEX_FILES,
  type IndexManifest,
  parseIndexManifest,
  type VectorRows,
  type VideoRecord,
} from "../../shared/index-format.ts";
import { npyToFloat32, parseNpy } from "../../shared/npy.ts";
import type { IndexData } from "./index-data.ts";

function bad(dir: string, message: string): never {
  throw new InputError("bad_index", `invalid index ${dir}: ${message}`);
}

async function readJson(dir: string, name: string): Promise<unknown> {
  const text = await readFile(join(dir, name), "utf8").catch((cause: unknown) => {
    throw new InputError("bad_index", `cannot read ${join(dir, name)}: is ${dir} an index directory?`, {
      cause,
    });
  });
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new InputError("bad_index", `${join(dir, name)} is not valid JSON`, { cause });
  }
}

async function readMatrix(dir: string, name: string, rows: number, dimension: number): Promise<Float32Array> {
  const bytes = await readFile(join(dir, name)).catch((cause: unknown) => {
    throw new InputError("bad_index", `cannot read ${join(dir, name)}`, { cause });
  });
  const array = parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (array.shape.length !== 2 || array.shape[0] !== rows || array.shape[1] !== dimension)
    bad(dir, `${name} has shape (${array.shape.join(", ")}), expected (${rows}, ${dimension})`);
  return npyToFloat32(array);
}

async function readManifest(dir: string): Promise<IndexManifest> {
  return parseIndexManifest(await readJson(dir, INDEX_FILES.manifest));
}

/**
 * Reads only the manifest of the index directory `dir` and refuses (InputError "model_mismatch") an index built
 * with another model than `encoder` ({id, dimension}); a missing or malformed manifest is an InputError too.
 */
export async function assertIndexModel(
  dir: string,
  encoder: { id: string; dimension: number },
): Promise<void> {
  assertSameModel((await readManifest(dir)).model, encoder);
}

/** What readIndex loads. */
export interface ReadIndexOptions {
  /**
   * Whether to read captions.json and captions.npy (default true). With false, `captions` and
   * `captionVectors` come back empty whatever the manifest counts, for readers that only rank videos.
   */
  captions?: boolean;
}

/** Loads an index directory into memory, checking that its files agree with each other. */
export async function readIndex(dir: string, options: ReadIndexOptions = {}): Promise<IndexData> {
  const manifest = await readManifest(dir);
  const d = manifest.model.dimension;
  const videos = (await readJson(dir, INDEX_FILES.videos)) as VideoRecord[];
  if (!Array.isArray(videos) || videos.length !== manifest.counts.videos)
    bad(dir, `videos.json must list ${manifest.counts.videos} videos`);
  const rows = (await readJson(dir, INDEX_FILES.rows)) as VectorRows;
  const columns = [rows?.video, rows?.aggregation, rows?.startSec, rows?.endSec];
  if (!columns.every((c) => Array.isArray(c) && c.length === manifest.counts.vectors))
    bad(dir, `rows.json columns must each hold ${manifest.counts.vectors} entries`);
  if (rows.video.some((v) => !Number.isInteger(v) || v < 0 || v >= videos.length))
    bad(dir, "rows.json refers to a video that videos.json does not list");
  const vectors = await readMatrix(dir, INDEX_FILES.vectors, manifest.counts.vectors, d);
  let captions: CaptionRecord[] = [];
  let captionVectors: Float32Array = new Float32Array(0);
  if (options.captions !== false && manifest.counts.captions > 0) {
    captions = (await readJson(dir, INDEX_FILES.captions)) as CaptionRecord[];
    if (!Array.isArray(captions) || captions.length !== manifest.counts.captions)
      bad(dir, `captions.json must list ${manifest.counts.captions} captions`);
    captionVectors = await readMatrix(dir, INDEX_FILES.captionVectors, captions.length, d);
  }
  const thumbnails = videos.map(
    (video) => async () =>
      video.thumbnail === null ? null : new Uint8Array(await readFile(join(dir, video.thumbnail))),
  );
  return { manifest, videos, vectors, rows, captions, captionVectors, thumbnails };
}
