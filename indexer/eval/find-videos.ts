// Finds a benchmark's videos by id in a folder tree: "<id>.<any extension>" at any depth.
import { readdir, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { VIDEO_EXTENSIONS } from "../library/discover.ts";

/** Extensions that are never videos, so "video1.json" beside "video1.mp4" is not a candidate. */
const NOT_VIDEO_EXTENSIONS = new Set([
  "json",
  "txt",
  "csv",
  "tsv",
  "md",
  "npy",
  "npz",
  "jpg",
  "jpeg",
  "png",
  "srt",
  "vtt",
  "part",
  "tmp",
  "pkl",
  "zip",
  "tar",
  "gz",
]);

/** The videos of a split that were found (id -> absolute path) and the ids that were not. */
export interface FoundVideos {
  paths: Map<string, string>;
  /** Ids without a file, in split order. */
  missing: string[];
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** Lower is preferred when one id has several files: known video extensions first, then others. */
function preference(name: string): number {
  const extension = extensionOf(name);
  if (VIDEO_EXTENSIONS.has(extension)) return 0;
  return extension === "" ? 2 : 1;
}

async function walk(dir: string, visit: (name: string, path: string) => void): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue; // hidden files and caches
    const path = resolve(dir, entry.name);
    if (entry.isDirectory()) await walk(path, visit);
    else if (entry.isFile() || entry.isSymbolicLink()) visit(entry.name, path);
  }
}

/**
 * Looks for every id of `ids` under `dir` (recursively, hidden entries skipped): a file named
 * "<id>.<ext>" for any extension ffmpeg may read (ids may contain dots, as LSMDC's do), or exactly
 * "<id>". When an id has several files, a known video extension wins, then the first path in code
 * unit order, so the choice is stable. Throws InputError when `dir` is not a directory.
 */
export async function findVideosById(dir: string, ids: readonly string[]): Promise<FoundVideos> {
  const root = resolve(dir);
  const info = await stat(root).catch((cause: unknown) => {
    throw new InputError(
      "not_found",
      `--videos ${dir} does not exist; give the folder holding the dataset's videos`,
      {
        cause,
      },
    );
  });
  if (!info.isDirectory()) throw new InputError("bad_arguments", `--videos ${dir} is not a directory`);
  const wanted = new Set(ids);
  const best = new Map<string, { path: string; rank: number }>();
  const offer = (id: string, name: string, path: string) => {
    if (!wanted.has(id)) return;
    const rank = preference(name);
    const current = best.get(id);
    if (!current || rank < current.rank || (rank === current.rank && path < current.path))
      best.set(id, { path, rank });
  };
  await walk(root, (name, path) => {
    const extension = extensionOf(name);
    if (NOT_VIDEO_EXTENSIONS.has(extension)) return;
    offer(name, name, path);
    if (extension !== "") offer(name.slice(0, name.length - extension.length - 1), name, path);
  });
  const paths = new Map<string, string>();
  const missing: string[] = [];
  for (const id of ids) {
    const found = best.get(id);
    if (found) paths.set(id, found.path);
    else missing.push(id);
  }
  return { paths, missing };
}
