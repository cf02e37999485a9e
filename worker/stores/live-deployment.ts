// The deployment this isolate serves: the pointer object (current.json) re-read at most every
// DEPLOYMENT_CHECK_SEC, and the immutable deployment records it names, cached by id. An isolate holds one
// pointer value at a time, so every request sees one complete deployment, old or new, never a mix.

import {
  DEPLOYMENT_ID,
  type DeploymentRecord,
  deploymentKey,
  parseDeploymentRecord,
  parsePointer,
  pointerKey,
} from "../../shared/deployment/deployment-format.ts";
import type { BlobReader } from "../../shared/deployment/deployment-source.ts";
import type { WorkerConfig } from "../config.ts";
import { ApiError } from "../http/api-error.ts";
import { isStorableKey } from "./r2-index-source.ts";
import { RecentPromises } from "./recent-promises.ts";

/** Records kept per isolate: the live one and a few that pages may still link to (thumbnails). */
const MAX_RECORDS = 4;

/** Per index prefix (one in production; tests use several), the last pointer reading. */
const pointers = new Map<string, { checkedAtMs: number; id: Promise<string> }>();
/** By record key (prefix + id); an absent record is retried (a deploy in progress may write it next). */
const records = new RecentPromises<DeploymentRecord | null>(MAX_RECORDS);

/** Reads objects (and byte ranges) of `bucket`: the deployment reader of shared/deployment. */
export function r2BlobReader(bucket: R2Bucket): BlobReader {
  return {
    async read(key, range) {
      if (!isStorableKey(key)) return null;
      const object = await bucket.get(key, range ? { range } : undefined);
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
  };
}

async function readJson(bucket: R2Bucket, key: string): Promise<unknown | null> {
  const object = await bucket.get(key);
  if (!object) return null;
  try {
    return await object.json();
  } catch {
    throw new ApiError(503, "bad_deployment", `${key} is not valid JSON; run the deploy again`);
  }
}

async function readPointer(bucket: R2Bucket, config: WorkerConfig): Promise<string> {
  const json = await readJson(bucket, pointerKey(config.indexPrefix));
  if (json === null)
    throw new ApiError(
      503,
      "no_deployment",
      `nothing is deployed: no ${pointerKey(config.indexPrefix)} in the bucket; deploy with \`npm run deploy\` (README "Deploying")`,
    );
  return parsePointer(json).deployment;
}

/** The record of deployment `id` (cached), or null when the bucket has none such (a retired one). */
export function deploymentById(
  bucket: R2Bucket,
  config: WorkerConfig,
  id: string,
): Promise<DeploymentRecord | null> {
  if (!DEPLOYMENT_ID.test(id)) return Promise.resolve(null);
  const key = deploymentKey(config.indexPrefix, id);
  return records.get(key, async () => {
    const json = await readJson(bucket, key);
    return json === null ? null : parseDeploymentRecord(json, `deployment ${id}`);
  });
}

/**
 * The live deployment's record. The pointer is re-read when its last read is older than the config's
 * deploymentCheckSec (concurrent requests share one read); a missing pointer or record is a 503.
 */
export async function liveDeployment(bucket: R2Bucket, config: WorkerConfig): Promise<DeploymentRecord> {
  const now = Date.now();
  const prefix = config.indexPrefix;
  let pointer = pointers.get(prefix);
  if (!pointer || now - pointer.checkedAtMs >= config.deploymentCheckSec * 1000) {
    const read = { checkedAtMs: now, id: readPointer(bucket, config) };
    pointer = read;
    pointers.set(prefix, read);
    read.id.catch(() => {
      if (pointers.get(prefix) === read) pointers.delete(prefix);
    });
  }
  const id = await pointer.id;
  const record = await deploymentById(bucket, config, id);
  if (!record)
    throw new ApiError(
      503,
      "bad_deployment",
      `${pointerKey(config.indexPrefix)} names deployment ${id}, whose record is missing; run the deploy again`,
    );
  return record;
}
