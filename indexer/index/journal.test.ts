// The resume journal: records round-trip exactly, truncations and old formats are refused, a changed source or stale temp file is ignored.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decodeResult, encodeResult, Journal, settingsKey } from "./journal.ts";
import type { VideoResult } from "./video-result.ts";

const result: VideoResult = {
  id: "dir/clip 1.mp4",
  title: "clip 1",
  url: null,
  durationSec: 4.5,
  fps: 25,
  width: 640,
  height: 360,
  frames: 5,
  source: { sizeBytes: 1234, mtimeMs: 1700000000000.5 },
  rows: [
    { aggregation: 0, startSec: 0, endSec: 4.5 },
    { aggregation: -1, startSec: 0, endSec: 4, thumbnail: Uint8Array.from([0xff, 0xd8, 0xff, 0xd9, 9, 9]) },
  ],
  vectors: Float32Array.from([0.6, 0.8, -1, 1e-30]),
  thumbnail: Uint8Array.from([0xff, 0xd8, 0xff, 0xd9, 7]),
};

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("journal records", () => {
  it("round-trip exactly", () => {
    expect(decodeResult(concat(encodeResult(result)))).toEqual(result);
    const noVideoThumbnail = decodeResult(concat(encodeResult({ ...result, thumbnail: null })));
    expect(noVideoThumbnail?.thumbnail).toBeNull();
    // The moment thumbnails are found after the video's, whether or not it has one.
    expect(noVideoThumbnail?.rows).toEqual(result.rows);
  });

  it("reads a record of the format before moment thumbnails (CVJ1) as absent, so the video is redone", () => {
    const bytes = concat(encodeResult(result));
    bytes.set(new TextEncoder().encode("CVJ1"), 0);
    expect(decodeResult(bytes)).toBeNull();
  });

  it("reject every truncation", () => {
    const bytes = concat(encodeResult(result));
    for (let n = 0; n < bytes.length; n++) expect(decodeResult(bytes.subarray(0, n))).toBeNull();
  });
});

describe("Journal", () => {
  it("stores, reloads, and ignores a changed source file or stale temp files", async () => {
    dir = await mkdtemp(join(tmpdir(), "journal-"));
    const work = join(dir, settingsKey({ sampling: "fps:1" }));
    await writeFile(join(dir, "x"), "");
    const journal = await Journal.open(work, { sampling: "fps:1" });
    await journal.save(result);
    await writeFile(join(work, "half.video.123.0.tmp"), "partial");
    const reopened = await Journal.open(work, { sampling: "fps:1" });
    expect(await reopened.count()).toBe(1);
    expect((await readdir(work)).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    expect(await reopened.load(result.id, result.source)).toEqual(result);
    expect(await reopened.load(result.id, { ...result.source, sizeBytes: 1 })).toBeNull();
    expect(await reopened.load("other", result.source)).toBeNull();
    expect(JSON.parse(await readFile(join(work, "settings.json"), "utf8"))).toEqual({ sampling: "fps:1" });
  });

  it("keys settings by content", () => {
    expect(settingsKey({ a: 1 })).toBe(settingsKey({ a: 1 }));
    expect(settingsKey({ a: 1 })).not.toBe(settingsKey({ a: 2 }));
  });
});
