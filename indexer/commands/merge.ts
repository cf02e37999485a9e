// `merge`: combines shard indexes (from `index --shard i/n`) into one index.
import { InputError } from "../../shared/errors.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { mergeIndexes } from "../index-store/merge.ts";
import { readSyncRecord } from "../index-store/read-sync-record.ts";
import { readIndex } from "../index-store/reader.ts";
import { mergeSyncRecords } from "../index-store/sync-record.ts";
import { writeIndexAtomically } from "../index-store/writer.ts";

const usage = `
Usage: merge OUT_DIR SHARD_DIR... [--json]

Combines shard indexes into OUT_DIR (written atomically), identical to indexing the whole library
in one run. The shards must share model, sampling, aggregations, segment length and dtype.
`;

export const command: Command = {
  name: "merge",
  summary: "combine shard indexes into one index",
  usage,
  async run(args, context) {
    const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean", default: false } });
    if (positionals.length < 2)
      throw new InputError("bad_arguments", "give the output directory and at least one shard directory");
    const [outDir, ...shardDirs] = positionals;
    const shards = [];
    for (const dir of shardDirs) shards.push(await readIndex(dir));
    const merged = mergeIndexes(shards, shardDirs, new Date().toISOString());
    // The shards' sync records too, so `index` can later sync the merged index.
    merged.sync = mergeSyncRecords(await Promise.all(shardDirs.map(readSyncRecord)));
    await writeIndexAtomically(outDir, merged);
    const { counts } = merged.manifest;
    context.stderr.write(
      `merged ${shardDirs.length} shards into ${outDir}: ${counts.videos} videos, ${counts.vectors} vectors, ${counts.captions} captions\n`,
    );
    if (values.json)
      context.stdout.write(`${JSON.stringify({ outDir, shards: shardDirs, counts }, null, 2)}\n`);
    return 0;
  },
};
