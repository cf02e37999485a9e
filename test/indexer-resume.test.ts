// Crash safety: the real CLI killed with SIGKILL mid-run, started again with the same arguments,
// ends with an index byte-identical to an uninterrupted run (same vectors, ids, order, no duplicates).
import type { ChildProcess } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IndexSummary } from "../indexer/index/index-library.ts";
import {
  indexFiles,
  makeToyFixture,
  runCli,
  spawnCli,
  type ToyFixture,
  toyModelOptions,
} from "./indexer-fixtures.ts";

const VIDEOS = 8;
let dir = "";
let toy: ToyFixture;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "indexer-resume-"));
  toy = await makeToyFixture(dir, VIDEOS);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.resume();
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stdout })));
}

async function journaledVideos(workRoot: string): Promise<number> {
  const names = await readdir(workRoot, { recursive: true }).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith(".video")).length;
}

describe("kill -9 and resume", () => {
  it("ends with the same files as an uninterrupted run", async () => {
    // One frame per inference call: slow enough to be killed part way.
    const args = (out: string) => [
      "index",
      toy.videos,
      "--out",
      out,
      ...toyModelOptions(toy),
      "--sample",
      "fps:4",
      "--batch",
      "1",
      "--threads",
      "1",
      "--aggregate",
      "mean",
      "--aggregate",
      "kmeans:3",
      "--segments",
      "2",
    ];
    const reference = join(dir, "reference");
    expect((await runCli(args(reference))).code).toBe(0);

    const out = join(dir, "resumed");
    const child = spawnCli(args(out));
    const done = exited(child);
    let journaled = 0;
    while (journaled < 3 && child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      journaled = await journaledVideos(`${out}.work`);
    }
    child.kill("SIGKILL");
    const killed = await done;
    expect(killed.signal, "the first run finished before it could be killed").toBe("SIGKILL");
    const atKill = await journaledVideos(`${out}.work`);
    expect(atKill).toBeGreaterThanOrEqual(3);
    expect(atKill).toBeLessThan(VIDEOS);

    const again = await exited(spawnCli([...args(out), "--json"]));
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout) as IndexSummary;
    expect(summary.videos.resumed).toBe(atKill);
    expect(summary.videos.indexed).toBe(VIDEOS);
    expect(await indexFiles(out)).toEqual(await indexFiles(reference));
    // The journal is gone once the index is written.
    expect(await readdir(dir)).not.toContain("resumed.work");
  });
});
