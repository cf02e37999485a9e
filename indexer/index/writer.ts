// Writes an index directory atomically: build it in a temp dir beside the target, then swap it in;
// refuses to replace anything that is not an index, and recovers what a killed write left behind.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { float32ToFloat16Array } from "../../shared/float16.ts";
import { INDEX_FILES, INDEX_FORMAT } from "../../shared/index-format.ts";
import { encodeNpy } from "../../shared/npy.ts";
import { syncDirectory, writeFileSynced } from "./durable-file.ts";
import type { IndexData } from "./index-data.ts";
import { encodeSyncRecord, SYNC_FILE } from "./sync-record.ts";

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

function npy(data: Float32Array, rows: number, dimension: number, dtype: "float32" | "float16"): Uint8Array {
  const shape = [rows, dimension];
  return dtype === "float16"
    ? encodeNpy({ dtype, shape, data: float32ToFloat16Array(data) })
    : encodeNpy({ dtype, shape, data });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes every file of `data` into the (new, empty) directory `dir`. Each file is fsynced; no per-file
 * rename or directory sync, since `dir` only becomes the index by one rename after it is complete.
 */
async function writeFiles(dir: string, data: IndexData): Promise<void> {
  const { manifest } = data;
  const d = manifest.model.dimension;
  await writeFileSynced(join(dir, INDEX_FILES.vectors), [
    npy(data.vectors, data.vectors.length / d, d, manifest.dtype),
  ]);
  await writeFileSynced(join(dir, INDEX_FILES.rows), [
    new TextEncoder().encode(`${JSON.stringify(data.rows)}\n`),
  ]);
  if (data.captions.length > 0) {
    await writeFileSynced(join(dir, INDEX_FILES.captionVectors), [
      npy(data.captionVectors, data.captions.length, d, manifest.dtype),
    ]);
    await writeFileSynced(join(dir, INDEX_FILES.captions), [json(data.captions)]);
  }
  const thumbs = join(dir, INDEX_FILES.thumbnailDir);
  await mkdir(thumbs);
  for (const [n, video] of data.videos.entries()) {
    if (video.thumbnail === null) continue;
    const bytes = await data.thumbnails[n]?.();
    if (!bytes) throw new Error(`thumbnail of video ${n} (${video.id}) is missing`);
    await writeFileSynced(join(dir, video.thumbnail), [bytes]);
  }
  for (const [r, path] of (data.rows.thumbnail ?? []).entries()) {
    if (path === null) continue;
    const bytes = await data.rowThumbnails?.[r]?.();
    if (!bytes) throw new Error(`moment thumbnail of row ${r} (${path}) is missing`);
    await writeFileSynced(join(dir, path), [bytes]);
  }
  await syncDirectory(thumbs);
  await writeFileSynced(join(dir, INDEX_FILES.videos), [json(data.videos)]);
  if (data.sync) await writeFileSynced(join(dir, SYNC_FILE), [encodeSyncRecord(data.sync)]);
  // The manifest last: a directory with a manifest is complete.
  await writeFileSynced(join(dir, INDEX_FILES.manifest), [json(manifest)]);
}

/**
 * Names an index directory holds: the format's files and sync.json; thumbnails/ holds `<stem>.jpg` (a
 * video) and `<stem>-<i>.jpg` (row i of a video), or `<n>.jpg` and `<n>-<i>.jpg` as earlier versions named
 * them by position.
 */
const INDEX_ENTRIES = new Set<string>([...Object.values(INDEX_FILES), SYNC_FILE]);
const THUMBNAIL_NAME = /^(\d+|[0-9a-f]{16})(-\d+)?\.jpg$/;

/** Entries of the index directory `dir` that no index writer made (relative paths, sorted). */
async function unrelatedEntries(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!INDEX_ENTRIES.has(name)) found.push(name);
    else if (name === INDEX_FILES.thumbnailDir) {
      const inside = await readdir(join(dir, name)).catch(() => null);
      if (inside === null) found.push(name);
      else for (const thumb of inside.sort()) if (!THUMBNAIL_NAME.test(thumb)) found.push(`${name}/${thumb}`);
    }
  }
  return found;
}

/**
 * Throws InputError unless `outDir` is absent, an empty directory, or an index directory holding only
 * index files: replacing it must never delete anything else (a mistyped --out pointing at a folder of
 * videos, notes someone put beside the index). Nothing is touched either way.
 */
export async function assertReplaceable(outDir: string): Promise<void> {
  const info = await stat(outDir).catch(() => null);
  if (info === null) return;
  const refuse = (why: string): never => {
    throw new InputError(
      "out_not_index",
      `refusing to replace ${outDir}: ${why}; choose a new --out directory or remove it yourself`,
    );
  };
  if (!info.isDirectory()) refuse("it is not a directory");
  if ((await readdir(outDir)).length === 0) return;
  const manifest = await readFile(join(outDir, INDEX_FILES.manifest), "utf8").catch(() => null);
  let format: unknown = null;
  try {
    format = manifest === null ? null : (JSON.parse(manifest) as { format?: unknown }).format;
  } catch {
    // Not JSON: not ours.
  }
  if (format !== INDEX_FORMAT)
    refuse(`it is not an index directory (no ${INDEX_FILES.manifest} of format "${INDEX_FORMAT}")`);
  const unrelated = await unrelatedEntries(outDir);
  if (unrelated.length > 0)
    refuse(
      `it holds files that are not part of the index (${unrelated.slice(0, 5).join(", ")}${unrelated.length > 5 ? ", ..." : ""}), which rewriting the index would delete; move them out of it`,
    );
}

/** True while process `pid` runs (on this machine). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return false; // this process: its own failed or earlier write
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Cleans what a killed writeIndexAtomically left beside `outDir`: `.<name>.tmp-<pid>` folders are
 * removed; when the kill fell between moving the old index away and moving the new one in (so
 * `outDir` is missing), the old index `.<name>.old-<pid>` is put back, else removed. Folders of
 * writers still running are left alone. Returns the folders cleaned.
 */
export async function recoverInterruptedWrite(outDir: string): Promise<string[]> {
  const parent = dirname(outDir);
  const name = basename(outDir);
  const names = await readdir(parent).catch(() => [] as string[]);
  const leftovers = names
    .map((entry) => ({ entry, match: /^\.(.+)\.(tmp|old)-(\d+)$/.exec(entry) }))
    .filter(({ match }) => match !== null && match[1] === name && !isRunning(Number(match[3])));
  const cleaned: string[] = [];
  for (const { entry, match } of leftovers.sort((a, b) => (a.entry < b.entry ? -1 : 1))) {
    const path = join(parent, entry);
    const isOld = match?.[2] === "old";
    if (isOld && !(await exists(outDir)) && (await exists(join(path, INDEX_FILES.manifest)))) {
      await rename(path, outDir);
      await syncDirectory(parent);
    } else await rm(path, { recursive: true, force: true });
    cleaned.push(path);
  }
  return cleaned;
}

/**
 * Writes the index to `outDir` atomically. The new index is built in `.<name>.tmp-<pid>` beside it;
 * an existing index is renamed away, the new one renamed in, then the old one removed, so a reader
 * sees the old index, then the new one, never a partial one; a run killed in between is repaired by
 * the next (recoverInterruptedWrite).
 */
export async function writeIndexAtomically(outDir: string, data: IndexData): Promise<void> {
  const parent = dirname(outDir);
  const name = basename(outDir);
  await recoverInterruptedWrite(outDir);
  await assertReplaceable(outDir);
  await mkdir(parent, { recursive: true });
  const temp = join(parent, `.${name}.tmp-${process.pid}`);
  await rm(temp, { recursive: true, force: true });
  await mkdir(temp);
  try {
    await writeFiles(temp, data);
    await syncDirectory(temp);
    if (await exists(outDir)) {
      const old = join(parent, `.${name}.old-${process.pid}`);
      await rm(old, { recursive: true, force: true });
      await rename(outDir, old);
      await rename(temp, outDir);
      await syncDirectory(parent);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, outDir);
      await syncDirectory(parent);
    }
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    // A failed swap must not leave the old index moved away: put it back now.
    await recoverInterruptedWrite(outDir);
    throw error;
  }
}

/**
 * File stem of a video's thumbnails: the first 16 hex digits of the SHA-256 of its id. Named by the id,
 * not by the video's position, so a shard's index, the merged index and a synced index name a video's
 * thumbnails alike (their paths are Vectorize metadata: a position would change whenever a video is
 * added before it, and differ between a shard and the merge).
 */
export function thumbnailStem(videoId: string): string {
  return createHash("sha256").update(videoId, "utf8").digest("hex").slice(0, 16);
}

/** Thumbnail path (relative to the index dir) of the video with this thumbnailStem. */
export function thumbnailPath(stem: string): string {
  return `${INDEX_FILES.thumbnailDir}/${stem}.jpg`;
}

/** Moment thumbnail path (relative to the index dir) of row `i` (counted within its video) of a video. */
export function momentThumbnailPath(stem: string, i: number): string {
  return `${INDEX_FILES.thumbnailDir}/${stem}-${i}.jpg`;
}
