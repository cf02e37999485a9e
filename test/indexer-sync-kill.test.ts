// kill -9 during a sync: the real CLI (a child process) is SIGKILLed at seeded points (after N videos
// journaled, mid-way through writing the new index, between the two renames of the swap, after the
// swap), run again, and must end byte-identical to a fresh build with no temporary folder left.
import { type ChildProcess, spawn } from "node:child_process";
import { copyFile, cp, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IndexSummary } from "../indexer/index/index-library.ts";
import { indexFiles, makeToyFixture, runCli, type ToyFixture, toyIndexOptions } from "./indexer-fixtures.ts";
import { PROJECT_ROOT } from "./shared-data.ts";

let dir = "";
let toy: ToyFixture;
let lib = "";
let before = "";
let fresh: Record<string, Buffer> = {};
const name = (n: number) => `toy-${String(n).padStart(2, "0")}`;

const args = (out: string) => [
  "index",
  lib,
  "--out",
  out,
  ...toyIndexOptions(toy, ["--allow-unmatched", "--batch", "1"]),
];

/** Mulberry32: the kill points' counts come from a fixed seed, so every run kills at the same spots. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(5);
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

function runKilled(out: string, killAt: object): Promise<NodeJS.Signals | null> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      join(PROJECT_ROOT, "test", "kill-at-fs-call.ts"),
      join(PROJECT_ROOT, "indexer", "cli.ts"),
      ...args(out),
    ],
    {
      cwd: PROJECT_ROOT,
      stdio: ["ignore", "ignore", "ignore"],
      env: { ...process.env, CLIP_TEST_KILL_AT: JSON.stringify(killAt) },
    },
  );
  return new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "indexer-sync-kill-"));
  toy = await makeToyFixture(dir, 8);
  lib = join(dir, "lib");
  await mkdir(lib);
  for (const n of [1, 2, 3, 4, 5, 6])
    await copyFile(join(toy.videos, `${name(n)}.mp4`), join(lib, `${name(n)}.mp4`));
  before = join(dir, "before");
  expect((await runCli(args(before))).code).toBe(0);
  // The sync each kill interrupts: 2 added, 1 changed, 1 removed, 4 unchanged.
  await copyFile(join(toy.videos, `${name(7)}.mp4`), join(lib, `${name(7)}.mp4`));
  await copyFile(join(toy.videos, `${name(8)}.mp4`), join(lib, `${name(8)}.mp4`));
  await copyFile(join(toy.videos, `${name(5)}.mp4`), join(lib, `${name(2)}.mp4`));
  await rm(join(lib, `${name(4)}.mp4`));
  const freshDir = join(dir, "fresh");
  expect((await runCli(args(freshDir))).code).toBe(0);
  fresh = await indexFiles(freshDir);
}, 240_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const journaled = between(1, 2);
const thumbnailsWritten = between(1, 7);
// What the run after the kill still has to do: the whole sync, or nothing once the swap was done.
const whole = { added: 2, changed: 1, removed: 1, unchanged: 4 };
const nothing = { added: 0, changed: 0, removed: 0, unchanged: 7 };
const points: [string, object, object][] = [
  [
    `after ${journaled} of the 3 videos to embed were journaled`,
    { call: "rename", match: "\\.work/.*\\.video$", nth: journaled, when: "after" },
    whole,
  ],
  [
    `while writing the new index (thumbnail ${thumbnailsWritten})`,
    {
      call: "open",
      match: "\\.tmp-\\d+/thumbnails/[0-9a-f]{16}\\.jpg$",
      nth: thumbnailsWritten,
      when: "before",
    },
    whole,
  ],
  [
    "between moving the old index away and the new one in",
    { call: "rename", match: "\\.old-\\d+$", nth: 1, when: "after" },
    whole,
  ],
  [
    "after the swap, before the old index is removed",
    { call: "rename", match: "\\.tmp-\\d+ -> ", nth: 1, when: "after" },
    nothing,
  ],
];

describe("kill -9 during a sync, then run again", () => {
  it.each(points)("%s: same bytes as a fresh build, nothing left behind", async (_label, killAt, rerun) => {
    const out = join(dir, "out");
    await rm(out, { recursive: true, force: true });
    await cp(before, out, { recursive: true });
    expect(await runKilled(out, killAt), "the run was not killed at its kill point").toBe("SIGKILL");
    const left = (await readdir(dir)).filter((entry) => /^\.out\.(tmp|old)-|^out\.work$/.test(entry));
    expect(left.length, "the kill left nothing to clean up").toBeGreaterThan(0);

    const again = await runCli([...args(out), "--json"]);
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout) as IndexSummary;
    expect(summary.sync).toMatchObject(rerun);
    expect(await indexFiles(out)).toEqual(fresh);
    expect((await readdir(dir)).filter((entry) => entry.startsWith(".out.") || entry === "out.work")).toEqual(
      [],
    );
  });
});
