// `upload`: upserts a local index directory into a Cloudflare Vectorize index over the REST API.
import { InputError } from "../../shared/errors.ts";
import { parseCommandArgs, parseIntegerOption, requireOption } from "../args.ts";
import type { Command, CommandContext } from "../command.ts";
import { readIndex } from "../index-store/reader.ts";
import { DEFAULT_TIMEOUT_MS, VectorizeClient } from "../vectorize/client.ts";
import { readVectorizeConfig } from "../vectorize/config.ts";
import { DEFAULT_BATCH_LIMITS } from "../vectorize/ndjson-batches.ts";
import { VECTORIZE_LIMITS } from "../vectorize/records.ts";
import type { RetryPolicy } from "../vectorize/retry.ts";
import { type UploadEvent, type UploadSummary, uploadIndex } from "../vectorize/upload-index.ts";

const USAGE = `
Usage: npm run cli -- upload INDEX_DIR --vectorize INDEX_NAME [--dry-run] [--json] [--batch-size N] [--timeout SEC]

Upserts every vector of a local index into a Cloudflare Vectorize index (REST API v2), in NDJSON
batches of at most 5000 vectors and 100 MB, retrying 429 / 5xx / timeouts with backoff.
  --vectorize NAME   Vectorize index, created first with:
                     npx wrangler vectorize create NAME --dimensions=<model dimension> --metric=cosine
  --dry-run          build and count the batches, send nothing (no credentials needed)
  --json             print the summary as JSON on stdout (mutation ids, failed batches with ids)
  --batch-size N     vectors per request, 1..5000 (default 5000)
  --timeout SEC      give up on a request that has not answered in SEC seconds, 1..3600 (default 120);
                     it is retried like a 5xx (up to 6 attempts in all)
Credentials come only from the environment: CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (a token
with "Vectorize Write"). Namespaces: "video" (aggregated vectors), "segment", "caption".
Vector ids are deterministic, so running it again overwrites instead of duplicating.
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
  if (event.type === "planned") stderr.write(`${event.vectors} vectors in ${event.batches} batches\n`);
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
  const sent = summary.vectors - summary.failed.reduce((n, f) => n + f.ids.length, 0);
  if (summary.dryRun) {
    stderr.write(
      `dry run: would upsert ${summary.vectors} vectors (${kinds || "none"}) in ${summary.batches} batches, ${(summary.bytes / 1e6).toFixed(1)} MB, into "${summary.indexName}"\n`,
    );
    return;
  }
  stderr.write(
    `upserted ${sent}/${summary.vectors} vectors (${kinds || "none"}) into "${summary.indexName}"\n`,
  );
  if (summary.mutationIds.length > 0) stderr.write(`mutation ids: ${summary.mutationIds.join(", ")}\n`);
  for (const failure of summary.failed) {
    stderr.write(
      `failed batch ${failure.batch} (${failure.ids.length} vectors): ${failure.error}\n  ids: ${describeIds(failure.ids)}\n`,
    );
  }
  if (summary.failed.length > 0)
    stderr.write("re-run the same command to retry: upserts are idempotent, ids are deterministic\n");
}

/** Builds the command; `deps` lets tests inject the environment, fetch and retry timing. */
export function createUploadCommand(deps: UploadDependencies = {}): Command {
  return {
    name: "upload",
    summary: "upsert a local index into a Cloudflare Vectorize index (REST API)",
    usage: USAGE,
    async run(args, context) {
      const { values, positionals } = parseCommandArgs(args, {
        vectorize: { type: "string" },
        "dry-run": { type: "boolean" },
        json: { type: "boolean" },
        "batch-size": { type: "string" },
        timeout: { type: "string" },
      });
      const indexName = requireOption(values.vectorize, "--vectorize INDEX_NAME");
      if (positionals.length !== 1) {
        throw new InputError(
          "bad_arguments",
          `upload takes one INDEX_DIR, got ${positionals.length}; see --help`,
        );
      }
      const maxVectors = parseIntegerOption(
        values["batch-size"],
        "--batch-size",
        1,
        VECTORIZE_LIMITS.vectorsPerRequest,
        DEFAULT_BATCH_LIMITS.maxVectors,
      );
      const timeoutSec = parseIntegerOption(values.timeout, "--timeout", 1, 3600, DEFAULT_TIMEOUT_MS / 1000);
      const dryRun = values["dry-run"] === true;
      const json = values.json === true;
      // Credentials first: a missing token should not wait for a large index to load.
      const config = dryRun ? undefined : readVectorizeConfig(deps.env);
      const index = await readIndex(positionals[0]);
      const client = config
        ? new VectorizeClient(config, {
            fetch: deps.fetch,
            timeoutMs: values.timeout === undefined ? deps.timeoutMs : timeoutSec * 1000,
            retry: deps.retry,
            onRetry: (event) => {
              if (!json)
                context.stderr.write(
                  `${event.operation}: ${event.reason}; retry in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt + 1}/${event.maxAttempts})\n`,
                );
            },
          })
        : undefined;
      const summary = await uploadIndex(index, {
        indexName,
        client,
        limits: { ...DEFAULT_BATCH_LIMITS, maxVectors },
        onEvent: json ? undefined : (event) => printEvent(event, context),
      });
      if (json) context.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      else printSummary(summary, context);
      return summary.failed.length > 0 ? 1 : 0;
    },
  };
}

export const command: Command = createUploadCommand();
