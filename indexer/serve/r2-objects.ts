// The R2 objects of a model or index directory, one per file under the worker's key prefix: the layout that
// both the local R2 of `npm start` and the real bucket of `npm run deploy` are filled with.
import { readdirSync, statSync } from "node:fs";
import { extname, join, relative, sep } from "node:path";

/** One file of a local directory and the R2 object it becomes. */
export interface R2Object {
  /** Object key: prefix + path relative to the directory, with "/" separators (e.g. "index/manifest.json"). */
  key: string;
  /** Absolute or caller-relative path of the local file. */
  path: string;
  /** File size in bytes. */
  bytes: number;
  /** Content-Type stored with the object (the worker serves thumbnails with it); absent for binary data. */
  contentType?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  ".json": "application/json",
  ".jpg": "image/jpeg",
  ".txt": "text/plain; charset=utf-8",
};

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

/** Every file under `dir` (recursively, sorted by name) as an object keyed `prefix` + relative path. */
export function listR2Objects(prefix: string, dir: string): R2Object[] {
  return listFiles(dir).map((path) => ({
    key: prefix + relative(dir, path).split(sep).join("/"),
    path,
    bytes: statSync(path).size,
    contentType: CONTENT_TYPES[extname(path).toLowerCase()],
  }));
}
