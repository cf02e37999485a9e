// Reads an index directory from disk through the index contract (shared/index-contract): every file checked,
// every path resolved (symlinks too) and kept inside the directory.
import { readFile, realpath, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { float16ToFloat32Array } from "../../shared/float16.ts";
import type { CheckedMatrix } from "../../shared/index-contract/check-vectors.ts";
import { IndexContractError, isIndexContractError } from "../../shared/index-contract/contract-error.ts";
import { unsafeIndexPath } from "../../shared/index-contract/index-path.ts";
import {
  type IndexFileSource,
  readCheckedIndex,
  readIndexManifest,
} from "../../shared/index-contract/read-index.ts";
import type { IndexManifest } from "../../shared/index-format.ts";
import { assertSameModel } from "../../shared/index-format.ts";
import type { IndexData } from "./index-data.ts";

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * The contract's file port on a local directory. A name is checked lexically (relative, no "..") and then
 * resolved with realpath: a file, or a symlink anywhere on its path, that leads out of `dir` is refused.
 */
export function directorySource(
  dir: string,
): IndexFileSource & { path(name: string): Promise<string | null> } {
  let root: Promise<string> | undefined;
  const rootPath = () => {
    root ??= realpath(resolve(dir)).catch((cause: unknown) => {
      throw new IndexContractError(
        "index_missing",
        `${dir} cannot be read (${(cause as Error).message}); is it an index directory?`,
      );
    });
    return root;
  };
  /** The real path of `name` inside the index, or null when it does not exist. */
  async function path(name: string): Promise<string | null> {
    const why = unsafeIndexPath(name);
    if (why)
      throw new IndexContractError("bad_index", `the path ${JSON.stringify(name.slice(0, 80))} ${why}`);
    const base = await rootPath();
    let real: string;
    try {
      real = await realpath(join(base, name));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
    if (!real.startsWith(base + sep))
      throw new IndexContractError("bad_index", `${name} leads out of the index (to ${real})`);
    if (!(await stat(real)).isFile()) throw new IndexContractError("bad_index", `${name} is not a file`);
    return real;
  }
  return {
    path,
    async read(name) {
      const real = await path(name);
      if (real === null) return null;
      const bytes = await readFile(real);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  };
}

/** The same error with the index directory named, so the user knows which one (CLI message). */
function located(dir: string, error: unknown): unknown {
  return isIndexContractError(error) ? error.located(dir, "rebuild it with `npm run cli -- index`") : error;
}

/** The checked manifest of the index directory `dir`. */
export async function readManifest(dir: string): Promise<IndexManifest> {
  return readIndexManifest(directorySource(dir)).catch((error: unknown) => {
    throw located(dir, error);
  });
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

function toFloat32(matrix: CheckedMatrix | null): Float32Array {
  if (matrix === null) return new Float32Array(0);
  return matrix.dtype === "float32" ? matrix.data : float16ToFloat32Array(matrix.data);
}

/**
 * Loads an index directory into memory through the contract (IndexContractError, exit 2 in the CLI, for any
 * file that fails it). Thumbnails (videos' and moments') are checked to exist inside the directory now and
 * read on demand.
 */
export async function readIndex(dir: string, options: ReadIndexOptions = {}): Promise<IndexData> {
  const source = directorySource(dir);
  try {
    const index = await readCheckedIndex(source, options);
    const missing = (path: string, of: string) =>
      new IndexContractError("index_missing", `${path} (${of}) is missing`);
    const referenced: [string, string][] = [
      ...index.videos.flatMap((video): [string, string][] =>
        video.thumbnail === null ? [] : [[video.thumbnail, `thumbnail of ${video.id}`]],
      ),
      ...(index.rows.thumbnail ?? []).flatMap((path, r): [string, string][] =>
        path === null ? [] : [[path, `moment thumbnail of row ${r}`]],
      ),
    ];
    for (const [path, of] of referenced) if ((await source.path(path)) === null) throw missing(path, of);
    const reader = (path: string | null, of: string) =>
      path === null
        ? null
        : async () => {
            const bytes = await source.read(path);
            if (bytes === null) throw missing(path, of);
            return bytes;
          };
    const thumbnails = index.videos.map(
      (video) => reader(video.thumbnail, `thumbnail of ${video.id}`) ?? (async () => null),
    );
    const rowThumbnails = index.rows.thumbnail?.map((path, r) =>
      reader(path, `moment thumbnail of row ${r}`),
    );
    return {
      manifest: index.manifest,
      videos: index.videos,
      vectors: toFloat32(index.vectors),
      rows: index.rows,
      captions: index.captions,
      captionVectors: toFloat32(index.captionVectors),
      thumbnails,
      ...(rowThumbnails ? { rowThumbnails } : {}),
    };
  } catch (error) {
    throw located(dir, error);
  }
}
