// An array job on one machine: three `index --shard auto --shards 3` processes of the real CLI run in
// parallel, told their shard only by the engines' variables (JOB_COMPLETION_INDEX as a Kubernetes
// Indexed Job sets it, SLURM_ARRAY_TASK_ID as `sbatch --array=1-3` does); `merge` of their indexes is
// byte-identical to one unsharded run, and each shard uploaded into one (fake) Vectorize index with its
// own ledger leaves it holding exactly the merged index's vectors.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUploadCommand } from "../indexer/commands/upload.ts";
import { TOY_DEFAULT_DIM } from "../indexer/demo/toy-model.ts";
import { SHARD_INDEX_VARIABLES } from "../indexer/discover/shard.ts";
import { readIndex } from "../indexer/index/reader.ts";
import { buildVectorRecords } from "../indexer/publish/vectorize/records.ts";
import { fakeVectorizePerTest } from "./fixtures/fake-vectorize-server.ts";
import {
  indexFiles,
  makeToyFixture,
  recordingContext,
  runCli,
  spawnCli,
  type ToyFixture,
  toyIndexOptions,
} from "./indexer-fixtures.ts";

let dir = "";
let toy: ToyFixture;
// The toy model's dimension, as makeToyFixture writes it.
const vectorize = fakeVectorizePerTest({
  token: "test-token-shards-8Qw2",
  indexName: "clips",
  dimensions: TOY_DEFAULT_DIM,
  asyncMutations: true,
});

const indexArgs = (out: string) => ["index", toy.videos, "--out", out, ...toyIndexOptions(toy)];

/**
 * The environment of an array task: this process's, without any engine's array variables (the test
 * may itself run inside a job), plus `task`.
 */
function taskEnv(task: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of Object.keys(env))
    if (
      (SHARD_INDEX_VARIABLES as readonly string[]).includes(name) ||
      /^(SLURM_ARRAY_|AWS_BATCH_)/.test(name)
    )
      delete env[name];
  return { ...env, ...task };
}

/** Runs the CLI (tsx, as `npm run cli`) as a child process. */
function runCliProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawnCli(args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

// Task k of the array job, as each engine numbers it: Kubernetes from 0, this Slurm array from 1.
const tasks: Record<string, string>[] = [
  { JOB_COMPLETION_INDEX: "0" },
  { JOB_COMPLETION_INDEX: "1" },
  {
    SLURM_ARRAY_TASK_ID: "3",
    SLURM_ARRAY_TASK_MIN: "1",
    SLURM_ARRAY_TASK_MAX: "3",
    SLURM_ARRAY_TASK_COUNT: "3",
  },
];
const shardDirs = () => tasks.map((_, k) => join(dir, `shard-${k}`));
let runs: { code: number | null; stderr: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "indexer-shards-"));
  toy = await makeToyFixture(dir, 9);
  // The three tasks at once, as an array job runs them, and the unsharded run to compare with.
  runs = await Promise.all(
    tasks.map((task, k) =>
      runCliProcess([...indexArgs(shardDirs()[k]), "--shard", "auto", "--shards", "3"], taskEnv(task)),
    ),
  );
  expect((await runCli(indexArgs(join(dir, "whole")))).code).toBe(0);
}, 240_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("index --shard auto as an array job", () => {
  it("each process takes its shard from its engine's variable", () => {
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
    expect(runs[0].stderr).toContain("shard 1/3 (from JOB_COMPLETION_INDEX=0)");
    expect(runs[1].stderr).toContain("shard 2/3 (from JOB_COMPLETION_INDEX=1)");
    expect(runs[2].stderr).toContain(
      "shard 3/3 (from SLURM_ARRAY_TASK_ID=3 (SLURM_ARRAY_TASK_MIN=1, step 1))",
    );
  });

  it("merge of the three shards is byte-identical to one unsharded run", async () => {
    const counts = await Promise.all(shardDirs().map(async (d) => (await readIndex(d)).videos.length));
    expect(counts.reduce((a, b) => a + b)).toBe(9);
    expect(counts.filter((n) => n > 0).length).toBeGreaterThan(1);
    const merged = join(dir, "merged");
    const run = await runCli(["merge", merged, ...shardDirs()]);
    expect(run.code).toBe(0);
    expect(await indexFiles(merged)).toEqual(await indexFiles(join(dir, "whole")));
    expect(run.stderr).not.toContain("warning");
  });

  it("warns when a shard of the split is missing from the merge (a failed task)", async () => {
    const run = await runCli(["merge", join(dir, "partial"), shardDirs()[0], shardDirs()[2]]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("warning: shard 2/3 is missing: its videos are not in the merged index");
  });

  it("each shard syncs straight into one Vectorize index, side by side", async () => {
    const whole = await readIndex(join(dir, "whole"));
    const fake = await vectorize.start();
    const upload = createUploadCommand({ env: vectorize.env() });
    const { context } = recordingContext();
    for (const shardDir of shardDirs())
      expect(await upload.run([shardDir, "--vectorize", "clips"], context)).toBe(0);
    fake.settle();
    expect(fake.violations).toEqual([]);
    expect(fake.deletedIds).toEqual([]);
    const records = await buildVectorRecords(whole);
    expect([...fake.stored.keys()].sort()).toEqual(records.map((r) => r.id).sort());
    for (const record of records) expect(fake.stored.get(record.id)?.metadata).toEqual(record.metadata);
  });

  it("refuses in one line (exit 2) when no engine's variable is set", async () => {
    const run = await runCliProcess(
      [...indexArgs(join(dir, "none")), "--shard", "auto", "--shards", "3"],
      taskEnv({}),
    );
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(
      /--shard auto found none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX set/,
    );
  });
});
