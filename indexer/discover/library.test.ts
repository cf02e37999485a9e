// Discovery, the id rule, manifest and shard assignment on a small temp library.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../shared/errors.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { readCaptionsFile } from "./captions-file.ts";
import { discoverVideos } from "./discover.ts";
import { applyManifest, parseManifest } from "./manifest-file.ts";
import { inShard, parseShard, resolveShard, shardOf, shardSetProblem } from "./shard.ts";
import { resolveVideoRefs, videoIdOfPath, videoIdOfUrl } from "./video-id.ts";

let root = "";
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "library-"));
  for (const name of ["b.mp4", "a/c.MKV", "a/notes.txt", ".hidden/x.mp4", "z.webm", "d/e.f.avi"]) {
    await mkdir(join(root, name, ".."), { recursive: true });
    await writeFile(join(root, name), "");
  }
  await writeFile(
    join(root, "list.txt"),
    "# my videos\nz.webm\n\na/c.MKV\nhttps://cdn.example/clips/q%20r.mp4?sig=1\n",
  );
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the id rule", () => {
  it("is the path relative to the root without the extension; a URL's path", () => {
    expect(["a.mp4", "clips/a.mp4", "x/b.c.avi", ".hidden", "noext", "d.ir/v"].map(videoIdOfPath)).toEqual([
      "a",
      "clips/a",
      "x/b.c",
      ".hidden",
      "noext",
      "d.ir/v",
    ]);
    expect(videoIdOfUrl("https://h:8080/v/a%20b.mp4?sig=x#t")).toBe("v/a b");
  });

  it("resolves references by id or by a unique last segment; refuses an ambiguous one", () => {
    const ids = ["toy-01", "movie/clip.1", "a/x", "b/x"];
    const resolved = resolveVideoRefs(ids, ["toy-01", "clip.1", "movie/clip.1", "nope", "toy-01.mp4"]);
    expect([...resolved.ids]).toEqual([
      ["toy-01", "toy-01"],
      ["clip.1", "movie/clip.1"],
      ["movie/clip.1", "movie/clip.1"],
    ]);
    expect(resolved.unmatched).toEqual(["nope", "toy-01.mp4"]);
    expect(() => resolveVideoRefs(ids, ["x"])).toThrow(/"x" could be any of a\/x, b\/x/);
  });
});

describe("discoverVideos", () => {
  it("walks a directory by extension, ids relative without extension and sorted", async () => {
    const library = await discoverVideos(root);
    expect(library.videos.map((v) => v.id)).toEqual(["a/c", "b", "d/e.f", "z"]);
    expect(library.videos[1]).toEqual({ id: "b", path: join(root, "b.mp4"), location: "b.mp4" });
    expect(library.manifest).toBeNull();
  });

  it("reads a list file of paths and URLs relative to itself", async () => {
    const library = await discoverVideos(join(root, "list.txt"));
    expect(library.root).toBe(root);
    expect(library.videos.map((v) => [v.id, v.location])).toEqual([
      ["a/c", "a/c.MKV"],
      ["clips/q r", "https://cdn.example/clips/q%20r.mp4?sig=1"],
      ["z", "z.webm"],
    ]);
    expect(library.videos[1].path).toBe("https://cdn.example/clips/q%20r.mp4?sig=1");
  });

  it("follows symlinked files and folders, and notes a cycle instead of looping", async () => {
    const lib = await mkdtemp(join(tmpdir(), "library-links-"));
    await mkdir(join(lib, "real", "inner"), { recursive: true });
    await writeFile(join(lib, "real", "inner", "v.mp4"), "");
    await symlink(join(root, "b.mp4"), join(lib, "linked.mp4"));
    await symlink(join(root, "a"), join(lib, "elsewhere"));
    await symlink(join(lib, "real"), join(lib, "real", "inner", "loop")); // back to an ancestor
    await symlink(join(lib, "missing.mp4"), join(lib, "broken.mp4"));
    const library = await discoverVideos(lib);
    expect(library.videos.map((v) => v.id)).toEqual(["broken", "elsewhere/c", "linked", "real/inner/v"]);
    expect(library.videos.find((v) => v.id === "linked")?.path).toBe(join(lib, "linked.mp4"));
    expect(library.notes).toEqual([
      expect.stringMatching(/^real\/inner\/loop: links to a folder already walked/),
    ]);
    await rm(lib, { recursive: true, force: true });
  });

  it("takes a manifest given as <videos> as the manifest, not as a list of paths", async () => {
    await writeFile(join(root, "manifest.csv"), "id,path,title\nbee,b.mp4,Bee\n,z.webm,\n");
    const library = await discoverVideos(join(root, "manifest.csv"));
    expect(library.videos.map((v) => v.location)).toEqual(["b.mp4", "z.webm"]);
    expect(library.manifest?.map((e) => e.id)).toEqual(["bee", undefined]);
    const { videos, unmatched } = applyManifest(library, library.manifest ?? [], root);
    expect(videos.map((v) => [v.id, v.title])).toEqual([
      ["bee", "Bee"],
      ["z", "z"],
    ]);
    expect(unmatched).toEqual([]);
    // No .csv name, but a header naming "path": still a manifest.
    await writeFile(join(root, "videos.list"), "path,title\nb.mp4,B\n");
    expect((await discoverVideos(join(root, "videos.list"))).manifest).toHaveLength(1);
  });

  it("says what to do when the input is missing", async () => {
    await expect(discoverVideos(join(root, "nope"))).rejects.toThrow(/give a directory or a list file/);
  });
});

describe("manifest", () => {
  it("gives ids, titles and urls from CSV and JSON; unmatched rows are returned; clashes refused", async () => {
    const library = await discoverVideos(root);
    const csv = parseManifest(
      'id,path,title,url\nvideo-7,b.mp4,"Bee, movie",https://x/7\n,missing.mp4,,\n',
      "m.csv",
    );
    const { videos, unmatched } = applyManifest(library, csv, root);
    expect(videos.map((v) => [v.id, v.title, v.url])).toEqual([
      ["a/c", "c", null],
      ["d/e.f", "e.f", null],
      ["video-7", "Bee, movie", "https://x/7"],
      ["z", "z", null],
    ]);
    expect(unmatched).toEqual(["missing.mp4"]);
    const json = parseManifest(JSON.stringify([{ id: "a/c", path: "z.webm" }]), "m.json");
    expect(() => applyManifest(library, json, root)).toThrow(
      /two videos have the id "a\/c" \(.*a\/c.MKV and .*z.webm\)/,
    );
  });

  it("rejects a table without a path column", () => {
    expect(() => parseManifest("id,title\n1,2\n", "m.csv")).toThrow(/"path" column/);
  });
});

describe.skipIf(!hasSharedData)(
  `real captions files (${hasSharedData ? "present" : SHARED_DATA_SKIP_REASON})`,
  () => {
    it("MSR-VTT's annotation file as --captions names videos by the id rule (video9770.mp4 -> video9770)", async () => {
      const captions = await readCaptionsFile(sharedPath("datasets", "msrvtt", "MSRVTT_JSFUSION_test.csv"));
      expect(captions).toHaveLength(1000);
      const ids = [...new Set(captions.map((c) => c.videoId))];
      const lib = await mkdtemp(join(tmpdir(), "library-msrvtt-"));
      for (const id of ids) await writeFile(join(lib, `${id}.mp4`), "");
      const library = await discoverVideos(lib);
      const resolved = resolveVideoRefs(
        library.videos.map((v) => v.id),
        captions.map((c) => c.videoId),
      );
      expect(resolved.unmatched).toEqual([]);
      expect(resolved.ids.get("video9770")).toBe("video9770");
      await rm(lib, { recursive: true, force: true });
    });
  },
);

describe("shards", () => {
  it("parses i/n and splits ids into disjoint covering shards", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "1", "a/b"]) expect(() => parseShard(bad)).toThrow(/--shard/);
    const ids = Array.from({ length: 200 }, (_, i) => `video${i}`);
    const owners = ids.map((id) => [1, 2, 3].filter((index) => inShard(id, { index, count: 3 })));
    expect(owners.every((o) => o.length === 1)).toBe(true);
    const sizes = [1, 2, 3].map((s) => owners.filter((o) => o[0] === s).length);
    expect(Math.min(...sizes)).toBeGreaterThan(40);
    expect(shardOf("video1", 3)).toBe(shardOf("video1", 3));
  });
});

describe("--shard auto", () => {
  const auto = (env: Record<string, string>, shards = "3") => resolveShard("auto", shards, env);
  it.each([
    [{ JOB_COMPLETION_INDEX: "0" }, 1, "JOB_COMPLETION_INDEX=0"],
    [{ JOB_COMPLETION_INDEX: "2" }, 3, "JOB_COMPLETION_INDEX=2"],
    [{ AWS_BATCH_JOB_ARRAY_INDEX: "1", AWS_BATCH_JOB_ARRAY_SIZE: "3" }, 2, "AWS_BATCH_JOB_ARRAY_INDEX=1"],
    // Slurm counts from whatever --array says: 0-2, 1-3 and 1-5:2 all map onto shards 1..3.
    [{ SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_MIN: "0" }, 1, "SLURM_ARRAY_TASK_ID=0"],
    [{ SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_COUNT: "3" }, 3, "MIN=1"],
    [{ SLURM_ARRAY_TASK_ID: "3", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_STEP: "2" }, 2, "step 2"],
    [{ SLURM_ARRAY_TASK_ID: "1" }, 2, "SLURM_ARRAY_TASK_MIN=0"],
    // Two engines' variables that agree (a Slurm job inside a Kubernetes pod, say) are fine.
    [{ JOB_COMPLETION_INDEX: "1", SLURM_ARRAY_TASK_ID: "2", SLURM_ARRAY_TASK_MIN: "1" }, 2, "JOB_COMPLETION"],
    [{ JOB_COMPLETION_INDEX: " 1 ", SLURM_ARRAY_TASK_ID: "" }, 2, "JOB_COMPLETION_INDEX=1"],
  ])("%j is shard %i of 3", (env, index, source) => {
    const resolved = auto(env);
    expect(resolved.shard).toEqual({ index, count: 3 });
    expect(resolved.source).toContain(source);
  });

  it.each([
    [{}, /found none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX/],
    [{ JOB_COMPLETION_INDEX: "3" }, /JOB_COMPLETION_INDEX=3 is task 3 \(0-based\) but --shards is 3/],
    [{ SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_MIN: "1" }, /is task 3 \(0-based\) but --shards is 3/],
    [{ SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_MIN: "1" }, /not SLURM_ARRAY_TASK_MIN=1 plus a multiple/],
    [{ SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_COUNT: "4" }, /Slurm array has 4 tasks .* --shards is 3/],
    [{ AWS_BATCH_JOB_ARRAY_INDEX: "0", AWS_BATCH_JOB_ARRAY_SIZE: "2" }, /AWS Batch array has 2 tasks/],
    [
      { JOB_COMPLETION_INDEX: "0", AWS_BATCH_JOB_ARRAY_INDEX: "1" },
      /=0 and AWS_BATCH_JOB_ARRAY_INDEX=1 name different/,
    ],
    [{ JOB_COMPLETION_INDEX: "-1" }, /JOB_COMPLETION_INDEX is "-1", not a whole number/],
    [{ JOB_COMPLETION_INDEX: "one" }, /not a whole number/],
  ])("refuses %j in one line (exit 2)", (env, message) => {
    let error: unknown;
    try {
      auto(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).code).toBe("bad_arguments");
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
  });

  it("takes --shards only with auto, and needs it there", () => {
    const env = { JOB_COMPLETION_INDEX: "0" };
    expect(() => resolveShard("auto", undefined, env)).toThrow(/--shard auto needs --shards N/);
    expect(() => resolveShard("1/3", "3", env)).toThrow(/--shards N goes with --shard auto/);
    expect(() => resolveShard("auto", "0", env)).toThrow(/--shards must be a whole number >= 1/);
    expect(resolveShard("2/3", undefined, env)).toEqual({ shard: { index: 2, count: 3 }, source: null });
    expect(resolveShard(undefined, undefined, env)).toEqual({ shard: null, source: null });
  });
});

describe("shardSetProblem", () => {
  const s = (index: number, count: number) => ({ index, count });
  it.each([
    [[s(1, 3), s(2, 3), s(3, 3)], null],
    [[undefined, undefined], null],
    [
      [s(1, 3), s(3, 3)],
      "shard 2/3 is missing: its videos are not in the merged index (a failed array task?)",
    ],
    [
      [s(2, 4)],
      "shards 1/4, 3/4, 4/4 are missing: their videos are not in the merged index (a failed array task?)",
    ],
    [
      [s(1, 2), s(2, 3)],
      "the indexes are shards of different splits (n = 2, n = 3); merge shards of one --shards N run",
    ],
    [
      [s(1, 2), undefined],
      "the indexes are shards of different splits (a whole index and n = 2); merge shards of one --shards N run",
    ],
  ])("%j: %s", (shards, problem) => {
    expect(shardSetProblem(shards)).toBe(problem);
  });
});
