// s3://bucket/prefix end to end against a real S3 implementation (s3rver, started here): index, then
// one object rewritten (new ETag), one deleted and one uploaded again unchanged (same ETag), sync;
// counts, the decoded videos, bytes equal to a fresh build; a missing bucket; merge from s3:// shards.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IndexSummary } from "../indexer/index/index-library.ts";
import { readIndex } from "../indexer/index/reader.ts";
import {
  indexFiles,
  makeToyFixture,
  runCli,
  TOY_SAMPLING_OPTIONS,
  type ToyFixture,
  toyVideoName,
  toyVideoPath,
} from "./indexer-fixtures.ts";
import { hasSharedData, sharedPath } from "./shared-data.ts";

const BUCKET = "media";
const ENV = ["AWS_ENDPOINT_URL_S3", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"] as const;
let dir = "";
let toy: ToyFixture;
let server: S3rver;
let client: S3Client;
const savedEnv: Record<string, string | undefined> = {};

async function put(key: string, file: string): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: await readFile(file) }));
}

/** Uploads every file of a local folder under `prefix`. */
async function putFolder(folder: string, prefix: string): Promise<void> {
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      await put(`${prefix}${path.slice(folder.length + 1)}`, path);
    }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "indexer-s3-"));
  toy = await makeToyFixture(dir, 7);
  server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: join(dir, "s3rver"),
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await server.run();
  for (const key of ENV) savedEnv[key] = process.env[key];
  // The variables a user sets for any S3-compatible store (s3rver's fixed credentials).
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    AWS_REGION: "us-east-1",
  });
  client = new S3Client({
    endpoint: process.env.AWS_ENDPOINT_URL_S3,
    region: "us-east-1",
    forcePathStyle: true,
  });
  for (const n of [1, 2, 3, 4, 5]) await put(`library/shelf/${toyVideoName(n)}.mp4`, toyVideoPath(toy, n));
  if (hasSharedData) await put("library/vid1.mp4", sharedPath("videos", "vid1.mp4"));
  await put("library/notes.txt", toy.captions); // not a video: not listed
});
afterAll(async () => {
  for (const key of ENV) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function index(source: string, out: string, extra: string[] = []) {
  // No --captions: the toy captions name toy-01, the videos here are shelf/toy-01.
  const options = ["--model", toy.model, ...TOY_SAMPLING_OPTIONS];
  const startMs = performance.now();
  const run = await runCli(["index", source, "--out", out, ...options, ...extra, "--json"]);
  const seconds = (performance.now() - startMs) / 1000;
  return { ...run, seconds, summary: run.code === 2 ? null : (JSON.parse(run.stdout) as IndexSummary) };
}

describe("an s3:// library", () => {
  it("is indexed from presigned URLs, synced by ETag (changed, deleted) and equals a fresh build", async () => {
    const out = join(dir, "s3-index");
    const first = await index(`s3://${BUCKET}/library`, out);
    expect(first.code, first.stderr).toBe(0);
    const expected = [
      ...[1, 2, 3, 4, 5].map((n) => `shelf/${toyVideoName(n)}`),
      ...(hasSharedData ? ["vid1"] : []),
    ];
    expect((await readIndex(out)).videos.map((v) => v.id)).toEqual(expected);
    const record = JSON.parse(await readFile(join(out, "sync.json"), "utf8"));
    expect(record.videos[0].location).toBe("shelf/toy-01.mp4");
    expect(record.videos[0].source.etag).toMatch(/^"[0-9a-f]{32}"$/);

    await put(`library/shelf/${toyVideoName(2)}.mp4`, toyVideoPath(toy, 6)); // new bytes: new ETag
    await client.send(
      new DeleteObjectCommand({ Bucket: BUCKET, Key: `library/shelf/${toyVideoName(3)}.mp4` }),
    );
    await put(`library/shelf/${toyVideoName(1)}.mp4`, toyVideoPath(toy, 1)); // same bytes, same ETag
    await put(`library/shelf/${toyVideoName(7)}.mp4`, toyVideoPath(toy, 7));
    const sync = await index(`s3://${BUCKET}/library/`, out);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.summary?.sync).toMatchObject({
      added: 1,
      changed: 1,
      removed: 1,
      unchanged: expected.length - 2,
      removedIds: [`shelf/${toyVideoName(3)}`],
    });
    const after = await readIndex(out);
    const framesOf = (wanted: string[]) =>
      after.videos.filter((v) => wanted.includes(v.id)).reduce((n, v) => n + v.frames, 0);
    expect(sync.summary?.frames).toBe(framesOf([`shelf/${toyVideoName(2)}`, `shelf/${toyVideoName(7)}`]));

    const fresh = join(dir, "s3-fresh");
    const freshRun = await index(`s3://${BUCKET}/library`, fresh);
    expect(freshRun.code).toBe(0);
    expect(await indexFiles(out)).toEqual(await indexFiles(fresh));
    console.log(
      `[s3 sync] ${expected.length} objects indexed in ${first.seconds.toFixed(2)}s; then 1 added, 1 changed, 1 deleted, 1 re-uploaded unchanged: sync ${sync.seconds.toFixed(2)}s (${JSON.stringify(sync.summary?.sync)}), fresh build ${freshRun.seconds.toFixed(2)}s`,
    );
  });

  it("names the bucket when listing fails (exit 2)", async () => {
    const run = await index("s3://no-such-bucket/videos", join(dir, "none"));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^error: listing s3:\/\/no-such-bucket\/videos\/ failed: NoSuchBucket.*AWS_ENDPOINT_URL_S3/,
    );
  });

  it("merges shard indexes read from s3:// into the index of one run", async () => {
    const shards = [1, 2].map((i) => join(dir, `shard-${i}`));
    for (const [i, shard] of shards.entries()) {
      const run = await index(`s3://${BUCKET}/library`, shard, ["--shard", `${i + 1}/2`]);
      expect(run.code, run.stderr).toBe(0);
      await putFolder(shard, `indexes/shard-${i + 1}/`);
    }
    const merged = join(dir, "merged");
    const run = await runCli([
      "merge",
      merged,
      `s3://${BUCKET}/indexes/shard-1`,
      `s3://${BUCKET}/indexes/shard-2/`,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(await indexFiles(merged)).toEqual(await indexFiles(join(dir, "s3-fresh")));
  });
});
