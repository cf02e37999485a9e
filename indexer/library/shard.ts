// Deterministic split of a library into n shards, so several machines can index one library.
import { createHash } from "node:crypto";
import { InputError } from "../../shared/errors.ts";

/** Shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n" (1-based, like vitest's --shard): "2/4" is the second of four shards. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count)
    throw new InputError("bad_arguments", `--shard must be i/n with 1 <= i <= n, e.g. 1/4; got "${text}"`);
  return { index, count };
}

/**
 * Shard (1-based) that owns a video: a hash of its id, so that adding videos never moves old ones
 * between shards.
 */
export function shardOf(id: string, count: number): number {
  const digest = createHash("sha256").update(id, "utf8").digest();
  return (digest.readUInt32BE(0) % count) + 1;
}

/** True when `id` belongs to `shard` (always true without a shard). */
export function inShard(id: string, shard: Shard | null): boolean {
  return shard === null || shardOf(id, shard.count) === shard.index;
}
