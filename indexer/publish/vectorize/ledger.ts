// The upload ledger: what this machine knows the Vectorize index holds (vector id -> content hash),
// kept in a JSON file beside the local index and rewritten durably after every accepted batch, so
// `upload` sends only new or changed vectors, deletes the ones the local index no longer has, and
// resumes after a failure or a kill where it stopped.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { writeFileDurably } from "../../index/durable-file.ts";
import type { VectorRecord } from "./records.ts";

const LEDGER_FORMAT = "clip-video-vectorize-ledger";
const LEDGER_VERSION = 1;

export interface Ledger {
  format: typeof LEDGER_FORMAT;
  version: number;
  indexName: string;
  /** sha256 of the account id (the id itself stays out of files), first 16 hex digits. */
  account: string;
  /** The remote index's created_on: a recreated index (same name, empty) starts a new ledger. */
  createdOn: string | null;
  /**
   * The shard of the library whose vectors this ledger tracks ("2/3", from the index's sync.json), or
   * null for a whole library (absent in older ledgers). Shards of one library upload into one
   * Vectorize index each with its own ledger: one shard's ledger never lists another's vectors, so
   * its deletes never touch them.
   */
  shard?: string | null;
  /** Vector id -> recordHash of what the index accepted. */
  vectors: Record<string, string>;
}

/** Default ledger path: `<index dir>.vectorize-<index name>.json` beside the index directory. */
export function defaultLedgerPath(indexDir: string, indexName: string): string {
  const dir = resolve(indexDir);
  return join(dirname(dir), `${basename(dir)}.vectorize-${indexName}.json`);
}

export function accountKey(accountId: string): string {
  return createHash("sha256").update(accountId, "utf8").digest("hex").slice(0, 16);
}

/** Hash of everything Vectorize stores for a record: namespace, metadata and the float32 values. */
export function recordHash(record: VectorRecord): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify([record.namespace, record.metadata]));
  hash.update(new Uint8Array(record.values.buffer, record.values.byteOffset, record.values.byteLength));
  return hash.digest("base64url").slice(0, 22);
}

export function emptyLedger(
  indexName: string,
  account: string,
  createdOn: string | null,
  shard: string | null,
): Ledger {
  return {
    format: LEDGER_FORMAT,
    version: LEDGER_VERSION,
    indexName,
    account,
    createdOn,
    shard,
    vectors: {},
  };
}

/** The ledger at `path`, or null when there is none (or it is not one). */
export async function readLedger(path: string): Promise<Ledger | null> {
  const text = await readFile(path, "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Ledger;
    if (value.format !== LEDGER_FORMAT || value.version !== LEDGER_VERSION) return null;
    if (typeof value.vectors !== "object" || value.vectors === null) return null;
    return value;
  } catch {
    return null;
  }
}

/** Writes the ledger so that a crash leaves the old or the new file, never a torn one. */
export async function writeLedger(path: string, ledger: Ledger): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(ledger.vectors).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeFileDurably(path, [
    new TextEncoder().encode(`${JSON.stringify({ ...ledger, vectors: sorted })}\n`),
  ]);
}
