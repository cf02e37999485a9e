// Finds the videos to index: a directory walked recursively (symlinks followed, cycles detected), a
// list file of paths or http(s) URLs, a manifest table, or an s3://bucket/prefix; ids per video-id.ts.
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { InputError } from "../../shared/errors.ts";
import type { Library, LibraryVideo, ManifestEntry } from "./library.ts";
import { parseManifest } from "./manifest-file.ts";
import { isS3Url, listObjects, parseS3Url, presignGet, s3ClientFromEnv } from "./s3-store.ts";
import { compareIds, isHttpUrl, videoIdOfPath, videoIdOfUrl } from "./video-id.ts";

export { compareIds } from "./video-id.ts";

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

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function hasVideoExtension(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && VIDEO_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/**
 * Walks `root` in name order. Symlinked files and folders are followed; each real folder is walked
 * once (the first path reaching it wins), so a link back to an ancestor (a cycle) or to a folder
 * already walked is noted and skipped instead of looping or listing videos twice.
 */
async function walk(root: string, notes: string[]): Promise<string[]> {
  const found: string[] = [];
  const walked = new Set<string>([await realpath(root)]);
  const visit = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => compareIds(a.name, b.name));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue; // hidden files and our own .work / .tmp dirs
      const path = join(dir, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = await stat(path).catch(() => null);
        // A broken link to a "video" is listed, so the run reports it instead of dropping it silently.
        isDirectory = target?.isDirectory() ?? false;
        isFile = target === null || target.isFile();
      }
      if (isDirectory) {
        const real = await realpath(path);
        if (walked.has(real)) {
          notes.push(
            `${toPosix(relative(root, path))}: links to a folder already walked (${real}); not followed`,
          );
          continue;
        }
        walked.add(real);
        await visit(path);
      } else if (isFile && hasVideoExtension(entry.name)) found.push(path);
    }
  };
  await visit(root);
  return found;
}

/** A local path or URL as a library video; local paths are resolved against `root`. */
function videoAt(root: string, written: string): LibraryVideo {
  if (isHttpUrl(written)) return { id: videoIdOfUrl(written), path: written, location: written };
  const path = resolve(root, written);
  const rel = relative(root, path);
  // Inside the root: relative; elsewhere the absolute path (still stable).
  const location = rel.startsWith("..") || isAbsolute(rel) ? toPosix(path) : toPosix(rel);
  return { id: videoIdOfPath(location), path, location };
}

/** True when a file given as `<videos>` is a manifest table (by name, or a header naming "path"). */
function looksLikeManifest(file: string, text: string): boolean {
  if (/\.(csv|tsv|tab|json)$/i.test(file)) return true;
  const first = text.split(/\r?\n/).find((line) => line.trim() !== "" && !line.trim().startsWith("#")) ?? "";
  return /[,\t]/.test(first) && first.split(/[,\t]/).some((cell) => cell.trim().toLowerCase() === "path");
}

/**
 * The videos under s3://bucket/prefix, by extension: path s3://bucket/key, location (and so id) the
 * key relative to the prefix, identity size + ETag from the listing (no modification time: the same
 * bytes uploaded again keep their ETag and are not embedded again).
 */
async function discoverS3(input: string): Promise<Library> {
  const location = parseS3Url(input);
  const client = s3ClientFromEnv();
  const objects = (await listObjects(client, location)).filter((o) => hasVideoExtension(o.key));
  const videos = objects.map((object): LibraryVideo => {
    const relativeKey = object.key.slice(location.prefix.length);
    return {
      id: videoIdOfPath(relativeKey),
      path: `s3://${location.bucket}/${object.key}`,
      location: relativeKey,
      identity: { sizeBytes: object.sizeBytes, mtimeMs: 0, etag: object.etag },
    };
  });
  videos.sort((a, b) => compareIds(a.id, b.id));
  const prefix = `s3://${location.bucket}/`;
  return {
    root: `${prefix}${location.prefix}`,
    videos,
    manifest: null,
    notes: [],
    readablePath: (path) => presignGet(client, location.bucket, path.slice(prefix.length)),
  };
}

/**
 * Lists the videos of `input`: an s3://bucket/prefix (discoverS3), a directory (recursive, by extension; hidden entries skipped; symlinks
 * followed), a text file with one path or http(s) URL per line (relative to the list file; blank
 * lines and "#" comments ignored), or a manifest (CSV/TSV/JSON with a `path` column; see
 * manifest-file.ts). Ids per video-id.ts; a location listed twice is an InputError.
 */
export async function discoverVideos(input: string): Promise<Library> {
  if (isS3Url(input)) return discoverS3(input);
  const absolute = resolve(input);
  const info = await stat(absolute).catch((cause: unknown) => {
    throw new InputError("not_found", `videos not found: ${input} (give a directory or a list file)`, {
      cause,
    });
  });
  const notes: string[] = [];
  let root: string;
  let videos: LibraryVideo[];
  let manifest: ManifestEntry[] | null = null;
  if (info.isDirectory()) {
    root = absolute;
    videos = (await walk(root, notes)).map((path) => videoAt(root, relative(root, path)));
  } else {
    root = dirname(absolute);
    const text = await readFile(absolute, "utf8");
    if (looksLikeManifest(absolute, text)) {
      manifest = parseManifest(text, input);
      videos = manifest.map((entry) => videoAt(root, entry.path));
    } else {
      const lines = text.split(/\r?\n/).map((line) => line.trim());
      videos = lines
        .filter((line) => line !== "" && !line.startsWith("#"))
        .map((line) => videoAt(root, line));
    }
  }
  videos.sort((a, b) => compareIds(a.id, b.id) || compareIds(a.path, b.path));
  const paths = new Set<string>();
  for (const video of videos) {
    if (paths.has(video.path))
      throw new InputError("duplicate_video", `video listed twice: ${video.location}`);
    paths.add(video.path);
  }
  return { root, videos, manifest, notes };
}
