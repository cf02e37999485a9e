// The one id rule for videos (index, captions, manifests, eval, the API): the location relative to the
// library root, "/"-separated, without the file extension; and how captions/annotations name a video.
import { InputError } from "../../shared/errors.ts";

/** True for the http(s) URLs a list file or manifest may name (ffmpeg reads them directly). */
export function isHttpUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** `name` without its last extension ("a.b.mp4" -> "a.b"); a leading dot is not an extension. */
function withoutExtension(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

/**
 * The id of a video at `relativePath` ("/"-separated, relative to the library root): the path without
 * the file name's last extension ("clips/a.mp4" -> "clips/a", "x/b.c.avi" -> "x/b.c").
 */
export function videoIdOfPath(relativePath: string): string {
  const slash = relativePath.lastIndexOf("/");
  return relativePath.slice(0, slash + 1) + withoutExtension(relativePath.slice(slash + 1));
}

/**
 * The id of a video at an http(s) URL: its path (decoded, without the leading "/" and the
 * extension), the URL's origin being its library root ("https://h/v/a.mp4?sig=1" -> "v/a").
 */
export function videoIdOfUrl(url: string): string {
  const { pathname } = new URL(url);
  let path = pathname.replace(/^\/+/, "");
  try {
    path = decodeURIComponent(path);
  } catch {
    // Not valid percent-encoding: the id keeps it as written.
  }
  return videoIdOfPath(path);
}

/** Total order on ids used everywhere (index order, merge): plain code-unit order, locale-free. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Throws InputError naming both locations when two videos share an id. `videos` in any order. */
export function assertUniqueIds(videos: readonly { id: string; path: string }[]): void {
  const seen = new Map<string, string>();
  for (const video of videos) {
    const other = seen.get(video.id);
    if (other !== undefined) {
      const [first, second] = [other, video.path].sort(compareIds);
      throw new InputError(
        "duplicate_video",
        `two videos have the id "${video.id}" (${first} and ${second}); rename one, or give ids in a --manifest`,
      );
    }
    seen.set(video.id, video.path);
  }
}

/** How the references of a captions or annotation file resolved against the library's ids. */
export interface ResolvedRefs {
  /** Reference -> video id, for every reference that names one video. */
  ids: Map<string, string>;
  /** References that name no video, in first-seen order. */
  unmatched: string[];
}

/**
 * Resolves references (the video column of a captions file, a dataset's video ids) to video ids: a
 * reference is a video's id, or, for libraries nested in folders (LSMDC's movie folders), the last
 * "/" segment of exactly one video's id. A reference that fits several videos is an InputError.
 */
export function resolveVideoRefs(ids: readonly string[], refs: Iterable<string>): ResolvedRefs {
  const exact = new Set(ids);
  const byName = new Map<string, string[]>();
  for (const id of ids) {
    const name = id.slice(id.lastIndexOf("/") + 1);
    const list = byName.get(name) ?? [];
    list.push(id);
    byName.set(name, list);
  }
  const resolved = new Map<string, string>();
  const unmatched: string[] = [];
  for (const ref of new Set(refs)) {
    if (exact.has(ref)) {
      resolved.set(ref, ref);
      continue;
    }
    const candidates = byName.get(ref) ?? [];
    if (candidates.length === 1) resolved.set(ref, candidates[0]);
    else if (candidates.length === 0) unmatched.push(ref);
    else
      throw new InputError(
        "ambiguous_video",
        `"${ref}" could be any of ${candidates.slice(0, 3).join(", ")}${candidates.length > 3 ? ", ..." : ""}; name the video by its full id`,
      );
  }
  return { ids: resolved, unmatched };
}

/** "a, b, c and 4 more" for error messages. */
export function listSome(items: readonly string[], shown = 5): string {
  const head = items.slice(0, shown).join(", ");
  return items.length > shown ? `${head} and ${items.length - shown} more` : head;
}
