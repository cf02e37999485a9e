// `merge`: combines shard indexes (from `index --shard i/n`), local or under s3:// prefixes, into one index.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../shared/errors.ts";
import { defineCommand } from "../cli/define-command.ts";
import { downloadPrefix, isS3Url, parseS3Url, s3ClientFromEnv } from "../discover/s3-store.ts";
import { shardSetProblem } from "../discover/shard.ts";
import type { IndexData } from "../index/index-data.ts";
import { mergeIndexes } from "../index/merge.ts";
import { readSyncRecord } from "../index/read-sync-record.ts";
import { readIndex } from "../index/reader.ts";
import { mergeSyncRecords } from "../index/sync-record.ts";
import { writeIndexAtomically } from "../index/writer.ts";

const DETAILS = `
Combines shard indexes into OUT_DIR (written atomically), identical to indexing the whole library
in one run. The shards must share model, sampling, aggregations, segment length and dtype. A
SHARD_DIR may be s3://bucket/prefix (an index directory uploaded there; endpoint and credentials
from AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION): it is copied to a
temporary folder first. It warns when the shards' records (sync.json) show a shard of the split missing
(a failed array task) or shards of different splits.
`;

/** The shards as local folders: s3:// prefixes are copied into numbered folders under `downloads`. */
async function localShardDirs(shardDirs: readonly string[], downloads: string): Promise<string[]> {
  const local: string[] = [];
  for (const [i, dir] of shardDirs.entries()) {
    if (!isS3Url(dir)) {
      local.push(dir);
      continue;
    }
    const copy = join(downloads, String(i));
    await downloadPrefix(s3ClientFromEnv(), parseS3Url(dir), copy);
    local.push(copy);
  }
  return local;
}

export const command = defineCommand({
  name: "merge",
  summary: "combine shard indexes into one index",
  positionals: [
    { name: "OUT_DIR", description: "index directory to write" },
    { name: "SHARD_DIR...", description: "shard index directories (or s3:// prefixes), at least one" },
  ],
  options: {
    json: { type: "boolean", description: "print {outDir, shards, counts} as JSON on stdout" },
  },
  details: DETAILS,
  async run({ values, positionals }, context) {
    if (positionals.length < 2)
      throw new InputError("bad_arguments", "give the output directory and at least one shard directory");
    const [outDir, ...shardDirs] = positionals;
    const downloads = await mkdtemp(join(tmpdir(), "clip-merge-"));
    let merged: IndexData;
    let problem: string | null = null;
    try {
      const localDirs = await localShardDirs(shardDirs, downloads);
      const shards = [];
      for (const dir of localDirs) shards.push(await readIndex(dir));
      merged = mergeIndexes(shards, shardDirs, new Date().toISOString());
      // The shards' sync records too, so `index` can later sync the merged index.
      const records = await Promise.all(localDirs.map(readSyncRecord));
      merged.sync = mergeSyncRecords(records);
      problem = shardSetProblem(records.map((record) => record?.shard));
      await writeIndexAtomically(outDir, merged);
    } finally {
      await rm(downloads, { recursive: true, force: true });
    }
    if (problem !== null) context.stderr.write(`warning: ${problem}\n`);
    const { counts } = merged.manifest;
    context.stderr.write(
      `merged ${shardDirs.length} shards into ${outDir}: ${counts.videos} videos, ${counts.vectors} vectors, ${counts.captions} captions\n`,
    );
    if (values.json)
      context.stdout.write(`${JSON.stringify({ outDir, shards: shardDirs, counts }, null, 2)}\n`);
    return 0;
  },
});
