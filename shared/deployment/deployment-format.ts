// The layout of a deployment in the worker's R2 bucket: content-addressed blobs, one immutable record per
// deployment naming the blobs of its index, model and media, and one pointer object naming the live record.
// A deploy writes blobs, then the record, then the pointer: an isolate reading the pointer always finds a
// complete, consistent index and model, old or new, never a mix.
import { InputError } from "../errors.ts";

export const DEPLOYMENT_FORMAT = "clip-video-deployment";
export const POINTER_FORMAT = "clip-video-deployment-pointer";
export const DEPLOYMENT_FORMAT_VERSION = 1;

/** One stored object: its key in the bucket, size and SHA-256 (hex) of its bytes. */
export interface BlobRef {
  key: string;
  bytes: number;
  sha256: string;
}

/** A video file served by the worker's media route (absent from `url`-bearing videos). */
export interface MediaRef extends BlobRef {
  contentType: string;
}

/** Where the thumbnails are: packs (many JPEGs in one object) and a table blob of ThumbnailTable. */
export interface ThumbnailPacks {
  packs: BlobRef[];
  table: BlobRef;
}

/** Body of the thumbnail table blob: index path -> [pack number, byte offset, byte length]. */
export type ThumbnailTable = Record<string, [number, number, number]>;

/** The immutable record of one deployment, stored at deploymentKey(indexPrefix, id). */
export interface DeploymentRecord {
  format: typeof DEPLOYMENT_FORMAT;
  formatVersion: number;
  /** 16 hex digits of SHA-256 over the rest of the record: same content, same id. */
  id: string;
  /** Index files (relative path -> blob) except thumbnails, which are in `thumbnails`. */
  index: Record<string, BlobRef>;
  thumbnails: ThumbnailPacks | null;
  /** Prepared edge text encoder files (relative path -> blob). */
  model: Record<string, BlobRef>;
  /** Video id -> media file, for videos whose index entry has no url. */
  media: Record<string, MediaRef>;
}

/** The one mutable object: which deployment is live. */
export interface DeploymentPointer {
  format: typeof POINTER_FORMAT;
  formatVersion: number;
  deployment: string;
  /** ISO time of the switch. */
  switchedAt: string;
}

/** Deployment ids: 16 lowercase hex digits (also what routes accept in URLs). */
export const DEPLOYMENT_ID = /^[0-9a-f]{16}$/;

/**
 * A key prefix as the worker and deploy both use it (MODEL_PREFIX / INDEX_PREFIX): `fallback` when unset,
 * "/" appended unless empty or already there, so "index" and "index/" name the same keys.
 */
export function keyPrefix(value: string | undefined, fallback: string): string {
  const prefix = value ?? fallback;
  return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}

/** Key of the pointer object. */
export function pointerKey(indexPrefix: string): string {
  return `${indexPrefix}current.json`;
}

/** Key of a deployment record. */
export function deploymentKey(indexPrefix: string, id: string): string {
  return `${indexPrefix}deployments/${id}.json`;
}

/** Key of the ledger (deploy history, read and written by `deploy` only). */
export function ledgerKey(indexPrefix: string): string {
  return `${indexPrefix}ledger.json`;
}

/** Key of a content-addressed blob under `prefix` (index or model prefix). */
export function blobKey(prefix: string, sha256: string): string {
  return `${prefix}blobs/${sha256}`;
}

/**
 * Content types of deployed videos by file extension (browsers play the first ones); any other extension is
 * stored as application/octet-stream (downloadable, maybe not playable).
 */
export const MEDIA_TYPES: Readonly<Record<string, string>> = {
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".mov": "video/quicktime",
  ".webm": "video/webm",
  ".ogv": "video/ogg",
  ".mkv": "video/x-matroska",
};

/** Prefix of media objects; the media route serves `${mediaPrefix}${name}` only. */
export function mediaPrefix(indexPrefix: string): string {
  return `${indexPrefix}media/`;
}

/** Key of a media object: its SHA-256 plus the file's extension (so that the URL says what it is). */
export function mediaKey(indexPrefix: string, sha256: string, extension: string): string {
  return `${mediaPrefix(indexPrefix)}${sha256}${extension.toLowerCase()}`;
}

function fail(what: string, message: string): never {
  throw new InputError("bad_deployment", `${what}: ${message}; run the deploy again`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function blobRef(what: string, value: unknown): BlobRef {
  if (
    !isRecord(value) ||
    typeof value.key !== "string" ||
    !Number.isSafeInteger(value.bytes) ||
    (value.bytes as number) < 0 ||
    typeof value.sha256 !== "string" ||
    !/^[0-9a-f]{64}$/.test(value.sha256)
  )
    fail(what, "must be {key, bytes, sha256}");
  return { key: value.key, bytes: value.bytes as number, sha256: value.sha256 };
}

function blobMap(what: string, value: unknown): Record<string, BlobRef> {
  if (!isRecord(value)) fail(what, "must be an object of blobs");
  return Object.fromEntries(
    Object.entries(value).map(([name, ref]) => [name, blobRef(`${what}.${name}`, ref)]),
  );
}

/** The record in `json`, checked (shape and id format); throws InputError "bad_deployment". */
export function parseDeploymentRecord(json: unknown, what = "deployment record"): DeploymentRecord {
  if (!isRecord(json) || json.format !== DEPLOYMENT_FORMAT) fail(what, `is not a ${DEPLOYMENT_FORMAT}`);
  if (json.formatVersion !== DEPLOYMENT_FORMAT_VERSION)
    fail(
      what,
      `has formatVersion ${String(json.formatVersion)}, this worker reads ${DEPLOYMENT_FORMAT_VERSION}`,
    );
  if (typeof json.id !== "string" || !DEPLOYMENT_ID.test(json.id)) fail(what, "has no valid id");
  let thumbnails: ThumbnailPacks | null = null;
  if (json.thumbnails !== null) {
    const packs = isRecord(json.thumbnails) ? json.thumbnails.packs : undefined;
    if (!isRecord(json.thumbnails) || !Array.isArray(packs))
      fail(what, "thumbnails must be {packs, table} or null");
    thumbnails = {
      packs: packs.map((pack, i) => blobRef(`${what} thumbnails.packs[${i}]`, pack)),
      table: blobRef(`${what} thumbnails.table`, json.thumbnails.table),
    };
  }
  if (!isRecord(json.media)) fail(what, "media must be an object");
  const media = Object.fromEntries(
    Object.entries(json.media).map(([id, ref]) => {
      const contentType = isRecord(ref) ? ref.contentType : undefined;
      if (typeof contentType !== "string") fail(`${what} media.${id}`, "has no contentType");
      return [id, { ...blobRef(`${what} media.${id}`, ref), contentType }];
    }),
  );
  return {
    format: DEPLOYMENT_FORMAT,
    formatVersion: DEPLOYMENT_FORMAT_VERSION,
    id: json.id,
    index: blobMap(`${what} index`, json.index),
    thumbnails,
    model: blobMap(`${what} model`, json.model),
    media,
  };
}

/** The pointer in `json`, checked; throws InputError "bad_deployment". */
export function parsePointer(json: unknown): DeploymentPointer {
  if (!isRecord(json) || json.format !== POINTER_FORMAT) fail("current.json", `is not a ${POINTER_FORMAT}`);
  if (typeof json.deployment !== "string" || !DEPLOYMENT_ID.test(json.deployment))
    fail("current.json", "names no valid deployment id");
  return {
    format: POINTER_FORMAT,
    formatVersion: DEPLOYMENT_FORMAT_VERSION,
    deployment: json.deployment,
    switchedAt: typeof json.switchedAt === "string" ? json.switchedAt : "",
  };
}

/** The table in `json`, checked against the number of packs. */
export function parseThumbnailTable(json: unknown, packCount: number): ThumbnailTable {
  if (!isRecord(json)) fail("thumbnail table", "must be an object");
  for (const [name, entry] of Object.entries(json)) {
    const ok =
      Array.isArray(entry) &&
      entry.length === 3 &&
      entry.every((n) => Number.isSafeInteger(n) && n >= 0) &&
      (entry[0] as number) < packCount;
    if (!ok)
      fail("thumbnail table", `entry ${JSON.stringify(name.slice(0, 80))} must be [pack, offset, length]`);
  }
  return json as ThumbnailTable;
}
