// Reads the optional library manifest (--manifest): CSV/TSV with a header, or JSON, of id, path, title, url.
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import type { SourceIdentity } from "../index/video-result.ts";
import type { Library, ManifestEntry } from "./library.ts";
import { parseTableOrJson } from "./table-or-json.ts";
import { assertUniqueIds, compareIds, isHttpUrl } from "./video-id.ts";

/** A library video with the metadata the index stores. */
export interface CatalogVideo {
  id: string;
  /** Absolute path or http(s) URL. */
  path: string;
  /** As in LibraryVideo (what the sync record stores). */
  location: string;
  title: string;
  url: string | null;
  /** As in LibraryVideo: the identity a listing gave (S3), when it did. */
  identity?: SourceIdentity;
}

function bad(file: string, message: string): never {
  throw new InputError("bad_manifest", `${file}: ${message}`);
}

function optionalString(value: unknown, file: string, field: string, row: number): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") bad(file, `entry ${row}: ${field} must be a string`);
  return value;
}

/** Parses manifest text: a JSON array of objects, or a delimited table with a header naming a `path` column. */
export function parseManifest(text: string, fileName: string): ManifestEntry[] {
  const parsed = parseTableOrJson(text, fileName, "bad_manifest");
  if (parsed.kind === "json") {
    if (!Array.isArray(parsed.value))
      bad(fileName, "JSON manifest must be an array of {id, path, title, url}");
    return parsed.value.map((item: unknown, row) => {
      if (typeof item !== "object" || item === null) bad(fileName, `entry ${row} is not an object`);
      const record = item as Record<string, unknown>;
      const path = optionalString(record.path, fileName, "path", row);
      if (path === undefined) bad(fileName, `entry ${row} has no path`);
      return {
        path,
        id: optionalString(record.id, fileName, "id", row),
        title: optionalString(record.title, fileName, "title", row),
        url: optionalString(record.url, fileName, "url", row),
      };
    });
  }
  const { rows } = parsed;
  const header = (rows[0] ?? []).map((name) => name.trim().toLowerCase());
  const column = (name: string) => header.indexOf(name);
  if (column("path") < 0)
    bad(fileName, `the header must name a "path" column (and optionally id, title, url)`);
  const cell = (row: string[], name: string) => {
    const at = column(name);
    const value = at < 0 ? "" : (row[at] ?? "").trim();
    return value === "" ? undefined : value;
  };
  return rows.slice(1).map((row, n) => {
    const path = cell(row, "path");
    if (path === undefined) bad(fileName, `row ${n + 2} has no path`);
    return { path, id: cell(row, "id"), title: cell(row, "title"), url: cell(row, "url") };
  });
}

/** Default title: the file name without its extension, i.e. the id's last segment. */
function fileTitle(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}

/**
 * Gives every library video its id, title and url: from the manifest entry with the same path
 * (relative paths resolved against `baseDir`, the manifest's directory; URLs as written) when there
 * is one, else the library id (video-id.ts) and title = file name. Returns the catalog sorted by id
 * and the manifest paths that match no video (the caller refuses them unless allowed).
 */
export function applyManifest(
  library: Library,
  entries: ManifestEntry[],
  baseDir: string,
): { videos: CatalogVideo[]; unmatched: string[] } {
  const resolvePath = (path: string) => (isHttpUrl(path) || isAbsolute(path) ? path : resolve(baseDir, path));
  const byPath = new Map<string, ManifestEntry>();
  for (const entry of entries) byPath.set(resolvePath(entry.path), entry);
  const matched = new Set<string>();
  const videos = library.videos.map((video) => {
    const entry = byPath.get(video.path);
    if (entry) matched.add(video.path);
    return {
      id: entry?.id ?? video.id,
      path: video.path,
      location: video.location,
      title: entry?.title ?? fileTitle(video.id),
      url: entry?.url ?? null,
      ...(video.identity ? { identity: video.identity } : {}),
    };
  });
  videos.sort((a, b) => compareIds(a.id, b.id));
  assertUniqueIds(videos);
  const unmatched = entries.filter((e) => !matched.has(resolvePath(e.path))).map((e) => e.path);
  return { videos, unmatched };
}

/** Reads and parses a manifest file. */
export async function readManifestFile(file: string): Promise<ManifestEntry[]> {
  const text = await readFile(file, "utf8").catch((cause: unknown) => {
    throw new InputError("not_found", `cannot read manifest ${file}`, { cause });
  });
  return parseManifest(text, file);
}
