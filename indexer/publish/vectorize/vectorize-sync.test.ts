// `upload` as a sync against the fake Vectorize (v2 contract: async mutations, 5000-vector upserts,
// 1000-id deletes): new / changed vectors upserted, those of removed videos and captions deleted
// (delete_by_ids), a rerun sends nothing, a failed delete resumes from the ledger, a recreated index
// starts a new ledger; the remote ends equal to the local index. Shards of one library, each with its
// own ledger, fill one Vectorize index without overwriting or deleting each other's vectors.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtureIndex } from "../../../test/fixtures/factory.ts";
import {
  FAKE_ACCOUNT_ID,
  type FakeVectorize,
  fakeVectorizePerTest,
} from "../../../test/fixtures/fake-vectorize-server.ts";
import { recordingContext } from "../../../test/indexer-fixtures.ts";
import { createUploadCommand } from "../../commands/upload.ts";
import { inShard } from "../../discover/shard.ts";
import { assembleIndex, splitIndex } from "../../index/assemble.ts";
import type { IndexData } from "../../index/index-data.ts";
import { makeSyncRecord, type SyncSettings } from "../../index/sync-record.ts";
import { writeIndexAtomically } from "../../index/writer.ts";
import { buildVectorRecords } from "./records.ts";
import type { UploadSummary } from "./upload-index.ts";

const ACCOUNT = FAKE_ACCOUNT_ID;
const TOKEN = "test-token-sync-4Rt7Ys1Kd";
const DIMENSION = 8;
const SHAPE = {
  dimension: DIMENSION,
  aggregations: ["mean", "kmeans:2"],
  segmentsPerVideo: 3,
  captionsPerVideo: 2,
};

let dir = "";
const vectorize = fakeVectorizePerTest({
  token: TOKEN,
  indexName: "clips",
  dimensions: DIMENSION,
  asyncMutations: true,
});
const startFake = vectorize.start;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "vectorize-sync-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `index` with some videos dropped, some videos' vectors replaced by `changed`'s, and `added`'s videos added. */
function edit(
  index: IndexData,
  drop: string[],
  changed: IndexData | null,
  added: IndexData | null,
): IndexData {
  const replacements = new Map((changed ? splitIndex(changed) : []).map((p) => [p.video.id, p]));
  const parts = splitIndex(index)
    .filter((p) => !drop.includes(p.video.id))
    .map((p) => ({ ...p, vectors: replacements.get(p.video.id)?.vectors ?? p.vectors }));
  const { format: _f, formatVersion: _v, counts: _c, ...settings } = index.manifest;
  return assembleIndex([...parts, ...(added ? splitIndex(added) : [])], settings);
}

async function upload(indexDir: string, args: string[] = []) {
  const recording = recordingContext();
  const command = createUploadCommand({
    env: vectorize.env(),
    timeoutMs: 5000,
    retry: { maxAttempts: 3, random: () => 0.5, sleep: async () => {} },
  });
  const status = await command.run([indexDir, "--vectorize", "clips", ...args, "--json"], recording.context);
  return { status, stderr: recording.stderr(), summary: JSON.parse(recording.stdout()) as UploadSummary };
}

/** The remote (after its pending mutations are applied) holds exactly the records of `index`. */
async function expectRemoteEquals(server: FakeVectorize, index: IndexData) {
  server.settle();
  expect(server.violations).toEqual([]);
  const records = await buildVectorRecords(index);
  expect([...server.stored.keys()].sort()).toEqual(records.map((r) => r.id).sort());
  for (const record of records) {
    const stored = server.stored.get(record.id);
    expect(stored?.metadata, record.id).toEqual(record.metadata);
    expect(Float32Array.from(stored?.values ?? [])).toEqual(record.values);
  }
}

describe("upload syncs the Vectorize index with the local one", () => {
  const before = fixtureIndex({ kind: "synthetic", ...SHAPE, videos: 8, seed: 7 });
  const changed = fixtureIndex({ kind: "synthetic", ...SHAPE, videos: 8, seed: 99 });
  const extra = fixtureIndex({ kind: "synthetic", ...SHAPE, videos: 1, ids: ["video-9.mp4"], seed: 5 });
  const after = edit(
    before,
    ["video-3.mp4"],
    edit(
      changed,
      changed.videos.map((v) => v.id).filter((id) => id !== "video-5.mp4"),
      null,
      null,
    ),
    extra,
  );

  it("upserts new and changed, deletes removed (vectors and captions), and a rerun sends nothing", async () => {
    const server = await startFake();
    const indexDir = join(dir, "index");
    await writeIndexAtomically(indexDir, before);
    const total = (await buildVectorRecords(before)).length;
    const first = await upload(indexDir, ["--batch-size", "17"]);
    expect(first.status).toBe(0);
    expect(first.summary.sync).toEqual({ added: total, changed: 0, unchanged: 0, deleted: 0 });
    // Mutations are asynchronous: nothing is applied yet, and the client did not wait for it.
    expect(server.pendingMutations()).toBe(Math.ceil(total / 17));
    expect(server.stored.size).toBe(0);
    await expectRemoteEquals(server, before);

    const again = await upload(indexDir);
    expect(again.summary.sync).toEqual({ added: 0, changed: 0, unchanged: total, deleted: 0 });
    expect(again.summary.mutationIds).toEqual([]);

    await rm(indexDir, { recursive: true });
    await writeIndexAtomically(indexDir, after);
    const requestsBefore = server.upsertRequests;
    const sync = await upload(indexDir, ["--batch-size", "17"]);
    expect(sync.status).toBe(0);
    // video-3's 6 vectors and 2 captions are deleted and video-9's 6 + 2 are new; video-5's 6 vectors
    // changed. Caption ids are the video's (caption:key@n), so no other video's caption moved.
    const records = await buildVectorRecords(after);
    expect(sync.summary.sync).toEqual({
      added: 8,
      changed: 6,
      deleted: 8,
      unchanged: records.length - 14,
    });
    expect(server.deletedIds.sort()).toEqual(
      [
        "video-3.mp4",
        "video-3.mp4#1",
        "video-3.mp4#2",
        "video-3.mp4@0",
        "video-3.mp4@1",
        "video-3.mp4@2",
        "caption:video-3.mp4@0",
        "caption:video-3.mp4@1",
      ].sort(),
    );
    expect(server.upsertRequests - requestsBefore).toBe(sync.summary.batches);
    await expectRemoteEquals(server, after);
    const ledger = JSON.parse(await readFile(`${indexDir}.vectorize-clips.json`, "utf8"));
    expect(Object.keys(ledger.vectors)).toHaveLength(records.length);
    expect(JSON.stringify(ledger)).not.toContain(ACCOUNT);
    expect((await upload(indexDir)).summary.sync).toMatchObject({ added: 0, changed: 0, deleted: 0 });
  });

  it("prints the counts", async () => {
    await startFake();
    const indexDir = join(dir, "printed");
    await writeIndexAtomically(indexDir, before);
    const command = createUploadCommand({ env: vectorize.env() });
    expect(await command.run([indexDir, "--vectorize", "clips"], recordingContext().context)).toBe(0);
    await rm(indexDir, { recursive: true });
    await writeIndexAtomically(indexDir, edit(before, ["video-3.mp4"], null, null));
    const second = recordingContext();
    expect(await command.run([indexDir, "--vectorize", "clips"], second.context)).toBe(0);
    // Dropping video-3 deletes its 6 vectors and its 2 captions; nothing else is sent.
    expect(second.stderr()).toContain(
      'synced "clips" (56 vectors: 21 video, 21 segment, 14 caption): 0/0 upserted (0 new, 0 changed), 8 deleted, 56 unchanged',
    );
  });

  it("resumes a failed delete from the ledger, and stays within 1000 ids a delete", async () => {
    const big = fixtureIndex({
      kind: "synthetic",
      dimension: DIMENSION,
      videos: 300,
      segmentsPerVideo: 4,
      seed: 3,
    });
    let failDeletes = true;
    const server = await startFake({ deleteFault: () => (failDeletes ? "500" : undefined) });
    const indexDir = join(dir, "big");
    await writeIndexAtomically(indexDir, big);
    expect((await upload(indexDir)).status).toBe(0);
    const kept = big.videos.slice(0, 10).map((v) => v.id);
    await rm(indexDir, { recursive: true });
    await writeIndexAtomically(
      indexDir,
      edit(
        big,
        big.videos.map((v) => v.id).filter((id) => !kept.includes(id)),
        null,
        null,
      ),
    );
    const failed = await upload(indexDir);
    expect(failed.status).toBe(1);
    expect(failed.summary.failed.map((f) => [f.kind, f.ids.length, f.skipped])).toEqual([
      ["delete", 1000, false],
      ["delete", 450, false],
    ]);
    failDeletes = false;
    const resumed = await upload(indexDir);
    expect(resumed.status).toBe(0);
    expect(resumed.summary.sync).toEqual({ added: 0, changed: 0, unchanged: 50, deleted: 1450 });
    expect(server.deletedIds).toHaveLength(1450);
    await expectRemoteEquals(
      server,
      edit(
        big,
        big.videos.map((v) => v.id).filter((id) => !kept.includes(id)),
        null,
        null,
      ),
    );
  });

  it("starts a new ledger when the Vectorize index was recreated", async () => {
    await startFake();
    const indexDir = join(dir, "index");
    const run = await upload(indexDir);
    expect(run.status).toBe(0);
    const records = await buildVectorRecords(after);
    expect(run.summary.sync).toEqual({ added: records.length, changed: 0, unchanged: 0, deleted: 0 });
    const text = await readFile(`${indexDir}.vectorize-clips.json`, "utf8");
    expect(JSON.parse(text).createdOn).not.toBeNull();
  });
});

describe("shards of one library upload side by side into one Vectorize index", () => {
  const whole = fixtureIndex({ kind: "synthetic", ...SHAPE, videos: 9, seed: 11 });
  const ids = whole.videos.map((v) => v.id);
  const settings: SyncSettings = {
    vision: { id: "synthetic", dimension: DIMENSION, file: "vision_model.onnx", sizeBytes: 1, mtimeMs: 1 },
    text: null,
    sampling: "fps:1",
    aggregations: SHAPE.aggregations,
    segmentSec: null,
    decoder: "native",
    vectorDtype: "float32",
  };
  /** Shard `s` of 3 of `index` (its videos by shardOf), with the sync.json `index --shard s/3` writes. */
  function shardOfIndex(index: IndexData, s: number): IndexData {
    const shard = { index: s, count: 3 };
    const data = edit(
      index,
      index.videos.map((v) => v.id).filter((id) => !inShard(id, shard)),
      null,
      null,
    );
    data.sync = makeSyncRecord(settings, [], shard);
    return data;
  }

  it("each with its own ledger: the remote holds the whole library; a shard's sync deletes only its own", async () => {
    const server = await startFake();
    const shardDirs = [1, 2, 3].map((s) => join(dir, `shard-${s}`));
    for (const [i, shardDir] of shardDirs.entries()) {
      const shard = shardOfIndex(whole, i + 1);
      expect(shard.videos.length).toBeGreaterThan(0);
      await writeIndexAtomically(shardDir, shard);
      const run = await upload(shardDir);
      expect(run.status).toBe(0);
      expect(run.summary.sync.deleted).toBe(0);
    }
    // Caption ids are the video's, not a row of each shard's captions.json: no shard overwrote another's.
    await expectRemoteEquals(server, whole);

    // Shard 2 loses one of its videos and syncs: that video's vectors go, every other shard's stay.
    const shard2 = shardOfIndex(whole, 2);
    const gone = shard2.videos[0].id;
    await rm(shardDirs[1], { recursive: true });
    await writeIndexAtomically(shardDirs[1], shardOfIndex(edit(whole, [gone], null, null), 2));
    const sync = await upload(shardDirs[1]);
    expect(sync.summary.sync).toMatchObject({ added: 0, changed: 0, deleted: 8 });
    expect(server.deletedIds.every((id) => id.includes(gone))).toBe(true);
    await expectRemoteEquals(server, edit(whole, [gone], null, null));
    expect(ids).toContain(gone);

    // One ledger file shared by two shards (a shared --ledger on a cluster filesystem) would have made
    // shard 3 delete shard 1's vectors: refused, nothing sent.
    const deletedBefore = server.deletedIds.length;
    const upsertsBefore = server.upsertRequests;
    const shard1Ledger = `${shardDirs[0]}.vectorize-clips.json`;
    await expect(upload(shardDirs[2], ["--ledger", shard1Ledger])).rejects.toThrow(
      /the ledger .*shard-1\.vectorize-clips\.json tracks shard 1\/3 but this index is shard 3\/3; give each shard its own ledger/,
    );
    // The merged index against a shard's ledger: refused the same way.
    const merged = join(dir, "merged");
    await writeIndexAtomically(merged, edit(whole, [gone], null, null));
    await expect(upload(merged, ["--ledger", shard1Ledger])).rejects.toThrow(
      /tracks shard 1\/3 but this index is the whole library/,
    );
    expect(server.deletedIds).toHaveLength(deletedBefore);
    expect(server.upsertRequests).toBe(upsertsBefore);
    // With its own (new) ledger the merged index upserts every vector again (same ids: overwrites) and
    // deletes nothing; the remote is unchanged.
    const mergedRun = await upload(merged);
    expect(mergedRun.summary.sync).toMatchObject({ changed: 0, deleted: 0 });
    expect(mergedRun.summary.sync.added).toBe(mergedRun.summary.vectors);
    await expectRemoteEquals(server, edit(whole, [gone], null, null));
  });
});
