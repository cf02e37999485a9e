// Uploads a local index to a Vectorize index: checks the remote dimension, then upserts the planned
// NDJSON batches one after another, collecting mutation ids and the ids of batches that failed.
import { InputError } from "../../shared/errors.ts";
import type { IndexData } from "../index-store/index-data.ts";
import { type VectorizeClient, VectorizeRequestError } from "./client.ts";
import { type BatchLimits, DEFAULT_BATCH_LIMITS, encodeBatch, planBatches } from "./ndjson-batches.ts";
import { buildVectorRecords, type VectorNamespace } from "./records.ts";

export interface UploadOptions {
  /** Name of the Vectorize index (created beforehand with `wrangler vectorize create`). */
  indexName: string;
  /** Client to send with; omit for a dry run (nothing is sent, no credentials needed). */
  client?: VectorizeClient;
  limits?: BatchLimits;
  /** Stop after this many batches in a row failed for good (the service is likely down); default 3. */
  maxConsecutiveFailures?: number;
  onEvent?: (event: UploadEvent) => void;
}

export type UploadEvent =
  | { type: "planned"; vectors: number; batches: number }
  | { type: "remote-index"; dimensions: number; metric: string }
  | { type: "batch-done"; batch: number; batches: number; vectorsDone: number; vectors: number }
  | { type: "batch-failed"; batch: number; batches: number; error: string };

/** A batch that did not arrive: 1-based batch number, its vector ids and why. */
export interface FailedBatch {
  batch: number;
  ids: string[];
  error: string;
  /** True when it was not sent because earlier batches kept failing. */
  skipped: boolean;
}

export interface UploadSummary {
  indexName: string;
  dryRun: boolean;
  model: { id: string; dimension: number };
  /** Vectors per namespace ("video", "segment", "caption") and in total. */
  namespaces: Partial<Record<VectorNamespace, number>>;
  vectors: number;
  batches: number;
  /** NDJSON bytes sent (or that would be sent on a dry run). */
  bytes: number;
  /** Vectorize mutation ids of the accepted batches, in batch order. */
  mutationIds: string[];
  failed: FailedBatch[];
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Upserts every vector of `index` into the Vectorize index `options.indexName`. */
export async function uploadIndex(index: IndexData, options: UploadOptions): Promise<UploadSummary> {
  const { indexName, client, onEvent } = options;
  if (!NAME_PATTERN.test(indexName))
    throw new InputError(
      "bad_arguments",
      `--vectorize "${indexName}" is not a Vectorize index name (letters, digits, "-" and "_", at most 64)`,
    );
  const limits = options.limits ?? DEFAULT_BATCH_LIMITS;
  const maxConsecutiveFailures = options.maxConsecutiveFailures ?? 3;
  const records = await buildVectorRecords(index);
  const plans = planBatches(records, limits);
  const namespaces: UploadSummary["namespaces"] = {};
  for (const record of records) namespaces[record.namespace] = (namespaces[record.namespace] ?? 0) + 1;
  const summary: UploadSummary = {
    indexName,
    dryRun: client === undefined,
    model: index.manifest.model,
    namespaces,
    vectors: records.length,
    batches: plans.length,
    bytes: 0,
    mutationIds: [],
    failed: [],
  };
  onEvent?.({ type: "planned", vectors: records.length, batches: plans.length });

  if (client && plans.length > 0) {
    const remote = await client.getIndex(indexName);
    onEvent?.({ type: "remote-index", ...remote });
    const { dimension, id } = index.manifest.model;
    if (remote.dimensions !== dimension) {
      throw new InputError(
        "dimension_mismatch",
        `Vectorize index "${indexName}" has ${remote.dimensions} dimensions but the local index (${id}) has ${dimension}; create one with --dimensions=${dimension}`,
      );
    }
  }

  let vectorsDone = 0;
  let failuresInRow = 0;
  for (const [i, plan] of plans.entries()) {
    const batch = i + 1;
    const ids = () => records.slice(plan.start, plan.end).map((record) => record.id);
    if (failuresInRow >= maxConsecutiveFailures) {
      summary.failed.push({
        batch,
        ids: ids(),
        error: "not sent: earlier batches kept failing",
        skipped: true,
      });
      continue;
    }
    const body = encodeBatch(records, plan);
    summary.bytes += body.length;
    if (!client) continue;
    try {
      summary.mutationIds.push(await client.upsert(indexName, body));
      failuresInRow = 0;
      vectorsDone += plan.end - plan.start;
      onEvent?.({ type: "batch-done", batch, batches: plans.length, vectorsDone, vectors: records.length });
    } catch (error) {
      if (!(error instanceof VectorizeRequestError)) throw error;
      failuresInRow++;
      summary.failed.push({ batch, ids: ids(), error: error.message, skipped: false });
      onEvent?.({ type: "batch-failed", batch, batches: plans.length, error: error.message });
    }
  }
  return summary;
}
