// Finds the videos to index: a directory walked recursively, or a list file of paths, with stable ids.
import { readdir, readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { InputError } from "../../shared/errors.ts";

/** File extensions treated as videos when walking a directory (lower case, without the dot). */
export const VIDEO_EXTENSIONS = new Set([
  "mp4",
  "m4v",
  "mov",
  "mkv",
  "webm",
  "avi",
  "mpg",
  "mpeg",
  "wmv",
  "flv",
  "3gp",
  "ogv",
  "ts",
  "mts",
  "gif",
]);

/** One video found in the library. */
export interface LibraryVideo {
  /** Stable id: path relative to the library root with "/" separators. */
  id: string;
  /** Absolute path on disk. */
  path: string;
}

/** The library: its root directory and its videos sorted by id. */
export interface Library {
  root: string;
  videos: LibraryVideo[];
}

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function hasVideoExtension(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && VIDEO_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue; // hidden files and our own .work / .tmp dirs
    const path = resolve(dir, entry.name);
    if (entry.isDirectory()) await walk(path, found);
    else if (entry.isFile() && hasVideoExtension(entry.name)) found.push(path);
  }
}

/**
 * Lists the videos of `input`: a directory (recursive, by extension; hidden entries skipped) or a text
 * file with one path per line (relative to the list file; blank lines and "#" comments ignored).
 * Ids are paths relative to the root (the directory, or the list file's directory), sorted.
 */
export async function discoverVideos(input: string): Promise<Library> {
  const absolute = resolve(input);
  const info = await stat(absolute).catch((cause: unknown) => {
    throw new InputError("not_found", `videos not found: ${input} (give a directory or a list file)`, {
      cause,
    });
  });
  let root: string;
  let videos: LibraryVideo[];
  if (info.isDirectory()) {
    root = absolute;
    const found: string[] = [];
    await walk(root, found);
    videos = found.map((path) => ({ id: toPosix(relative(root, path)), path }));
  } else {
    root = dirname(absolute);
    const lines = (await readFile(absolute, "utf8")).split(/\r?\n/).map((line) => line.trim());
    videos = lines
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => {
        const path = resolve(root, line);
        const rel = relative(root, path);
        // Inside the root: relative id; elsewhere the path as written (absolute ids are still stable).
        const id = rel.startsWith("..") || isAbsolute(rel) ? toPosix(path) : toPosix(rel);
        return { id, path };
      });
  }
  videos.sort((a, b) => compareIds(a.id, b.id));
  for (let i = 1; i < videos.length; i++) {
    if (videos[i].id === videos[i - 1].id)
      throw new InputError("duplicate_video", `video listed twice: ${videos[i].id}`);
  }
  return { root, videos };
}

/** Total order on ids used everywhere (index order, merge): plain code-unit order, locale-free. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
