// Turns a store's hits into the API's shape: thumbnails become URLs served by /api/thumbnails, ranks added.
import { INDEX_FILES } from "../../shared/index-format.ts";
import type { Hit } from "../http/api-schemas.ts";
import { pageOf } from "../http/paging.ts";
import type { VideoHit } from "../stores/video-store.ts";

/** Prefix of thumbnail names inside the index directory. */
const THUMBNAIL_DIR = `${INDEX_FILES.thumbnailDir}/`;

/** URL of a thumbnail stored at `path` (relative to the index directory), or null. */
function thumbnailUrl(path: string | null): string | null {
  if (!path) return null;
  const name = path.startsWith(THUMBNAIL_DIR) ? path.slice(THUMBNAIL_DIR.length) : path;
  return `/api/thumbnails/${name.split("/").map(encodeURIComponent).join("/")}`;
}

/** The page of `ranked` (the store's top offset + k) from `offset`, as the API's hits. */
export function pageOfHits(ranked: VideoHit[], offset: number): Hit[] {
  return pageOf(ranked, offset).map((hit) => ({ ...hit, thumbnail: thumbnailUrl(hit.thumbnail) }));
}
