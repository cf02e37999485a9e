// classifyVideos: new, changed (moved, other identity, unreadable now) and unchanged videos; unchanged ones
// keep their rows unless the settings force re-embedding.
import { describe, expect, it } from "vitest";
import type { CatalogVideo } from "../discover/manifest-file.ts";
import type { VideoPart } from "./assemble.ts";
import { classifyVideos } from "./sync-videos.ts";
import type { SourceIdentity } from "./video-result.ts";

const video = (id: string, location = `${id}.mp4`): CatalogVideo => ({
  id,
  path: `/lib/${location}`,
  location,
  title: id,
  url: null,
});
const identity = (sizeBytes: number): SourceIdentity => ({ sizeBytes, mtimeMs: 1000 });
const part = (id: string) => ({ video: { id } }) as unknown as VideoPart;

describe("classifyVideos", () => {
  const catalog = [
    video("kept"),
    video("moved", "elsewhere/moved.mp4"),
    video("edited"),
    video("gone"),
    video("new"),
  ];
  const sources = new Map([
    ["kept", identity(1)],
    ["moved", identity(2)],
    ["edited", identity(30)],
    ["new", identity(5)],
  ]);
  const previous = {
    parts: new Map(["kept", "moved", "edited", "gone"].map((id) => [id, part(id)])),
    sources: new Map(
      [
        { id: "kept", location: "kept.mp4", source: identity(1) },
        { id: "moved", location: "moved.mp4", source: identity(2) },
        { id: "edited", location: "edited.mp4", source: identity(3) },
        { id: "gone", location: "gone.mp4", source: identity(4) },
      ].map((v) => [v.id, v]),
    ),
    reembed: false,
  };

  it("counts each catalog video once and embeds every readable video that is not unchanged", () => {
    const { counts, reused, toEmbed } = classifyVideos(catalog, sources, previous);
    // "gone" is in the catalog but unreadable now: changed, and neither kept nor embedded.
    expect(counts).toEqual({ added: 1, changed: 3, unchanged: 1 });
    expect([...reused.keys()]).toEqual(["kept"]);
    expect(reused.get("kept")?.part).toBe(previous.parts.get("kept"));
    expect(toEmbed.map((v) => [v.id, v.source.sizeBytes])).toEqual([
      ["moved", 2],
      ["edited", 30],
      ["new", 5],
    ]);
  });

  it("keeps no rows when the settings force re-embedding (counts unchanged)", () => {
    const { counts, reused, toEmbed } = classifyVideos(catalog, sources, { ...previous, reembed: true });
    expect(counts).toEqual({ added: 1, changed: 3, unchanged: 1 });
    expect(reused.size).toBe(0);
    expect(toEmbed.map((v) => v.id)).toEqual(["kept", "moved", "edited", "new"]);
  });
});
