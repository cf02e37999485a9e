// Finding a benchmark's videos by id with the index's id rule: any depth, ids with dots, symlinks,
// misses, a clash refused; and every id of the real MSR-VTT, MSVD and LSMDC annotation files of
// ../shared found in a library laid out as the datasets ship (LSMDC in movie folders).
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { loadDatasetAnnotations } from "./dataset-files.ts";
import { findVideosById } from "./find-videos.ts";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "find-videos-"));
  const files = [
    "video1.mp4",
    "video1.json", // metadata beside a video: never a candidate
    "video2.webm",
    "nested/deeper/eyhzdC936uk_15_27.avi",
    "0001_MOVIE/0001_MOVIE_00.00.51.926-00.00.54.129.avi", // LSMDC: dots inside the id
    ".hidden/video9.mp4",
    "video3.txt",
  ];
  for (const file of files) {
    await mkdir(join(dir, file, ".."), { recursive: true });
    await writeFile(join(dir, file), "x");
  }
  await symlink(join(dir, "video1.mp4"), join(dir, "linked.mkv"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("findVideosById", () => {
  it("finds ids at any depth (full id or last segment) and lists the rest as missing in split order", async () => {
    const ids = [
      "video9",
      "video1",
      "video2",
      "eyhzdC936uk_15_27",
      "nested/deeper/eyhzdC936uk_15_27",
      "0001_MOVIE_00.00.51.926-00.00.54.129",
      "linked",
      "video3",
      "video4",
    ];
    const found = await findVideosById(dir, ids);
    expect(
      Object.fromEntries([...found.paths].map(([id, path]) => [id, path.slice(dir.length + 1)])),
    ).toEqual({
      video1: "video1.mp4",
      video2: "video2.webm",
      eyhzdC936uk_15_27: "nested/deeper/eyhzdC936uk_15_27.avi",
      "nested/deeper/eyhzdC936uk_15_27": "nested/deeper/eyhzdC936uk_15_27.avi",
      "0001_MOVIE_00.00.51.926-00.00.54.129": "0001_MOVIE/0001_MOVIE_00.00.51.926-00.00.54.129.avi",
      linked: "linked.mkv",
    });
    expect(found.missing).toEqual(["video9", "video3", "video4"]);
  });

  it("refuses two files with one id, as index does", async () => {
    const clash = await mkdtemp(join(tmpdir(), "find-videos-clash-"));
    await writeFile(join(clash, "video2.webm"), "x");
    await writeFile(join(clash, "video2.mp4"), "x");
    await expect(findVideosById(clash, ["video2"])).rejects.toThrow(
      /two videos have the id "video2" \(.*video2.mp4 and .*video2.webm\)/,
    );
    await rm(clash, { recursive: true, force: true });
  });

  it("says when the folder does not exist", async () => {
    await expect(findVideosById(join(dir, "nope"), ["a"])).rejects.toThrow(/--videos .*nope does not exist/);
    await expect(findVideosById(join(dir, "video1.mp4"), ["a"])).rejects.toThrow(/is not a directory/);
  });
});

describe.skipIf(!hasSharedData)(
  `real annotation files (${hasSharedData ? "present" : SHARED_DATA_SKIP_REASON})`,
  () => {
    const cases = [
      { dataset: "msrvtt-1ka", files: ["msrvtt/MSRVTT_JSFUSION_test.csv"], ext: "mp4", nest: () => "" },
      { dataset: "msvd", files: ["msvd/test_list.txt", "msvd/MSVD_test.tsv"], ext: "avi", nest: () => "" },
      // LSMDC ships one folder per movie: 0001_MOVIE/0001_MOVIE_00.00.51.926-00.00.54.129.avi
      {
        dataset: "lsmdc",
        files: ["lsmdc/LSMDC16_challenge_1000_publictect.csv"],
        ext: "avi",
        nest: (id: string) => `${id.replace(/_\d\d\.\d\d\.\d\d\.\d+-\d\d\.\d\d\.\d\d\.\d+$/, "")}/`,
      },
    ] as const;
    for (const c of cases) {
      it(`finds all ${c.dataset} test videos`, async () => {
        const [annotations, captions] = c.files.map((f) => sharedPath("datasets", f));
        const split = await loadDatasetAnnotations(c.dataset, annotations, captions);
        const lib = await mkdtemp(join(tmpdir(), `find-${c.dataset}-`));
        for (const id of split.videos) {
          await mkdir(join(lib, c.nest(id)), { recursive: true });
          await writeFile(join(lib, `${c.nest(id)}${id}.${c.ext}`), "");
        }
        const found = await findVideosById(lib, split.videos);
        expect(found.missing).toEqual([]);
        expect(found.paths.size).toBe(split.videos.length);
        if (c.dataset === "msrvtt-1ka") expect(found.paths.get("video9770")).toBe(join(lib, "video9770.mp4"));
        await rm(lib, { recursive: true, force: true });
      });
    }
  },
);
