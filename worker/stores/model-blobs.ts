// Which model blobs the worker may serve by hash: those of the live deployment, and of replaced deployments
// whose record is still in the bucket (deploy deletes a record with its objects once its grace period is over),
// so a page that read /api/model/vision just before a deploy can still fetch the file it was told about.
import type { BlobRef } from "../../shared/deployment/deployment-format.ts";
import type { WorkerConfig } from "../config.ts";
import { deploymentById, liveDeployment } from "./live-deployment.ts";

/** Longest listing of deployment records looked at (a bucket keeps a few: the live one and its grace period). */
const MAX_RECORDS_LISTED = 100;

function named(model: Record<string, BlobRef>, sha256: string): BlobRef | undefined {
  return Object.values(model).find((blob) => blob.sha256 === sha256);
}

/** Ids of the deployment records in the bucket, newest upload first. */
async function recordIds(bucket: R2Bucket, indexPrefix: string): Promise<string[]> {
  const prefix = `${indexPrefix}deployments/`;
  const listing = await bucket.list({ prefix, limit: MAX_RECORDS_LISTED });
  return listing.objects
    .sort((a, b) => b.uploaded.getTime() - a.uploaded.getTime())
    .map((object) => object.key.slice(prefix.length).replace(/\.json$/, ""));
}

/**
 * The blob of model file `sha256` in the live deployment, else in a deployment still recorded in the bucket;
 * undefined when none names it. Only a miss on the live deployment lists the bucket.
 */
export async function findModelBlob(
  bucket: R2Bucket,
  config: WorkerConfig,
  sha256: string,
): Promise<BlobRef | undefined> {
  const live = named((await liveDeployment(bucket, config)).model, sha256);
  if (live) return live;
  for (const id of await recordIds(bucket, config.indexPrefix)) {
    // A record that cannot be read names nothing servable; it is not this request's problem.
    const record = await deploymentById(bucket, config, id).catch(() => null);
    const blob = record && named(record.model, sha256);
    if (blob) return blob;
  }
  return undefined;
}
