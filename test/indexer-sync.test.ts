// `index` as a sync, through the real CLI, ffmpeg and ONNX Runtime on the toy videos: add / change /
// remove then compare with a fresh build byte for byte; settings changes; the toy videos' own captions under
// the id rule; and the safety refusals (mass removal, foreign --out, unrelated files, manifest as
// <videos>, unmatched captions, failed runs, leftover temp folders).
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IndexSummary } from "../indexer/index/index-library.ts";
import { readIndex } from "../indexer/index/reader.ts";
import {
  copyToyVideo,
  indexFiles,
  makeToyFixture,
  runCli,
  type ToyFixture,
  toyIndexOptions,
  toyModelOptions,
  toyVideoName,
} from "./indexer-fixtures.ts";

let dir = "";
let toy: ToyFixture;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "indexer-sync-"));
  // The toy videos' default set: 12 videos, 24 captions (what `generate toy-videos` writes).
  toy = await makeToyFixture(dir, 12);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A library folder holding toy videos `numbers` (copies, so they can be changed and removed). */
async function makeLibrary(path: string, numbers: number[]): Promise<string> {
  await mkdir(path, { recursive: true });
  for (const n of numbers) await copyToyVideo(toy, n, path);
  return path;
}

const options = (extra: string[] = []) => toyIndexOptions(toy, ["--allow-unmatched", ...extra]);

async function index(videos: string, out: string, extra: string[] = []) {
  const run = await runCli(["index", videos, "--out", out, ...options(extra), "--json"]);
  const summary = run.code === 2 ? null : (JSON.parse(run.stdout) as IndexSummary);
  return { ...run, summary };
}

describe("the toy demo files", () => {
  it("keep all 24 captions: captions name videos by the id rule (toy-01.mp4 -> toy-01)", async () => {
    const out = join(dir, "toy-index");
    const run = await runCli(["index", toy.videos, "--out", out, ...toyModelOptions(toy), "--json"]);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as IndexSummary;
    expect(summary.captions).toEqual({ stored: 24, reused: 0, notIndexed: 0, unmatched: 0 });
    const index = await readIndex(out);
    expect(index.videos.map((v) => v.id)).toEqual(Array.from({ length: 12 }, (_, i) => toyVideoName(i + 1)));
    expect(index.captions).toHaveLength(24);
  });

  it("refuses captions naming no video, naming them, unless --allow-unmatched", async () => {
    const lib = await makeLibrary(join(dir, "few"), [1, 2]);
    const args = ["index", lib, "--model", toy.model, "--out", join(dir, "few-index")];
    const refused = await runCli([...args, "--captions", toy.captions]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error: 10 caption video ids of .*captions.csv match no video of the library \(toy-03, toy-04, toy-05, toy-06, toy-07 and 5 more\); .*--allow-unmatched/,
    );
    expect(await readdir(dir)).not.toContain("few-index");
    const allowed = await runCli([...args, "--captions", toy.captions, "--allow-unmatched"]);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/20 captions name no video and were left out/);
  });

  it("takes manifest.csv given as <videos> as the manifest; refuses it given twice", async () => {
    const out = join(dir, "from-manifest");
    const run = await runCli(["index", toy.manifest, "--model", toy.model, "--out", out]);
    expect(run.code).toBe(0);
    const index = await readIndex(out);
    expect(index.videos).toHaveLength(12);
    expect(index.videos[0]).toMatchObject({ id: "toy-01", title: "green square" });
    const twice = await runCli([
      "index",
      toy.manifest,
      "--manifest",
      toy.manifest,
      "--model",
      toy.model,
      "--out",
      join(dir, "twice"),
    ]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/is a manifest and --manifest is given too/);
  });

  it("refuses manifest rows naming no video", async () => {
    const manifest = join(dir, "extra-manifest.csv");
    await writeFile(
      manifest,
      "id,path,title\nfirst,toy/videos/toy-01.mp4,First\nlost,toy/videos/nope.mp4,Lost\n",
    );
    const args = [
      "index",
      toy.videos,
      "--manifest",
      manifest,
      "--model",
      toy.model,
      "--out",
      join(dir, "extra"),
    ];
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: 1 rows of .*extra-manifest.csv match no video of the library \(toy\/videos\/nope.mp4\)/,
    );
    const allowed = await runCli([...args, "--allow-unmatched"]);
    expect(allowed.code).toBe(0);
    expect(allowed.stderr).toMatch(/1 manifest rows name no video and were left out/);
    expect((await readIndex(join(dir, "extra"))).videos[0]).toMatchObject({ id: "first", title: "First" });
  });
});

describe("sync", () => {
  let lib = "";
  let synced = "";
  beforeAll(async () => {
    lib = await makeLibrary(join(dir, "lib"), [1, 2, 3, 4, 5, 6, 7, 8]);
    synced = join(dir, "synced");
    const first = await index(lib, synced);
    expect(first.code, first.stderr).toBe(0);
    expect(first.summary?.sync).toMatchObject({ added: 8, changed: 0, removed: 0, unchanged: 0, reused: 0 });
  });

  it("embeds only added and changed videos, drops removed ones, and equals a fresh build", async () => {
    await copyToyVideo(toy, 9, lib);
    await copyToyVideo(toy, 10, lib);
    await copyToyVideo(toy, 11, lib, 3); // changed content
    await rm(join(lib, `${toyVideoName(5)}.mp4`));
    const sync = await index(lib, synced);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.summary?.sync).toEqual({
      added: 2,
      changed: 1,
      removed: 1,
      unchanged: 6,
      reused: 6,
      reembedReason: null,
      removedIds: [toyVideoName(5)],
    });
    expect(sync.stderr).toMatch(
      /sync: 2 added, 1 changed, 1 removed, 6 unchanged \(6 kept without decoding\)/,
    );
    const index9 = await readIndex(synced);
    const framesOf = (ids: string[]) =>
      index9.videos.filter((v) => ids.includes(v.id)).reduce((n, v) => n + v.frames, 0);
    // Only the three new or changed videos were decoded and embedded.
    expect(sync.summary?.frames).toBe(framesOf([toyVideoName(3), toyVideoName(9), toyVideoName(10)]));
    // Captions are reused by text (a text's vector depends on the text alone), the changed video's too.
    expect(sync.summary?.captions.reused).toBe(14);

    const fresh = join(dir, "fresh");
    expect((await index(lib, fresh)).code).toBe(0);
    expect(await indexFiles(synced)).toEqual(await indexFiles(fresh));
  });

  it("re-embeds everything when an aggregation is added and says why; keeps vectors when one is dropped", async () => {
    const more = ["--aggregate", "mean", "--aggregate", "kmeans:2"];
    const added = await index(lib, synced, more);
    expect(added.code).toBe(0);
    expect(added.summary?.sync.reembedReason).toBe("aggregations added (kmeans:2)");
    expect(added.summary?.sync.reused).toBe(0);
    expect(added.stderr).toMatch(/re-embedded every video: aggregations added \(kmeans:2\)/);
    const freshMore = join(dir, "fresh-more");
    expect((await index(lib, freshMore, more)).code).toBe(0);
    expect(await indexFiles(synced)).toEqual(await indexFiles(freshMore));

    const fewer = await index(lib, synced, ["--aggregate", "kmeans:2"]);
    expect(fewer.summary?.sync).toMatchObject({ reused: 9, reembedReason: null });
    expect(fewer.summary?.frames).toBe(0);
    const freshFewer = join(dir, "fresh-fewer");
    expect((await index(lib, freshFewer, ["--aggregate", "kmeans:2"])).code).toBe(0);
    expect(await indexFiles(synced)).toEqual(await indexFiles(freshFewer));

    const sampling = await index(lib, synced, ["--sample", "fps:3"]);
    expect(sampling.summary?.sync.reembedReason).toMatch(
      /^sampling changed \(fps:2 -> fps:3\); aggregations added \(mean\)$/,
    );
    // Back to the defaults of the other tests.
    expect((await index(lib, synced)).code).toBe(0);
  });

  it("follows a symlinked folder (ids through the link)", async () => {
    const linked = join(dir, "linked-lib");
    await mkdir(linked);
    await symlink(lib, join(linked, "shelf"));
    const out = join(dir, "linked-index");
    const run = await index(linked, out, ["--shard", "1/2"]);
    expect(run.code, run.stderr).toBe(0);
    expect((await readIndex(out)).videos.every((v) => v.id.startsWith("shelf/"))).toBe(true);
  });

  it("stops a sync that would remove more than half of the index unless --prune", async () => {
    const before = await indexFiles(synced);
    const small = await makeLibrary(join(dir, "small"), [1, 2, 3]);
    const refused = await index(small, synced);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error: this run would remove 6 of the 9 videos of .*synced \(toy-04, toy-06, toy-07, toy-08, toy-09 and 1 more\); check <videos>, or pass --prune/,
    );
    const empty = join(dir, "empty-lib");
    await mkdir(empty);
    const none = await index(empty, synced, ["--prune"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error: no videos found/);
    expect(await indexFiles(synced)).toEqual(before);

    const copy = join(dir, "to-prune");
    expect((await index(lib, copy)).code).toBe(0);
    const pruned = await index(small, copy, ["--prune"]);
    expect(pruned.code).toBe(0);
    // The small library's files are new copies (new mtimes): changed, re-embedded.
    expect(pruned.summary?.sync).toMatchObject({ removed: 6, changed: 3, unchanged: 0 });
    expect((await readIndex(copy)).videos.map((v) => v.id)).toEqual([
      toyVideoName(1),
      toyVideoName(2),
      toyVideoName(3),
    ]);
  });

  it("never touches an --out that is not an index, or an index holding other files", async () => {
    const foreign = join(dir, "my-videos");
    await makeLibrary(foreign, [1]);
    const refused = await index(lib, foreign);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing to replace .*my-videos: it is not an index directory/);
    expect(await readdir(foreign)).toEqual([`${toyVideoName(1)}.mp4`]);
    expect(await readdir(dir)).not.toContain("my-videos.work");

    await writeFile(join(synced, "notes.txt"), "mine");
    const before = await indexFiles(synced);
    const withNotes = await index(lib, synced);
    expect(withNotes.code).toBe(2);
    expect(withNotes.stderr).toMatch(/it holds files that are not part of the index \(notes.txt\)/);
    expect(await indexFiles(synced)).toEqual(before);
    await rm(join(synced, "notes.txt"));
  });

  it("keeps the good index when a run fails, and cleans temp folders a killed run left", async () => {
    const before = await indexFiles(synced);
    await copyToyVideo(toy, 12, lib);
    await mkdir(join(dir, ".synced.tmp-999999"));
    await writeFile(join(dir, ".synced.tmp-999999", "vectors.npy"), "half written");
    const failed = await index(lib, synced, ["--device", "cuda"]);
    expect(failed.code).toBe(2);
    expect(await indexFiles(synced)).toEqual(before);
    expect(await readdir(dir)).not.toContain(".synced.tmp-999999");
    const ok = await index(lib, synced);
    expect(ok.summary?.sync).toMatchObject({ added: 1, unchanged: 9 });
    expect(JSON.parse(await readFile(join(synced, "sync.json"), "utf8")).videos).toHaveLength(10);
  });
});
