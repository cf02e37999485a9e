// Finds a benchmark's videos by id with the library's own id rule (indexer/discover/video-id.ts): the
// folder is discovered as `index` would, and each dataset id names a video's id or its last segment.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { discoverVideos } from "../discover/discover.ts";
import { assertUniqueIds, resolveVideoRefs } from "../discover/video-id.ts";

/** The videos of a split that were found (id -> absolute path) and the ids that were not. */
export interface FoundVideos {
  paths: Map<string, string>;
  /** Ids without a file, in split order. */
  missing: string[];
}

/**
 * Looks for every id of `ids` under `dir` (recursively, hidden entries skipped, symlinks followed):
 * the video whose id (its path without the extension) is the dataset id, e.g. "video7010" for
 * video7010.mp4, or whose last id segment is, e.g. "0001_MOVIE/0001_MOVIE_00.00.51.926-00.00.54.129.avi"
 * for LSMDC's movie folders. Two files with one id are an InputError, as in `index`. Throws InputError
 * when `dir` is not a directory.
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
  const library = await discoverVideos(root);
  assertUniqueIds(library.videos);
  const pathOf = new Map(library.videos.map((v) => [v.id, v.path]));
  const resolved = resolveVideoRefs([...pathOf.keys()], ids);
  const paths = new Map<string, string>();
  const missing: string[] = [];
  for (const id of ids) {
    const videoId = resolved.ids.get(id);
    if (videoId === undefined) missing.push(id);
    else paths.set(id, pathOf.get(videoId) as string);
  }
  return { paths, missing };
}
