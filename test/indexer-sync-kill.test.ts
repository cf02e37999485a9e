// kill -9 during a sync: the real CLI (a child process) is SIGKILLed at seeded points (after N videos
// journaled, mid-way through writing the new index, between the two renames of the swap, after the
// swap), run again, and must end byte-identical to a fresh build with no temporary folder left.
import { cp, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IndexSummary } from "../indexer/index/index-library.ts";
import { createPrng } from "../shared/prng.ts";
import {
  copyToyVideo,
  indexFiles,
  makeToyFixture,
  runCli,
  spawnCli,
  type ToyFixture,
  toyIndexOptions,
  toyVideoName,
} from "./indexer-fixtures.ts";
import { PROJECT_ROOT } from "./shared-data.ts";

let dir = "";
let toy: ToyFixture;
let lib = "";
let before = "";
let fresh: Record<string, Buffer> = {};

const args = (out: string) => [
  "index",
  lib,
  "--out",
  out,
  ...toyIndexOptions(toy, ["--allow-unmatched", "--batch", "1"]),
];

// The kill points' counts come from a fixed seed, so every run kills at the same spots.
const random = createPrng(5);
const between = (lo: number, hi: number) => lo + random.nextInt(hi - lo + 1);

function runKilled(out: string, killAt: object): Promise<NodeJS.Signals | null> {
  const child = spawnCli(args(out), {
    preload: [join(PROJECT_ROOT, "test", "kill-at-fs-call.ts")],
    stdio: "ignore",
    env: { ...process.env, CLIP_TEST_KILL_AT: JSON.stringify(killAt) },
  });
  return new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "indexer-sync-kill-"));
  toy = await makeToyFixture(dir, 8);
  lib = join(dir, "lib");
  await mkdir(lib);
  for (const n of [1, 2, 3, 4, 5, 6]) await copyToyVideo(toy, n, lib);
  before = join(dir, "before");
  expect((await runCli(args(before))).code).toBe(0);
  // The sync each kill interrupts: 2 added, 1 changed, 1 removed, 4 unchanged.
  await copyToyVideo(toy, 7, lib);
  await copyToyVideo(toy, 8, lib);
  await copyToyVideo(toy, 5, lib, 2);
  await rm(join(lib, `${toyVideoName(4)}.mp4`));
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
