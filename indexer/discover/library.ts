// The library's types: the videos found to index and the manifest rows that name them (one file, so that
// discover.ts and manifest-file.ts both depend on it and not on each other).
import type { SourceIdentity } from "../index/video-result.ts";

/** One manifest entry; `path` is relative to the manifest file's directory, absolute, or an http(s) URL. */
export interface ManifestEntry {
  id?: string;
  path: string;
  title?: string;
  url?: string;
}

/** One video found in the library. */
export interface LibraryVideo {
  /** Id per video-id.ts: location relative to the root without the extension. */
  id: string;
  /** Absolute path on disk, or an http(s) URL. */
  path: string;
  /** Where the video is relative to the root ("/"-separated; absolute outside it; a URL as given). */
  location: string;
  /** What identifies its contents when the listing already told (S3: size + ETag), else read later. */
  identity?: SourceIdentity;
}

/** The library: its root, its videos sorted by id, and what the walk noticed. */
export interface Library {
  root: string;
  videos: LibraryVideo[];
  /** The entries of `<videos>` when it was a manifest table (they give ids, titles, urls), else null. */
  manifest: ManifestEntry[] | null;
  /** Symlinks not followed (cycles, folders already walked), for the summary. */
  notes: string[];
  /** What ffmpeg should open for a video's path (S3: a presigned GET URL); the path itself when absent. */
  readablePath?(path: string): Promise<string>;
}
