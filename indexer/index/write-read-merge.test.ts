// Writer, reader, assemble/split and merge on a small synthetic index.
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createPrng } from "../../shared/prng.ts";
import { l2NormalizeRowsInPlace } from "../../shared/vectors.ts";
import { assembleIndex, splitIndex, type VideoPart } from "./assemble.ts";
import { mergeIndexes } from "./merge.ts";
import { readIndex } from "./reader.ts";
import { recoverInterruptedWrite, thumbnailStem, writeIndexAtomically } from "./writer.ts";

const D = 4;
const SETTINGS = {
  model: { id: "test/model", dimension: D },
  sampling: "fps:1",
  aggregations: ["mean", "kmeans:2"],
  segmentSeconds: 4,
  dtype: "float32" as const,
  createdAt: "2026-01-01T00:00:00.000Z",
};

function part(id: string, rows: number, captions: string[], seed: number): VideoPart {
  const prng = createPrng(seed);
  const random = () => prng.next();
  // Unit rows, as the index contract requires of every stored vector.
  const vector = () =>
    l2NormalizeRowsInPlace(
      Float32Array.from({ length: D }, () => random() * 2 - 1),
      D,
    );
  return {
    video: { id, title: id, url: null, durationSec: 6, fps: 25, width: 64, height: 48, frames: 6 },
    // Segment rows carry moment thumbnails, as bytes (from the pipeline) or readers (from an index on disk).
    rows: Array.from({ length: rows }, (_, r) => ({
      aggregation: r === 0 ? 0 : -1,
      startSec: r,
      endSec: r + 4,
      thumbnail:
        r === 0
          ? null
          : r % 2 === 1
            ? new TextEncoder().encode(`moment ${r} of ${id}`)
            : async () => new TextEncoder().encode(`moment ${r} of ${id}`),
    })),
    vectors: l2NormalizeRowsInPlace(
      Float32Array.from({ length: rows * D }, () => random()),
      D,
    ),
    thumbnail: async () => new TextEncoder().encode(`jpeg of ${id}`),
    captions: captions.map((text) => ({ text, vector: vector() })),
  };
}

const PARTS = [
  part("b.mp4", 3, ["b one", "b two"], 1),
  part("a.mp4", 1, [], 2),
  part("c/d.mp4", 2, ["d"], 3),
];

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function filesOf(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[path.slice(root.length + 1)] = (await readFile(path)).toString("base64");
  }
  return out;
}

describe("index store", () => {
  it("lays videos out by id and reads back what it wrote", async () => {
    dir = await mkdtemp(join(tmpdir(), "index-write-read-"));
    const data = assembleIndex(PARTS, SETTINGS);
    expect(data.videos.map((v) => v.id)).toEqual(["a.mp4", "b.mp4", "c/d.mp4"]);
    expect(data.rows.video).toEqual([0, 1, 1, 1, 2, 2]);
    expect(data.captions).toEqual([
      { video: 1, text: "b one" },
      { video: 1, text: "b two" },
      { video: 2, text: "d" },
    ]);
    const out = join(dir, "index");
    await writeIndexAtomically(out, data);
    const back = await readIndex(out);
    expect(back.manifest).toEqual(data.manifest);
    expect(back.vectors).toEqual(data.vectors);
    expect(back.captionVectors).toEqual(data.captionVectors);
    const videosOnly = await readIndex(out, { captions: false });
    expect(videosOnly.vectors).toEqual(data.vectors);
    expect([videosOnly.captions, videosOnly.captionVectors.length]).toEqual([[], 0]);
    expect(new TextDecoder().decode((await back.thumbnails[2]()) ?? new Uint8Array())).toBe(
      "jpeg of c/d.mp4",
    );
    // Thumbnails are named by the video id's hash (thumbnailStem), not by position: <stem>.jpg, and
    // <stem>-<row of the video>.jpg for moments (null for the mean rows).
    const b = thumbnailStem("b.mp4");
    const d = thumbnailStem("c/d.mp4");
    expect(b).toMatch(/^[0-9a-f]{16}$/);
    expect(back.videos.map((v) => v.thumbnail)).toEqual(
      data.videos.map((v) => (v.thumbnail === null ? null : `thumbnails/${thumbnailStem(v.id)}.jpg`)),
    );
    expect(back.rows.thumbnail).toEqual([
      null,
      null,
      `thumbnails/${b}-1.jpg`,
      `thumbnails/${b}-2.jpg`,
      null,
      `thumbnails/${d}-1.jpg`,
    ]);
    expect(new TextDecoder().decode((await back.rowThumbnails?.[3]?.()) ?? new Uint8Array())).toBe(
      "moment 2 of b.mp4",
    );
    expect(back.manifest.formatVersion).toBe(2);
    expect(splitIndex(back).map((p) => p.video.id)).toEqual(["a.mp4", "b.mp4", "c/d.mp4"]);
    expect(await readdir(dir)).toEqual(["index"]);
  });

  it("replaces an existing index and leaves no temp dirs", async () => {
    dir = await mkdtemp(join(tmpdir(), "index-write-read-"));
    const out = join(dir, "index");
    await writeIndexAtomically(out, assembleIndex(PARTS, SETTINGS));
    await writeIndexAtomically(out, assembleIndex(PARTS.slice(0, 1), SETTINGS));
    expect(await readdir(dir)).toEqual(["index"]);
    expect((await readIndex(out)).videos.map((v) => v.id)).toEqual(["b.mp4"]);
  });

  it("refuses to replace an index holding files it did not write, and touches nothing", async () => {
    dir = await mkdtemp(join(tmpdir(), "index-write-read-"));
    const out = join(dir, "index");
    await writeIndexAtomically(out, assembleIndex(PARTS, SETTINGS));
    await writeFile(join(out, "notes.txt"), "mine");
    await writeFile(join(out, "thumbnails", "cover.png"), "mine too");
    const before = await filesOf(out);
    await expect(writeIndexAtomically(out, assembleIndex(PARTS.slice(0, 1), SETTINGS))).rejects.toThrow(
      /refusing to replace .*index: it holds files that are not part of the index \(notes.txt, thumbnails\/cover.png\)/,
    );
    expect(await filesOf(out)).toEqual(before);
    expect(await readdir(dir)).toEqual(["index"]);
  });

  it("repairs what a killed write left: the old index put back, temp folders removed", async () => {
    dir = await mkdtemp(join(tmpdir(), "index-write-read-"));
    const out = join(dir, "index");
    await writeIndexAtomically(out, assembleIndex(PARTS, SETTINGS));
    const good = await filesOf(out);
    // Killed between "old index moved away" and "new index moved in" (pid 999999 is not running).
    await rename(out, join(dir, ".index.old-999999"));
    await mkdir(join(dir, ".index.tmp-999999"));
    await writeFile(join(dir, ".index.tmp-999999", "vectors.npy"), "half");
    await mkdir(join(dir, ".other.tmp-999999")); // another index's: not ours to touch
    const cleaned = await recoverInterruptedWrite(out);
    expect(cleaned.map((p) => p.slice(dir.length + 1))).toEqual([".index.old-999999", ".index.tmp-999999"]);
    expect((await readdir(dir)).sort()).toEqual([".other.tmp-999999", "index"]);
    expect(await filesOf(out)).toEqual(good);
    // A leftover old index beside a present one is removed.
    await mkdir(join(dir, ".index.old-999998"));
    await writeIndexAtomically(out, assembleIndex(PARTS, SETTINGS));
    expect((await readdir(dir)).sort()).toEqual([".other.tmp-999999", "index"]);
  });

  it("never replaces a directory that is not an index", async () => {
    dir = await mkdtemp(join(tmpdir(), "index-write-read-"));
    const out = join(dir, "my-videos");
    await mkdir(out);
    await writeFile(join(out, "holiday.mp4"), "precious");
    await expect(writeIndexAtomically(out, assembleIndex(PARTS, SETTINGS))).rejects.toThrow(
      /refusing to replace .*my-videos: it is not an index directory/,
    );
    expect(await readdir(out)).toEqual(["holiday.mp4"]);
    expect(await readdir(dir)).toEqual(["my-videos"]);
  });

  it("stores float16 and widens it back", async () => {
    dir = await mkdtemp(join(tmpdir(), "index-write-read-"));
    const out = join(dir, "index");
    const data = assembleIndex(PARTS, { ...SETTINGS, dtype: "float16" });
    await writeIndexAtomically(out, data);
    const back = await readIndex(out);
    const bytes = await readFile(join(out, "vectors.npy"));
    expect(bytes.length).toBe(128 + data.vectors.length * 2);
    for (let i = 0; i < data.vectors.length; i++) expect(back.vectors[i]).toBeCloseTo(data.vectors[i], 3);
  });

  it("merges shards into the same files as one index", async () => {
    dir = await mkdtemp(join(tmpdir(), "index-write-read-"));
    await writeIndexAtomically(join(dir, "full"), assembleIndex(PARTS, SETTINGS));
    await writeIndexAtomically(join(dir, "s1"), assembleIndex([PARTS[0]], SETTINGS));
    await writeIndexAtomically(join(dir, "s2"), assembleIndex([PARTS[2], PARTS[1]], SETTINGS));
    const shards = [await readIndex(join(dir, "s2")), await readIndex(join(dir, "s1"))];
    await writeIndexAtomically(join(dir, "merged"), mergeIndexes(shards, ["s2", "s1"], SETTINGS.createdAt));
    const merged = await filesOf(join(dir, "merged"));
    expect(merged).toEqual(await filesOf(join(dir, "full")));
    // The moment thumbnails came along, under the same names as in the shards (named by video id).
    const momentNames = Object.keys(merged).filter((name) =>
      /^thumbnails\/[0-9a-f]{16}-\d+\.jpg$/.test(name),
    );
    expect(momentNames).toHaveLength(3);
    const shardNames = [
      ...Object.keys(await filesOf(join(dir, "s1"))),
      ...Object.keys(await filesOf(join(dir, "s2"))),
    ];
    for (const name of momentNames) expect(shardNames).toContain(name);
  });

  it("refuses to merge shards built with other options, or holding the same video", async () => {
    dir = await mkdtemp(join(tmpdir(), "index-write-read-"));
    await writeIndexAtomically(join(dir, "s1"), assembleIndex([PARTS[0]], SETTINGS));
    await writeIndexAtomically(
      join(dir, "s2"),
      assembleIndex([PARTS[1]], { ...SETTINGS, sampling: "fps:2" }),
    );
    const [s1, s2] = [await readIndex(join(dir, "s1")), await readIndex(join(dir, "s2"))];
    expect(() => mergeIndexes([s1, s2], ["s1", "s2"], "")).toThrow(
      /s2 has sampling "fps:2" but s1 has "fps:1"/,
    );
    expect(() => mergeIndexes([s1, s1], ["s1", "s1b"], "")).toThrow(/appears twice/);
  });
});
