// Turns a store's hits into the API's shape: thumbnails become URLs of the deployment that ranked them,
// deployed media fill a missing url, ranks added.
import type { DeploymentRecord } from "../../shared/deployment/deployment-format.ts";
import { INDEX_FILES } from "../../shared/index-format.ts";
import type { Hit } from "../http/api-schemas.ts";
import { pageOf } from "../http/paging.ts";
import type { VideoHit } from "../stores/video-store.ts";

/** Prefix of thumbnail names inside the index directory. */
const THUMBNAIL_DIR = `${INDEX_FILES.thumbnailDir}/`;

/** URL of a thumbnail stored at `path` (relative to the index directory) in `deployment`, or null. */
function thumbnailUrl(deployment: DeploymentRecord, path: string | null): string | null {
  if (!path) return null;
  const name = path.startsWith(THUMBNAIL_DIR) ? path.slice(THUMBNAIL_DIR.length) : path;
  return `/api/thumbnails/${deployment.id}/${name.split("/").map(encodeURIComponent).join("/")}`;
}

/** The video's own url, else the media route's path of its deployed file, else null. */
export function playableUrl(
  deployment: DeploymentRecord,
  videoId: string,
  url: string | null,
): string | null {
  if (url) return url;
  const media = Object.hasOwn(deployment.media, videoId) ? deployment.media[videoId] : undefined;
  return media ? `/api/media/${media.key.slice(media.key.lastIndexOf("/") + 1)}` : null;
}

/** The page of `ranked` (the store's top offset + k) from `offset`, as the API's hits. */
export function pageOfHits(ranked: VideoHit[], offset: number, deployment: DeploymentRecord): Hit[] {
  return pageOf(ranked, offset).map((hit) => ({
    ...hit,
    url: playableUrl(deployment, hit.videoId, hit.url),
    thumbnail: thumbnailUrl(deployment, hit.thumbnail),
  }));
}
