// runDeploy on a folder store: interrupted after every single write, the pointer always names a complete
// deployment (old or new) whose every object is present with its SHA-256; a rerun completes and reuses
// the blobs already stored; replaced deployments are deleted only after the grace period.
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DeploymentRecord,
  deploymentKey,
  parseDeploymentRecord,
  parsePointer,
  pointerKey,
} from "../../../shared/deployment/deployment-format.ts";
import { deploymentRecord } from "../../../shared/deployment/plan-deployment.ts";
import { fixtureIndex } from "../../../test/fixtures/factory.ts";
import { writeIndexAtomically } from "../../index/writer.ts";
import { type CollectedDeployment, collectDeployment } from "./collect-deployment.ts";
import { FolderStore } from "./folder-store.ts";
import type { ObjectBody, ObjectStore } from "./object-store.ts";
import { runDeploy } from "./run-deploy.ts";

const HOUR_MS = 3600_000;
let dir: string;
const collected: CollectedDeployment[] = [];

/** An index of 3 videos whose titles and thumbnails carry `tag`, so that two versions differ. */
async function writeVersion(
  name: string,
  tag: string,
  seed: number,
): Promise<{ index: string; edge: string }> {
  const index = join(dir, name, "index");
  const edge = join(dir, name, "edge");
  const titles = [0, 1, 2].map((i) => `${tag} ${i}`);
  const thumbnails = titles.map((title) => new TextEncoder().encode(`jpeg ${title}`));
  await writeIndexAtomically(
    index,
    fixtureIndex({
      kind: "synthetic",
      videos: 3,
      dimension: 8,
      captionsPerVideo: 1,
      seed,
      titles,
      thumbnails,
    }),
  );
  mkdirSync(edge, { recursive: true });
  // The model part: the same files in both versions except edge.json's tag (a re-prepared model).
  writeFileSync(join(edge, "text_model.onnx"), new Uint8Array(4096).fill(7));
  writeFileSync(join(edge, "edge.json"), JSON.stringify({ tag }));
  return { index, edge };
}

async function collect(version: { index: string; edge: string }): Promise<CollectedDeployment> {
  const result = await collectDeployment({
    ...version,
    indexPrefix: "index/",
    modelPrefix: "model/",
    indexDir: version.index,
    edgeDir: version.edge,
  });
  collected.push(result);
  return result;
}

/** A store that fails every write after the first `writes`. */
function failingAfter(store: ObjectStore, writes: number): ObjectStore & { done: number } {
  const wrapper = {
    label: store.label,
    concurrency: 1,
    done: 0,
    get: (key: string) => store.get(key),
    size: (key: string) => store.size(key),
    async put(key: string, body: ObjectBody, type?: string) {
      if (wrapper.done >= writes) throw new Error("interrupted");
      await store.put(key, body, type);
      wrapper.done++;
    },
    async delete(keys: string[]) {
      if (wrapper.done >= writes) throw new Error("interrupted");
      await store.delete(keys);
      wrapper.done++;
    },
  };
  return wrapper;
}

/** The live record of the folder, after checking that every object it names is there, byte for byte. */
function liveRecord(root: string): DeploymentRecord {
  const read = (key: string) => readFileSync(join(root, key));
  const pointer = parsePointer(JSON.parse(read(pointerKey("index/")).toString()));
  const record = parseDeploymentRecord(
    JSON.parse(read(deploymentKey("index/", pointer.deployment)).toString()),
  );
  const blobs = [
    ...Object.values(record.index),
    ...Object.values(record.model),
    ...(record.thumbnails?.packs ?? []),
    ...(record.thumbnails ? [record.thumbnails.table] : []),
  ];
  for (const blob of blobs)
    expect(createHash("sha256").update(read(blob.key)).digest("hex"), blob.key).toBe(blob.sha256);
  return record;
}

const quiet = { log: () => undefined };

/** Every blob key a record names. */
function blobKeys(record: DeploymentRecord): string[] {
  const thumbnails = record.thumbnails ? [...record.thumbnails.packs, record.thumbnails.table] : [];
  const blobs = [...Object.values(record.index), ...Object.values(record.model), ...thumbnails];
  return [...new Set(blobs.map((blob) => blob.key))];
}

/** The record a deploy of `deployment` writes (its keys are content-derived). */
let recordOf: Map<CollectedDeployment, DeploymentRecord>;
function liveRecordOf(deployment: CollectedDeployment): DeploymentRecord {
  const record = recordOf.get(deployment);
  if (!record) throw new Error("not planned");
  return record;
}
let a: CollectedDeployment;
let b: CollectedDeployment;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "run-deploy-"));
  a = await collect(await writeVersion("a", "old", 1));
  b = await collect(await writeVersion("b", "new", 2));
  recordOf = new Map([
    [a, await deploymentRecord(a.input)],
    [b, await deploymentRecord(b.input)],
  ]);
});

afterAll(async () => {
  for (const c of collected) await c.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe("runDeploy", () => {
  it("leaves the old or the new deployment live, complete, after an interruption at every write", async () => {
    const base = join(dir, "bucket-a");
    const first = await runDeploy(new FolderStore(base), a.input, { graceMs: 24 * HOUR_MS, ...quiet });
    expect(liveRecord(base).id).toBe(first.record.id);
    const full = join(dir, "bucket-full");
    cpSync(base, full, { recursive: true });
    const complete = await runDeploy(new FolderStore(full), b.input, { graceMs: 24 * HOUR_MS, ...quiet });
    const writes = complete.puts;
    expect(writes).toBeGreaterThan(5);
    const outcomes: string[] = [];
    for (let n = 0; n <= writes; n++) {
      const bucket = join(dir, `bucket-cut-${n}`);
      cpSync(base, bucket, { recursive: true });
      const store = failingAfter(new FolderStore(bucket), n);
      const run = runDeploy(store, b.input, { graceMs: 24 * HOUR_MS, ...quiet });
      if (n < writes) await expect(run).rejects.toThrow("interrupted");
      else await run;
      const live = liveRecord(bucket).id;
      expect([first.record.id, complete.record.id]).toContain(live);
      outcomes.push(live === first.record.id ? "old" : "new");
      // A rerun finishes the deploy, whatever the interruption left.
      await runDeploy(new FolderStore(bucket), b.input, { graceMs: 24 * HOUR_MS, ...quiet });
      expect(liveRecord(bucket).id).toBe(complete.record.id);
      rmSync(bucket, { recursive: true, force: true });
    }
    // Old until the pointer write (the second-to-last write), new from then on.
    expect(outcomes).toEqual([...Array(writes - 1).fill("old"), "new", "new"]);
  });

  it("uploads only blobs the bucket lacks, and nothing when the deployment is already live", async () => {
    const bucket = join(dir, "bucket-reuse");
    await runDeploy(new FolderStore(bucket), a.input, { graceMs: 24 * HOUR_MS, ...quiet });
    const second = await runDeploy(new FolderStore(bucket), b.input, { graceMs: 24 * HOUR_MS, ...quiet });
    // Files with the same bytes in both versions (the graph, at least) are stored once.
    const shared = blobKeys(second.record).filter((key) => blobKeys(liveRecordOf(a)).includes(key));
    expect(shared.length).toBeGreaterThanOrEqual(1);
    expect(second.reused).toBe(shared.length);
    const again = await runDeploy(new FolderStore(bucket), b.input, { graceMs: 24 * HOUR_MS, ...quiet });
    expect([again.alreadyLive, again.puts, again.deleted]).toEqual([true, 0, 0]);
  });

  it("keeps a replaced deployment through the grace period, then deletes what only it used", async () => {
    const bucket = join(dir, "bucket-grace");
    const store = new FolderStore(bucket);
    const t0 = new Date("2026-12-01T00:00:00Z");
    const old = await runDeploy(store, a.input, { graceMs: 24 * HOUR_MS, now: t0, ...quiet });
    await runDeploy(store, b.input, {
      graceMs: 24 * HOUR_MS,
      now: new Date(t0.getTime() + HOUR_MS),
      ...quiet,
    });
    const oldKeys = blobKeys(old.record);
    const present = async () =>
      (await Promise.all(oldKeys.map((key) => store.size(key)))).filter((s) => s !== null).length;
    expect(await present()).toBe(oldKeys.length);
    // Redeploying the old content 30 h later: a new switch, and the new deployment's own blobs expire
    // only 24 h after *that*; nothing of the live one is ever deleted.
    const back = await runDeploy(store, a.input, {
      graceMs: 24 * HOUR_MS,
      now: new Date(t0.getTime() + 30 * HOUR_MS),
      ...quiet,
    });
    expect(back.record.id).toBe(old.record.id);
    expect(await present()).toBe(oldKeys.length);
    const later = await runDeploy(store, b.input, {
      graceMs: 24 * HOUR_MS,
      now: new Date(t0.getTime() + 60 * HOUR_MS),
      ...quiet,
    });
    // b replaced at 30 h -> expired at 60 h; it is live again now, so it stays; a (replaced now) stays too.
    expect(later.deleted).toBe(0);
    const last = await runDeploy(new FolderStore(bucket), a.input, {
      graceMs: 0,
      now: new Date(t0.getTime() + 61 * HOUR_MS),
      ...quiet,
    });
    // Grace 0: b's own objects (not those it shares with a) and its record are deleted at once.
    const bOnly = blobKeys(later.record).filter((key) => !oldKeys.includes(key));
    expect(last.deleted).toBe(bOnly.length + 1);
    for (const key of bOnly) expect(await store.size(key)).toBeNull();
    expect(liveRecord(bucket).id).toBe(old.record.id);
  });
});
