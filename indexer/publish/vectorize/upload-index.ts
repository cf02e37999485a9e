// Syncs a local index into a Vectorize index: checks the remote dimension, compares the local
// records with the ledger (ledger.ts) of what the remote already holds, upserts new and changed
// vectors in NDJSON batches, deletes the ones the local index no longer has (delete_by_ids), and
// records every accepted batch in the ledger, so a rerun is a no-op and a failed run resumes.
import { InputError } from "../../../shared/errors.ts";
import type { IndexData } from "../../index/index-data.ts";
import { type VectorizeClient, VectorizeRequestError } from "./client.ts";
import { accountKey, emptyLedger, type Ledger, readLedger, recordHash, writeLedger } from "./ledger.ts";
import { type BatchLimits, DEFAULT_BATCH_LIMITS, encodeBatch, planBatches } from "./ndjson-batches.ts";
import { buildVectorRecords, DELETE_IDS_PER_REQUEST, type VectorNamespace } from "./records.ts";

export interface UploadOptions {
  /** Name of the Vectorize index (created beforehand with `wrangler vectorize create`). */
  indexName: string;
  /** Client to send with; omit for a dry run (nothing is sent, no credentials needed). */
  client?: VectorizeClient;
  /** CLOUDFLARE_ACCOUNT_ID, to tell one account's ledger from another's (stored hashed). */
  accountId?: string;
  /** The ledger file (ledger.ts); null sends every vector and deletes nothing (no memory of the remote). */
  ledgerPath: string | null;
  /** The library shard the index holds ("2/3", sync.json), or null for a whole library (the default). */
  shard?: string | null;
  limits?: BatchLimits;
  /** Stop after this many batches in a row failed for good (the service is likely down); default 3. */
  maxConsecutiveFailures?: number;
  onEvent?: (event: UploadEvent) => void;
}

export type UploadEvent =
  | { type: "planned"; vectors: number; batches: number; deletes: number; unchanged: number }
  | { type: "remote-index"; dimensions: number; metric: string }
  | { type: "ledger-reset"; reason: string }
  | { type: "batch-done"; batch: number; batches: number; vectorsDone: number; vectors: number }
  | { type: "batch-failed"; batch: number; batches: number; error: string }
  | { type: "delete-done"; deleted: number; deletes: number }
  | { type: "delete-failed"; ids: number; error: string };

/** A batch that did not arrive: 1-based batch number, its vector ids and why. */
export interface FailedBatch {
  batch: number;
  ids: string[];
  error: string;
  /** True when it was not sent because earlier batches kept failing. */
  skipped: boolean;
  /** What the batch was: upserts (NDJSON) or a delete_by_ids. */
  kind: "upsert" | "delete";
}

export interface UploadSummary {
  indexName: string;
  dryRun: boolean;
  model: { id: string; dimension: number };
  /** Vectors of the local index per namespace ("video", "segment", "caption") and in total. */
  namespaces: Partial<Record<VectorNamespace, number>>;
  vectors: number;
  /**
   * Against the ledger: vectors sent because they are new or changed, kept because the remote holds
   * them as they are, and deleted because the local index no longer has them.
   */
  sync: { added: number; changed: number; unchanged: number; deleted: number };
  /** The ledger file, or null with --no-ledger. */
  ledger: string | null;
  /** Upsert batches planned (new and changed vectors only). */
  batches: number;
  /** NDJSON bytes sent (or that would be sent on a dry run). */
  bytes: number;
  /** Vectorize mutation ids of the accepted requests (upserts, then deletes), in order. */
  mutationIds: string[];
  failed: FailedBatch[];
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** The ledger to diff against, or a new one (with the reason) when the file describes another index. */
async function openLedger(
  path: string | null,
  indexName: string,
  account: string | null,
  createdOn: string | null,
  shard: string | null,
): Promise<{ ledger: Ledger; resetReason: string | null }> {
  const fresh = emptyLedger(indexName, account ?? "", createdOn, shard);
  const found = path === null ? null : await readLedger(path);
  if (found === null) return { ledger: fresh, resetReason: null };
  let reason: string | null = null;
  if (found.indexName !== indexName) reason = `it describes Vectorize index "${found.indexName}"`;
  else if (account !== null && found.account !== account) reason = "it describes another account";
  else if (createdOn !== null && found.createdOn !== createdOn)
    reason = `the Vectorize index was recreated (created ${createdOn}, the ledger's ${found.createdOn})`;
  if (reason !== null) return { ledger: fresh, resetReason: `ignoring the ledger ${path}: ${reason}` };
  // Another shard's ledger lists vectors this index does not have: diffing against it would delete them.
  const ledgerShard = found.shard ?? null;
  if (ledgerShard !== shard) {
    const whose = (label: string | null) => (label === null ? "the whole library" : `shard ${label}`);
    throw new InputError(
      "ledger_shard_mismatch",
      `the ledger ${path} tracks ${whose(ledgerShard)} but this index is ${whose(shard)}; give each shard its own ledger (the default, beside its index directory, or --ledger FILE)`,
    );
  }
  return { ledger: found, resetReason: null };
}

/** Makes the Vectorize index `options.indexName` hold exactly the vectors of `index`. */
export async function uploadIndex(index: IndexData, options: UploadOptions): Promise<UploadSummary> {
  const { indexName, client, onEvent, ledgerPath } = options;
  if (!NAME_PATTERN.test(indexName))
    throw new InputError(
      "bad_arguments",
      `--vectorize "${indexName}" is not a Vectorize index name (letters, digits, "-" and "_", at most 64)`,
    );
  const limits = options.limits ?? DEFAULT_BATCH_LIMITS;
  const maxConsecutiveFailures = options.maxConsecutiveFailures ?? 3;
  const records = await buildVectorRecords(index);

  let createdOn: string | null = null;
  if (client) {
    const remote = await client.getIndex(indexName);
    onEvent?.({ type: "remote-index", dimensions: remote.dimensions, metric: remote.metric });
    const { dimension, id } = index.manifest.model;
    if (remote.dimensions !== dimension) {
      throw new InputError(
        "dimension_mismatch",
        `Vectorize index "${indexName}" has ${remote.dimensions} dimensions but the local index (${id}) has ${dimension}; create one with --dimensions=${dimension}`,
      );
    }
    createdOn = remote.createdOn;
  }
  const account = options.accountId === undefined ? null : accountKey(options.accountId);
  const { ledger, resetReason } = await openLedger(
    ledgerPath,
    indexName,
    account,
    client ? createdOn : null,
    options.shard ?? null,
  );
  if (resetReason !== null) onEvent?.({ type: "ledger-reset", reason: resetReason });

  const hashes = records.map(recordHash);
  const sync = { added: 0, changed: 0, unchanged: 0, deleted: 0 };
  const toSend = records.filter((record, i) => {
    const known = ledger.vectors[record.id];
    if (known === hashes[i]) sync.unchanged++;
    else if (known === undefined) sync.added++;
    else sync.changed++;
    return known !== hashes[i];
  });
  const hashOf = new Map(records.map((record, i) => [record.id, hashes[i]]));
  const toDelete = Object.keys(ledger.vectors)
    .filter((id) => !hashOf.has(id))
    .sort();
  const plans = planBatches(toSend, limits);
  const namespaces: UploadSummary["namespaces"] = {};
  for (const record of records) namespaces[record.namespace] = (namespaces[record.namespace] ?? 0) + 1;
  const summary: UploadSummary = {
    indexName,
    dryRun: client === undefined,
    model: index.manifest.model,
    namespaces,
    vectors: records.length,
    sync,
    ledger: ledgerPath,
    batches: plans.length,
    bytes: 0,
    mutationIds: [],
    failed: [],
  };
  onEvent?.({
    type: "planned",
    vectors: toSend.length,
    batches: plans.length,
    deletes: toDelete.length,
    unchanged: sync.unchanged,
  });

  const save = async () => {
    if (ledgerPath !== null) await writeLedger(ledgerPath, ledger);
  };
  let vectorsDone = 0;
  let failuresInRow = 0;
  for (const [i, plan] of plans.entries()) {
    const batch = i + 1;
    const ids = () => toSend.slice(plan.start, plan.end).map((record) => record.id);
    if (failuresInRow >= maxConsecutiveFailures) {
      summary.failed.push({
        batch,
        ids: ids(),
        error: "not sent: earlier batches kept failing",
        skipped: true,
        kind: "upsert",
      });
      continue;
    }
    const body = encodeBatch(toSend, plan);
    summary.bytes += body.length;
    if (!client) continue;
    try {
      summary.mutationIds.push(await client.upsert(indexName, body));
      failuresInRow = 0;
      for (const id of ids()) ledger.vectors[id] = hashOf.get(id) as string;
      await save();
      vectorsDone += plan.end - plan.start;
      onEvent?.({ type: "batch-done", batch, batches: plans.length, vectorsDone, vectors: toSend.length });
    } catch (error) {
      if (!(error instanceof VectorizeRequestError)) throw error;
      failuresInRow++;
      summary.failed.push({ batch, ids: ids(), error: error.message, skipped: false, kind: "upsert" });
      onEvent?.({ type: "batch-failed", batch, batches: plans.length, error: error.message });
    }
  }

  // Deletes after the upserts: the remote never lacks a vector it should have, only holds stale ones a bit longer.
  for (let start = 0; start < toDelete.length; start += DELETE_IDS_PER_REQUEST) {
    const ids = toDelete.slice(start, start + DELETE_IDS_PER_REQUEST);
    const batch = plans.length + start / DELETE_IDS_PER_REQUEST + 1;
    if (!client) {
      sync.deleted += ids.length;
      continue;
    }
    if (failuresInRow >= maxConsecutiveFailures) {
      summary.failed.push({
        batch,
        ids,
        error: "not sent: earlier batches kept failing",
        skipped: true,
        kind: "delete",
      });
      continue;
    }
    try {
      summary.mutationIds.push(await client.deleteByIds(indexName, ids));
      failuresInRow = 0;
      for (const id of ids) delete ledger.vectors[id];
      await save();
      sync.deleted += ids.length;
      onEvent?.({ type: "delete-done", deleted: sync.deleted, deletes: toDelete.length });
    } catch (error) {
      if (!(error instanceof VectorizeRequestError)) throw error;
      failuresInRow++;
      summary.failed.push({ batch, ids, error: error.message, skipped: false, kind: "delete" });
      onEvent?.({ type: "delete-failed", ids: ids.length, error: error.message });
    }
  }
  // A ledger made now (first upload, or a recreated index) is written even when nothing had to be sent.
  if (client && plans.length === 0 && toDelete.length === 0) await save();
  return summary;
}
