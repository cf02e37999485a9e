// Where the deployed worker reads its files: the R2 bucket bound as MODEL_BUCKET and the key prefixes
// MODEL_PREFIX / INDEX_PREFIX, read from wrangler.toml with wrangler's own config reader.
import { experimental_readRawConfig } from "wrangler";
import { keyPrefix } from "../../../shared/deployment/deployment-format.ts";
import { InputError } from "../../../shared/errors.ts";

/** The bucket and prefixes the worker reads (defaults as in worker: "model/", "index/"). */
export interface WorkerStorage {
  /** `bucket_name` of the MODEL_BUCKET binding. */
  bucket: string;
  modelPrefix: string;
  indexPrefix: string;
}

/** Reads the MODEL_BUCKET binding and the prefix vars of `configPath` (wrangler.toml). */
export function readWorkerStorage(configPath: string): WorkerStorage {
  // wrangler's declaration of the raw config comes from a package it bundles without types: read it as unknown.
  const raw: unknown = experimental_readRawConfig({ config: configPath }).rawConfig;
  const config = (raw ?? {}) as { r2_buckets?: unknown; vars?: unknown };
  const buckets = Array.isArray(config.r2_buckets) ? (config.r2_buckets as unknown[]) : [];
  const binding = buckets.find(
    (entry): entry is { bucket_name?: unknown } =>
      typeof entry === "object" &&
      entry !== null &&
      (entry as { binding?: unknown }).binding === "MODEL_BUCKET",
  );
  const bucket = binding?.bucket_name;
  if (typeof bucket !== "string" || bucket === "")
    throw new InputError(
      "bad_wrangler_config",
      `${configPath} has no [[r2_buckets]] binding MODEL_BUCKET with a bucket_name; add it (the worker reads the model and the index from that bucket)`,
    );
  const vars = (typeof config.vars === "object" && config.vars !== null ? config.vars : {}) as Record<
    string,
    unknown
  >;
  // The worker's own rule (worker/config.ts): a prefix without its "/" still names "<prefix>/..." keys.
  const prefix = (name: string, fallback: string) => {
    const value = vars[name];
    return keyPrefix(typeof value === "string" ? value : undefined, fallback);
  };
  return {
    bucket,
    modelPrefix: prefix("MODEL_PREFIX", "model/"),
    indexPrefix: prefix("INDEX_PREFIX", "index/"),
  };
}
