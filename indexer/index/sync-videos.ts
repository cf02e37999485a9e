// Which of the library's videos a sync embeds again and which it keeps as the index at --out holds them:
// a video is unchanged when it is at the same location with the same source identity (size + mtime or ETag).
import type { CatalogVideo } from "../discover/manifest-file.ts";
import type { VideoPart } from "./assemble.ts";
import type { SyncRecord } from "./sync-record.ts";
import { type SourceIdentity, sameSource } from "./video-result.ts";

/** What the index at --out holds, by video id. */
export interface PreviousVideos {
  parts: ReadonlyMap<string, VideoPart>;
  sources: ReadonlyMap<string, SyncRecord["videos"][number]>;
  /** The settings changed so that every video must be embedded again. */
  reembed: boolean;
}

export interface VideoClassification {
  /** Per video of the catalog: new to the index, changed (or unreadable now), or unchanged. */
  counts: { added: number; changed: number; unchanged: number };
  /** Unchanged videos whose rows are kept (none when `reembed`). */
  reused: Map<string, { video: CatalogVideo; part: VideoPart; source: SourceIdentity }>;
  /** Readable videos to decode and embed, in catalog order. */
  toEmbed: (CatalogVideo & { source: SourceIdentity })[];
}

/** Classifies `catalog` against `previous`; `sources` holds the identity of every readable video. */
export function classifyVideos(
  catalog: readonly CatalogVideo[],
  sources: ReadonlyMap<string, SourceIdentity>,
  previous: PreviousVideos,
): VideoClassification {
  const counts = { added: 0, changed: 0, unchanged: 0 };
  const reused: VideoClassification["reused"] = new Map();
  const toEmbed: VideoClassification["toEmbed"] = [];
  for (const video of catalog) {
    const source = sources.get(video.id);
    const old = previous.sources.get(video.id);
    const unchanged =
      old !== undefined &&
      source !== undefined &&
      old.location === video.location &&
      sameSource(old.source, source);
    if (!previous.parts.has(video.id)) counts.added++;
    else if (unchanged) counts.unchanged++;
    else counts.changed++;
    if (source === undefined) continue;
    const part = previous.parts.get(video.id);
    if (unchanged && part && !previous.reembed) reused.set(video.id, { video, part, source });
    else toEmbed.push({ ...video, source });
  }
  return { counts, reused, toEmbed };
}
