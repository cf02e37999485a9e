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

/** The variables in which array-job engines (Kubernetes, Slurm, AWS Batch) give a task its index. */
export const SHARD_INDEX_VARIABLES = [
  "JOB_COMPLETION_INDEX",
  "SLURM_ARRAY_TASK_ID",
  "AWS_BATCH_JOB_ARRAY_INDEX",
] as const;

/** A shard taken from `--shard auto`: the shard and the variable (and value) it came from. */
export interface AutoShard {
  shard: Shard;
  /** E.g. "JOB_COMPLETION_INDEX=1" or "SLURM_ARRAY_TASK_ID=2 (SLURM_ARRAY_TASK_MIN=1, step 1)". */
  source: string;
}

type Environment = Record<string, string | undefined>;

/** A variable's value, trimmed; undefined when unset or empty. */
function variableValue(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function integerVariable(env: Environment, name: string): number | undefined {
  const value = variableValue(env, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value))
    throw new InputError("bad_arguments", `--shard auto: ${name} is "${value}", not a whole number >= 0`);
  return Number(value);
}

function refuseCount(engine: string, name: string, size: number, count: number): void {
  if (size !== count)
    throw new InputError(
      "bad_arguments",
      `--shard auto: the ${engine} array has ${size} tasks (${name}) but --shards is ${count}; give --shards ${size}`,
    );
}

/**
 * The 0-based task index each engine gives, with how it was read. Kubernetes Indexed Jobs and AWS
 * Batch count from 0. Slurm's SLURM_ARRAY_TASK_ID is whatever `--array` says (0-2, 1-3, 1-7:2): it is
 * counted from SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP (0 and 1 when Slurm set neither).
 * Array sizes the engine states (SLURM_ARRAY_TASK_COUNT, AWS_BATCH_JOB_ARRAY_SIZE) must equal `count`.
 */
function taskIndexes(env: Environment, count: number): { zeroBased: number; source: string }[] {
  const found: { zeroBased: number; source: string }[] = [];
  const kubernetes = integerVariable(env, "JOB_COMPLETION_INDEX");
  if (kubernetes !== undefined)
    found.push({ zeroBased: kubernetes, source: `JOB_COMPLETION_INDEX=${kubernetes}` });
  const slurm = integerVariable(env, "SLURM_ARRAY_TASK_ID");
  if (slurm !== undefined) {
    const min = integerVariable(env, "SLURM_ARRAY_TASK_MIN") ?? 0;
    const step = integerVariable(env, "SLURM_ARRAY_TASK_STEP") ?? 1;
    const size = integerVariable(env, "SLURM_ARRAY_TASK_COUNT");
    if (size !== undefined) refuseCount("Slurm", "SLURM_ARRAY_TASK_COUNT", size, count);
    const offset = slurm - min;
    if (offset < 0 || step < 1 || offset % step !== 0)
      throw new InputError(
        "bad_arguments",
        `--shard auto: SLURM_ARRAY_TASK_ID=${slurm} is not SLURM_ARRAY_TASK_MIN=${min} plus a multiple of SLURM_ARRAY_TASK_STEP=${step}; submit with --array=0-${count - 1}`,
      );
    found.push({
      zeroBased: offset / step,
      source: `SLURM_ARRAY_TASK_ID=${slurm} (SLURM_ARRAY_TASK_MIN=${min}, step ${step})`,
    });
  }
  const batch = integerVariable(env, "AWS_BATCH_JOB_ARRAY_INDEX");
  if (batch !== undefined) {
    const size = integerVariable(env, "AWS_BATCH_JOB_ARRAY_SIZE");
    if (size !== undefined) refuseCount("AWS Batch", "AWS_BATCH_JOB_ARRAY_SIZE", size, count);
    found.push({ zeroBased: batch, source: `AWS_BATCH_JOB_ARRAY_INDEX=${batch}` });
  }
  return found;
}

/**
 * `--shard auto --shards N`: this task's shard of N from the array job's environment (see
 * taskIndexes), 0-based task k being shard k+1 of N. Refused (bad_arguments) when no engine's
 * variable is set, when two set ones name different shards, or when the index is N or more.
 */
export function shardFromEnvironment(count: number, env: Environment): AutoShard {
  const found = taskIndexes(env, count);
  if (found.length === 0)
    throw new InputError(
      "bad_arguments",
      `--shard auto found none of ${SHARD_INDEX_VARIABLES.join(", ")} set; run it as an array job or give --shard i/n`,
    );
  const [first] = found;
  const other = found.find((f) => f.zeroBased !== first.zeroBased);
  if (other)
    throw new InputError(
      "bad_arguments",
      `--shard auto: ${first.source} and ${other.source} name different shards; unset one of them`,
    );
  if (first.zeroBased >= count)
    throw new InputError(
      "bad_arguments",
      `--shard auto: ${first.source} is task ${first.zeroBased} (0-based) but --shards is ${count}; give --shards as the array's size`,
    );
  return { shard: { index: first.zeroBased + 1, count }, source: first.source };
}

/**
 * The shard of `--shard SPEC [--shards N]`: none, "i/n", or "auto" with N (shardFromEnvironment).
 * `--shards` belongs to `--shard auto` only.
 */
export function resolveShard(
  spec: string | undefined,
  shardsText: string | undefined,
  env: Environment,
): { shard: Shard | null; source: string | null } {
  if (spec?.trim() !== "auto") {
    if (shardsText !== undefined)
      throw new InputError("bad_arguments", "--shards N goes with --shard auto (--shard i/n names n itself)");
    return { shard: spec === undefined ? null : parseShard(spec), source: null };
  }
  if (shardsText === undefined)
    throw new InputError(
      "bad_arguments",
      "--shard auto needs --shards N, the number of tasks in the array job",
    );
  const count = /^\d+$/.test(shardsText.trim()) ? Number(shardsText) : Number.NaN;
  if (!Number.isSafeInteger(count) || count < 1)
    throw new InputError("bad_arguments", `--shards must be a whole number >= 1, got "${shardsText}"`);
  return shardFromEnvironment(count, env);
}

/**
 * What is wrong with a set of shards about to be merged, from their sync.json records (undefined for
 * an index that is no shard): shards of different splits, or shards of one split missing (a failed
 * array task). Null when they are the whole of one split, or when none says it is a shard.
 */
export function shardSetProblem(shards: readonly (Shard | undefined)[]): string | null {
  const known = shards.filter((s): s is Shard => s !== undefined);
  if (known.length === 0) return null;
  const counts = [...new Set(known.map((s) => s.count))].sort((a, b) => a - b);
  if (counts.length > 1 || known.length < shards.length)
    return `the indexes are shards of different splits (${known.length < shards.length ? "a whole index and " : ""}${counts.map((n) => `n = ${n}`).join(", ")}); merge shards of one --shards N run`;
  const [count] = counts;
  const present = new Set(known.map((s) => s.index));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !present.has(i));
  if (missing.length === 0) return null;
  return `shard${missing.length > 1 ? "s" : ""} ${missing.map((i) => `${i}/${count}`).join(", ")} ${missing.length > 1 ? "are" : "is"} missing: ${missing.length > 1 ? "their" : "its"} videos are not in the merged index (a failed array task?)`;
}
