// `upload`: syncs a local index directory into a Cloudflare Vectorize index over the REST API.
import { InputError } from "../../shared/errors.ts";
import type { Command, CommandContext } from "../cli/command.ts";
import { defineCommand } from "../cli/define-command.ts";
import { readSyncRecord } from "../index/read-sync-record.ts";
import { readIndex } from "../index/reader.ts";
import { shardLabel } from "../index/sync-record.ts";
import { DEFAULT_TIMEOUT_MS, VectorizeClient } from "../publish/vectorize/client.ts";
import { readVectorizeConfig } from "../publish/vectorize/config.ts";
import { defaultLedgerPath } from "../publish/vectorize/ledger.ts";
import { DEFAULT_BATCH_LIMITS } from "../publish/vectorize/ndjson-batches.ts";
import { VECTORIZE_LIMITS } from "../publish/vectorize/records.ts";
import type { RetryPolicy } from "../publish/vectorize/retry.ts";
import { type UploadEvent, type UploadSummary, uploadIndex } from "../publish/vectorize/upload-index.ts";

const DETAILS = `
Makes a Cloudflare Vectorize index (REST API v2) hold exactly the vectors of a local index: upserts
new and changed vectors in NDJSON batches of at most 5000 vectors and 100 MB, deletes those of
removed videos and captions (delete_by_ids, 1000 ids a request), retrying 429 / 5xx / timeouts with
backoff. What the remote holds is known from a ledger (vector id -> content hash) kept beside the
index as INDEX_DIR.vectorize-INDEX_NAME.json and rewritten after every accepted batch: a rerun sends
nothing, a failed or killed run resumes. A recreated Vectorize index (new created_on) starts afresh.
Shards (index --shard) upload into one Vectorize index side by side, each with its own ledger (the
default): vector ids are the videos', so a shard only ever upserts and deletes its own; a ledger
of another shard (or of the whole library) is refused.
Create the Vectorize index first:
  npx wrangler vectorize create NAME --dimensions=<model dimension> --metric=cosine
Credentials come only from the environment: CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (a token
with "Vectorize Write"). Namespaces: "video" (aggregated vectors), "segment", "caption".
Vector ids are deterministic, so sending a vector again overwrites instead of duplicating.
The worker also needs INDEX_DIR/manifest.json in its R2 bucket to check the model.
`;

/** What tests replace: environment, fetch, timing. */
export interface UploadDependencies {
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

const MAX_IDS_SHOWN = 10;

function describeIds(ids: string[]): string {
  const shown = ids.slice(0, MAX_IDS_SHOWN).join(", ");
  return ids.length > MAX_IDS_SHOWN ? `${shown}, ... (${ids.length} in all; --json lists every id)` : shown;
}

function printEvent(event: UploadEvent, context: CommandContext): void {
  const { stderr } = context;
  if (event.type === "planned")
    stderr.write(
      `${event.vectors} vectors to upsert in ${event.batches} batches, ${event.deletes} to delete, ${event.unchanged} unchanged\n`,
    );
  else if (event.type === "ledger-reset") stderr.write(`${event.reason}\n`);
  else if (event.type === "delete-done") stderr.write(`deleted ${event.deleted}/${event.deletes} vectors\n`);
  else if (event.type === "delete-failed")
    stderr.write(`delete of ${event.ids} vectors failed: ${event.error}\n`);
  else if (event.type === "remote-index")
    stderr.write(`Vectorize index: ${event.dimensions} dimensions, metric ${event.metric}\n`);
  else if (event.type === "batch-done")
    stderr.write(
      `batch ${event.batch}/${event.batches} done (${event.vectorsDone}/${event.vectors} vectors)\n`,
    );
  else stderr.write(`batch ${event.batch}/${event.batches} failed: ${event.error}\n`);
}

function printSummary(summary: UploadSummary, context: CommandContext): void {
  const { stderr } = context;
  const kinds = Object.entries(summary.namespaces)
    .map(([namespace, count]) => `${count} ${namespace}`)
    .join(", ");
  const { sync } = summary;
  const toSend = sync.added + sync.changed;
  const failedUpserts = summary.failed
    .filter((f) => f.kind === "upsert")
    .reduce((n, f) => n + f.ids.length, 0);
  if (summary.dryRun) {
    stderr.write(
      `dry run: would upsert ${toSend} of ${summary.vectors} vectors (${kinds || "none"}; ${sync.added} new, ${sync.changed} changed) in ${summary.batches} batches, ${(summary.bytes / 1e6).toFixed(1)} MB, and delete ${sync.deleted}, in "${summary.indexName}"\n`,
    );
    return;
  }
  stderr.write(
    `synced "${summary.indexName}" (${summary.vectors} vectors: ${kinds || "none"}): ${toSend - failedUpserts}/${toSend} upserted (${sync.added} new, ${sync.changed} changed), ${sync.deleted} deleted, ${sync.unchanged} unchanged\n`,
  );
  if (summary.mutationIds.length > 0) stderr.write(`mutation ids: ${summary.mutationIds.join(", ")}\n`);
  for (const failure of summary.failed) {
    stderr.write(
      `failed batch ${failure.batch} (${failure.ids.length} vectors): ${failure.error}\n  ids: ${describeIds(failure.ids)}\n`,
    );
  }
  if (summary.failed.length > 0)
    stderr.write("re-run the same command to retry: the ledger sends only what is still missing\n");
}

/** Builds the command; `deps` lets tests inject the environment, fetch and retry timing. */
export function createUploadCommand(deps: UploadDependencies = {}): Command {
  return defineCommand({
    name: "upload",
    summary: "upsert a local index into a Cloudflare Vectorize index (REST API)",
    positionals: [{ name: "INDEX_DIR", description: "local index directory" }],
    options: {
      vectorize: {
        type: "string",
        valueName: "INDEX_NAME",
        required: true,
        description: "the Vectorize index (created first: see below)",
      },
      "dry-run": {
        type: "boolean",
        description: "build and count the batches, send nothing (no credentials needed)",
      },
      json: {
        type: "boolean",
        description: "print the summary as JSON on stdout (mutation ids, failed batches with ids)",
      },
      "batch-size": {
        type: "integer",
        valueName: "N",
        min: 1,
        max: VECTORIZE_LIMITS.vectorsPerRequest,
        default: DEFAULT_BATCH_LIMITS.maxVectors,
        description: "vectors per request",
      },
      timeout: {
        type: "integer",
        valueName: "SEC",
        min: 1,
        max: 3600,
        description: `give up on a request unanswered after SEC seconds (default ${DEFAULT_TIMEOUT_MS / 1000}), retried like a 5xx (6 attempts in all)`,
      },
      ledger: {
        type: "string",
        valueName: "FILE",
        description: "the ledger file (default INDEX_DIR.vectorize-INDEX_NAME.json beside INDEX_DIR)",
      },
      "no-ledger": {
        type: "boolean",
        description: "upsert every vector and delete nothing (no memory of what the remote holds)",
      },
    },
    details: DETAILS,
    async run({ values, positionals }, context) {
      const indexName = values.vectorize;
      if (positionals.length !== 1) {
        throw new InputError(
          "bad_arguments",
          `upload takes one INDEX_DIR, got ${positionals.length}; see --help`,
        );
      }
      const maxVectors = values["batch-size"];
      const dryRun = values["dry-run"];
      const json = values.json;
      // Credentials first: a missing token should not wait for a large index to load.
      const config = dryRun ? undefined : readVectorizeConfig(deps.env);
      const index = await readIndex(positionals[0]);
      const shard = shardLabel(await readSyncRecord(positionals[0]));
      const client = config
        ? new VectorizeClient(config, {
            fetch: deps.fetch,
            timeoutMs: values.timeout === undefined ? deps.timeoutMs : values.timeout * 1000,
            retry: deps.retry,
            onRetry: (event) => {
              if (!json)
                context.stderr.write(
                  `${event.operation}: ${event.reason}; retry in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt + 1}/${event.maxAttempts})\n`,
                );
            },
          })
        : undefined;
      if (values.ledger !== undefined && values["no-ledger"])
        throw new InputError("bad_arguments", "give --ledger FILE or --no-ledger, not both");
      const ledgerPath = values["no-ledger"]
        ? null
        : (values.ledger ?? defaultLedgerPath(positionals[0], indexName));
      const summary = await uploadIndex(index, {
        indexName,
        client,
        accountId: config?.accountId,
        ledgerPath,
        shard,
        limits: { ...DEFAULT_BATCH_LIMITS, maxVectors },
        onEvent: json ? undefined : (event) => printEvent(event, context),
      });
      if (json) context.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else printSummary(summary, context);
      return summary.failed.length > 0 ? 1 : 0;
    },
  });
}

export const command: Command = createUploadCommand();
