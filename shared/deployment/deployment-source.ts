// Reading a deployment: the index contract's file port over the record's blobs (thumbnails through their
// pack table), and the model's files by name, on any object store given as a small reader port.
import type { IndexFileSource } from "../index-contract/read-index.ts";
import { type DeploymentRecord, parseThumbnailTable, type ThumbnailTable } from "./deployment-format.ts";

/** Reads an object, or a byte range of it; null when the object does not exist. */
export interface BlobReader {
  read(key: string, range?: { offset: number; length: number }): Promise<Uint8Array | null>;
}

/** The record's thumbnail table, read and checked once per call (cache the result per deployment). */
export async function readThumbnailTable(
  record: DeploymentRecord,
  reader: BlobReader,
): Promise<ThumbnailTable | null> {
  if (!record.thumbnails) return null;
  const bytes = await reader.read(record.thumbnails.table.key);
  if (!bytes) return null;
  return parseThumbnailTable(JSON.parse(new TextDecoder().decode(bytes)), record.thumbnails.packs.length);
}

/** Bytes of the thumbnail `name` (index-relative path) of the deployment, or null when it has none. */
export async function readThumbnail(
  record: DeploymentRecord,
  table: ThumbnailTable | null,
  reader: BlobReader,
  name: string,
): Promise<Uint8Array | null> {
  const entry = table && Object.hasOwn(table, name) ? table[name] : undefined;
  const pack = entry && record.thumbnails?.packs[entry[0]];
  if (!entry || !pack) return null;
  return reader.read(pack.key, { offset: entry[1], length: entry[2] });
}

/** The deployment's index as the contract's file source: names map to the record's blobs. */
export function deploymentIndexSource(record: DeploymentRecord, reader: BlobReader): IndexFileSource {
  return {
    async read(name) {
      const blob = Object.hasOwn(record.index, name) ? record.index[name] : undefined;
      return blob ? reader.read(blob.key) : null;
    },
  };
}

/** A stable id of the deployment's model files: equal ids, same encoder (no reload across index deploys). */
export function modelVersion(record: DeploymentRecord): string {
  return Object.entries(record.model)
    .map(([name, blob]) => `${name}:${blob.sha256}`)
    .sort()
    .join(",");
}
