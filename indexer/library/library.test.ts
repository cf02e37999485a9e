// Discovery, manifest and shard assignment on a small temp library.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { discoverVideos } from "./discover.ts";
import { applyManifest, parseManifest } from "./manifest-file.ts";
import { inShard, parseShard, shardOf } from "./shard.ts";

let root = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "library-"));
  for (const name of ["b.mp4", "a/c.MKV", "a/notes.txt", ".hidden/x.mp4", "z.webm"]) {
    await mkdir(join(root, name, ".."), { recursive: true });
    await writeFile(join(root, name), "");
  }
  await writeFile(join(root, "list.txt"), "# my videos\nz.webm\n\na/c.MKV\n");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("discoverVideos", () => {
  it("walks a directory by extension, ids relative and sorted", async () => {
    const library = await discoverVideos(root);
    expect(library.videos.map((v) => v.id)).toEqual(["a/c.MKV", "b.mp4", "z.webm"]);
    expect(library.videos[1].path).toBe(join(root, "b.mp4"));
  });

  it("reads a list file relative to itself", async () => {
    const library = await discoverVideos(join(root, "list.txt"));
    expect(library.root).toBe(root);
    expect(library.videos.map((v) => v.id)).toEqual(["a/c.MKV", "z.webm"]);
  });

  it("says what to do when the input is missing", async () => {
    await expect(discoverVideos(join(root, "nope"))).rejects.toThrow(/give a directory or a list file/);
  });
});

describe("manifest", () => {
  it("gives ids, titles and urls from CSV and JSON", async () => {
    const library = await discoverVideos(root);
    const csv = parseManifest(
      'id,path,title,url\nvideo-7,b.mp4,"Bee, movie",https://x/7\n,missing.mp4,,\n',
      "m.csv",
    );
    const { videos, unmatched } = applyManifest(library, csv, root);
    expect(videos.map((v) => [v.id, v.title, v.url])).toEqual([
      ["a/c.MKV", "c", null],
      ["video-7", "Bee, movie", "https://x/7"],
      ["z.webm", "z", null],
    ]);
    expect(unmatched).toEqual(["missing.mp4"]);
    const json = parseManifest(JSON.stringify([{ id: "a/c.MKV", path: "z.webm" }]), "m.json");
    expect(() => applyManifest(library, json, root)).toThrow(/two videos have the id "a\/c.MKV"/);
  });

  it("rejects a table without a path column", () => {
    expect(() => parseManifest("id,title\n1,2\n", "m.csv")).toThrow(/"path" column/);
  });
});

describe("shards", () => {
  it("parses i/n and splits ids into disjoint covering shards", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "1", "a/b"]) expect(() => parseShard(bad)).toThrow(/--shard/);
    const ids = Array.from({ length: 200 }, (_, i) => `video${i}.mp4`);
    const owners = ids.map((id) => [1, 2, 3].filter((index) => inShard(id, { index, count: 3 })));
    expect(owners.every((o) => o.length === 1)).toBe(true);
    const sizes = [1, 2, 3].map((s) => owners.filter((o) => o[0] === s).length);
    expect(Math.min(...sizes)).toBeGreaterThan(40);
    expect(shardOf("video1.mp4", 3)).toBe(shardOf("video1.mp4", 3));
  });
});
