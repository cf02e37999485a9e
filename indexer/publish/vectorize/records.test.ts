// Vector ids, namespaces and metadata built from an index, checked against the worker's reader.
import { describe, expect, it } from "vitest";
import { keyOfVectorId, videoKey } from "../../../shared/vectorize-ids.ts";
import { fixtureIndex } from "../../../test/fixtures/factory.ts";
import { assembleIndex, splitIndex } from "../../index/assemble.ts";
import type { IndexData } from "../../index/index-data.ts";
import { recordHash } from "./ledger.ts";
import { buildVectorRecords, VECTORIZE_LIMITS } from "./records.ts";

const utf8 = new TextEncoder();

describe("buildVectorRecords", () => {
  it("names vectors deterministically by video, kind and position", async () => {
    const index = fixtureIndex({
      kind: "synthetic",
      videos: 2,
      dimension: 4,
      aggregations: ["mean", "kmeans:2"],
      segmentsPerVideo: 2,
      captionsPerVideo: 1,
    });
    const records = await buildVectorRecords(index);
    expect(records.map((r) => `${r.namespace} ${r.id}`)).toEqual([
      "video video-0.mp4",
      "video video-0.mp4#1",
      "video video-0.mp4#2",
      "segment video-0.mp4@0",
      "segment video-0.mp4@1",
      "video video-1.mp4",
      "video video-1.mp4#1",
      "video video-1.mp4#2",
      "segment video-1.mp4@0",
      "segment video-1.mp4@1",
      "caption caption:video-0.mp4@0",
      "caption caption:video-1.mp4@0",
    ]);
    expect(records[1].metadata).toEqual({
      videoId: "video-0.mp4",
      kind: "video",
      aggregation: "kmeans:2",
      title: "Video 0",
    });
    expect(records[4].metadata).toEqual({ videoId: "video-0.mp4", kind: "segment", startSec: 2, endSec: 4 });
    expect(records[11].metadata).toEqual({
      videoId: "video-1.mp4",
      kind: "caption",
      text: "caption 1 of video 1",
    });
    expect(Array.from(records[5].values)).toEqual(Array.from(index.vectors.subarray(5 * 4, 6 * 4)));
    expect((await buildVectorRecords(index)).map((r) => r.id)).toEqual(records.map((r) => r.id));
  });

  it("hashes long or ambiguous video ids and keeps the real id in metadata", async () => {
    const long = `library/${"very-long-folder-name/".repeat(4)}clip ü.mp4`;
    const ids = [long, "a#b.mp4", "a@b.mp4"];
    const records = await buildVectorRecords(
      fixtureIndex({
        kind: "synthetic",
        videos: 3,
        dimension: 4,
        ids,
        segmentsPerVideo: 1,
        aggregations: ["mean", "frame:3"],
      }),
    );
    for (const record of records) {
      expect(utf8.encode(record.id).length).toBeLessThanOrEqual(VECTORIZE_LIMITS.idBytes);
      expect(record.id).toMatch(/^sha1:[0-9a-f]{40}([#@]\d+)?$/);
    }
    expect(records.filter((r) => r.metadata.videoId === long)).toHaveLength(3);
  });

  it("produces ids the worker maps back to the video", async () => {
    const ids = ["short.mp4", `x/${"y".repeat(80)}.mp4`, "with#hash.mp4"];
    const records = await buildVectorRecords(
      fixtureIndex({
        kind: "synthetic",
        videos: 3,
        dimension: 4,
        ids,
        aggregations: ["mean", "kmeans:3"],
        segmentsPerVideo: 2,
      }),
    );
    for (const record of records) {
      expect(keyOfVectorId(record.id)).toBe(await videoKey(String(record.metadata.videoId)));
    }
    // The worker fetches a video's vector by its bare key.
    for (const id of ids)
      expect(records.some((r) => r.id === keyOfVectorId(r.id) && r.metadata.videoId === id)).toBe(true);
  });

  it("gives every video the same ids and metadata whatever else the index holds", async () => {
    // A sync that adds a video sorting first, or a shard beside the merged index: nothing of the
    // other videos may change (thumbnail paths included), or upload would re-send all of them.
    const shape = { dimension: 4, aggregations: ["mean"], segmentsPerVideo: 1, captionsPerVideo: 2, seed: 4 };
    const withThumbnails = (index: IndexData) => {
      const parts = splitIndex(index).map((p) => ({
        ...p,
        thumbnail: async () => new Uint8Array([0xff, 0xd8]),
      }));
      const { format: _f, formatVersion: _v, counts: _c, ...settings } = index.manifest;
      return assembleIndex(parts, settings);
    };
    const later = fixtureIndex({ kind: "synthetic", ...shape, videos: 3, ids: ["b.mp4", "c.mp4", "d.mp4"] });
    const first = fixtureIndex({ kind: "synthetic", ...shape, videos: 1, ids: ["a.mp4"] });
    const before = await buildVectorRecords(withThumbnails(later));
    const { format: _f, formatVersion: _v, counts: _c, ...settings } = later.manifest;
    const after = await buildVectorRecords(
      withThumbnails(assembleIndex([...splitIndex(first), ...splitIndex(later)], settings)),
    );
    const hashes = new Map(after.map((r) => [r.id, recordHash(r)]));
    for (const record of before) expect(hashes.get(record.id), record.id).toBe(recordHash(record));
    expect(before.find((r) => r.id === "b.mp4")?.metadata.thumbnail).toMatch(
      /^thumbnails\/[0-9a-f]{16}\.jpg$/,
    );
  });

  it("rejects two videos with the same id", async () => {
    const index = fixtureIndex({ kind: "synthetic", videos: 2, dimension: 4, ids: ["same.mp4", "same.mp4"] });
    await expect(buildVectorRecords(index)).rejects.toThrow(/share the id "same.mp4"/);
  });

  it("clips long titles so metadata stays small", async () => {
    const index = fixtureIndex({ kind: "synthetic", videos: 1, dimension: 4 });
    index.videos[0].title = "t".repeat(20_000);
    const [record] = await buildVectorRecords(index);
    expect(utf8.encode(JSON.stringify(record.metadata)).length).toBeLessThan(1024);
  });
});
