// Finding a benchmark's videos by id: any extension, any depth, ids with dots, stable choice, misses.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findVideosById } from "./find-videos.ts";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "find-videos-"));
  const files = [
    "video1.mp4",
    "video1.json", // metadata beside a video: never a candidate
    "video2.webm",
    "video2.mp4", // two videos for one id: the first path in code-unit order
    "nested/deeper/eyhzdC936uk_15_27.avi",
    "0001_MOVIE/0001_MOVIE_00.00.51.926-00.00.54.129.avi", // LSMDC: dots inside the id
    "bare_id", // no extension at all
    "odd.xyz", // an extension ffmpeg may still read
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
  it("finds ids under any extension and depth, and lists the rest as missing in split order", async () => {
    const ids = [
      "video9",
      "video1",
      "video2",
      "eyhzdC936uk_15_27",
      "0001_MOVIE_00.00.51.926-00.00.54.129",
      "bare_id",
      "odd",
      "linked",
      "video3",
      "video4",
    ];
    const found = await findVideosById(dir, ids);
    expect(
      Object.fromEntries([...found.paths].map(([id, path]) => [id, path.slice(dir.length + 1)])),
    ).toEqual({
      video1: "video1.mp4",
      video2: "video2.mp4",
      eyhzdC936uk_15_27: "nested/deeper/eyhzdC936uk_15_27.avi",
      "0001_MOVIE_00.00.51.926-00.00.54.129": "0001_MOVIE/0001_MOVIE_00.00.51.926-00.00.54.129.avi",
      bare_id: "bare_id",
      odd: "odd.xyz",
      linked: "linked.mkv",
    });
    expect(found.missing).toEqual(["video9", "video3", "video4"]);
  });

  it("prefers a known video extension over an unknown one", async () => {
    await writeFile(join(dir, "odd.mov"), "x");
    expect((await findVideosById(dir, ["odd"])).paths.get("odd")).toBe(join(dir, "odd.mov"));
  });

  it("says when the folder does not exist", async () => {
    await expect(findVideosById(join(dir, "nope"), ["a"])).rejects.toThrow(/--videos .*nope does not exist/);
    await expect(findVideosById(join(dir, "video1.mp4"), ["a"])).rejects.toThrow(/is not a directory/);
  });
});
