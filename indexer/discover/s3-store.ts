// S3-compatible object stores (AWS S3, Cloudflare R2, MinIO, ...) through @aws-sdk/client-s3: the
// client from the usual environment variables, s3:// URLs, listing a prefix, presigned GET URLs for
// ffmpeg, and copying a prefix to a local folder (merge's shard indexes).
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { GetObjectCommand, ListObjectsV2Command, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { InputError } from "../../shared/errors.ts";

/** How long a presigned URL handed to ffmpeg stays valid: a whole indexing run (SigV4 allows 7 days). */
export const PRESIGNED_URL_SECONDS = 24 * 3600;

/** True for s3://bucket[/prefix]. */
export function isS3Url(location: string): boolean {
  return /^s3:\/\//i.test(location);
}

/** A bucket and a key prefix ("" or ending in "/": s3://b/videos and s3://b/videos/ are the same folder). */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Parses s3://bucket/prefix; InputError for anything else. */
export function parseS3Url(url: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url.trim());
  if (!match || match[1] === "")
    throw new InputError("bad_arguments", `"${url}" is not an s3:// URL; write s3://bucket/prefix`);
  const prefix = match[2].replace(/\/+$/, "");
  return { bucket: match[1], prefix: prefix === "" ? "" : `${prefix}/` };
}

/**
 * A client for the store the environment names: AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (unset: AWS
 * S3 itself), AWS_REGION or AWS_DEFAULT_REGION (default us-east-1; R2 takes "auto"), and the SDK's
 * usual credential chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, profiles, instance roles).
 * A custom endpoint gets path-style addressing, which MinIO and most other implementations need.
 */
export function s3ClientFromEnv(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  return new S3Client({
    endpoint,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1",
    forcePathStyle: endpoint !== undefined,
  });
}

/** One object of a listing. */
export interface S3Object {
  key: string;
  sizeBytes: number;
  etag: string;
}

/** A store failure as one line the user can act on (exit 2). */
function storeError(what: string, cause: unknown): InputError {
  const code = cause instanceof S3ServiceException ? cause.name : (cause as Error).name;
  const message = (cause as Error).message;
  return new InputError(
    "s3_error",
    `${what} failed: ${code}${message && message !== code ? ` (${message})` : ""}; check the bucket name and AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION`,
    { cause },
  );
}

/** Every object under `location` (all pages), in key order. */
export async function listObjects(client: S3Client, location: S3Location): Promise<S3Object[]> {
  const objects: S3Object[] = [];
  let token: string | undefined;
  do {
    const page = await client
      .send(
        new ListObjectsV2Command({
          Bucket: location.bucket,
          Prefix: location.prefix,
          ContinuationToken: token,
        }),
      )
      .catch((cause: unknown) => {
        throw storeError(`listing s3://${location.bucket}/${location.prefix}`, cause);
      });
    for (const item of page.Contents ?? [])
      if (item.Key !== undefined && !item.Key.endsWith("/"))
        objects.push({ key: item.Key, sizeBytes: item.Size ?? 0, etag: item.ETag ?? "" });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A GET URL for `key` that ffmpeg can read (ranged) without credentials, valid PRESIGNED_URL_SECONDS. */
export function presignGet(client: S3Client, bucket: string, key: string): Promise<string> {
  return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), {
    expiresIn: PRESIGNED_URL_SECONDS,
  });
}

/** Copies every object under `location` into `dir` (keys relative to the prefix); returns the count. */
export async function downloadPrefix(client: S3Client, location: S3Location, dir: string): Promise<number> {
  const objects = await listObjects(client, location);
  if (objects.length === 0)
    throw new InputError(
      "not_found",
      `nothing found under s3://${location.bucket}/${location.prefix}; is it the right prefix?`,
    );
  for (const object of objects) {
    const relative = object.key.slice(location.prefix.length);
    if (relative.split("/").some((part) => part === ".." || part === "")) continue; // never outside dir
    const target = join(dir, relative);
    const response = await client
      .send(new GetObjectCommand({ Bucket: location.bucket, Key: object.key }))
      .catch((cause: unknown) => {
        throw storeError(`reading s3://${location.bucket}/${object.key}`, cause);
      });
    const bytes = await response.Body?.transformToByteArray();
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes ?? new Uint8Array());
  }
  return objects.length;
}
