// Turns a store's hit into the API's shape: thumbnails become URLs served by /api/thumbnails.
import { INDEX_FILES } from "../../shared/index-format.ts";
import type { VideoHit } from "../stores/video-store.ts";

/** Prefix of thumbnail names inside the index directory. */
const THUMBNAIL_DIR = `${INDEX_FILES.thumbnailDir}/`;

/** URL of a thumbnail stored at `path` (relative to the index directory), or null. */
function thumbnailUrl(path: string | null): string | null {
  if (!path) return null;
  const name = path.startsWith(THUMBNAIL_DIR) ? path.slice(THUMBNAIL_DIR.length) : path;
  return `/api/thumbnails/${name.split("/").map(encodeURIComponent).join("/")}`;
}

/** The hit with its thumbnail as a URL. */
export function publicHit(hit: VideoHit): VideoHit {
  return { ...hit, thumbnail: thumbnailUrl(hit.thumbnail) };
}
