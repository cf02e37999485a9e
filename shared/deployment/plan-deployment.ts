// The ordered steps of one deploy, computed without I/O: record the deployment in the ledger as pending,
// put every blob the bucket lacks, put the deployment record, switch the pointer, then retire old
// deployments whose grace period is over. Run in this order, an interruption after any step leaves the
// pointer on a complete deployment (the old one until the switch, the new one after).
import {
  type BlobRef,
  blobKey,
  DEPLOYMENT_FORMAT,
  DEPLOYMENT_FORMAT_VERSION,
  type DeploymentPointer,
  type DeploymentRecord,
  deploymentKey,
  ledgerKey,
  type MediaRef,
  mediaKey,
  POINTER_FORMAT,
  pointerKey,
  type ThumbnailPacks,
} from "./deployment-format.ts";
import { type Ledger, recordPending, retire } from "./ledger.ts";
import { sha256Hex } from "./sha256.ts";

/** A file to store; `source` is whatever the executor reads it from (a local path, bytes). */
export interface PlannedFile<S> {
  bytes: number;
  sha256: string;
  source: S;
}

export interface DeploymentInput<S> {
  indexPrefix: string;
  modelPrefix: string;
  /** Index files by relative path, thumbnails excluded. */
  index: Record<string, PlannedFile<S>>;
  /** Packed thumbnails (thumbnail-pack.ts), or null when the index has none. */
  thumbnails: { packs: PlannedFile<S>[]; table: PlannedFile<S> } | null;
  /** Edge encoder files by relative path. */
  model: Record<string, PlannedFile<S>>;
  /** Video id -> its media file, extension (".mp4") and content type. */
  media: Record<string, PlannedFile<S> & { extension: string; contentType: string }>;
}

/** One object operation. Bodies are the caller's sources, or bytes made by the plan (JSON records). */
export type DeployStep<S> =
  | {
      kind: "put";
      key: string;
      body: { source: S } | { data: Uint8Array };
      bytes: number;
      contentType?: string;
      what: string;
    }
  | { kind: "verify"; keys: { key: string; bytes: number }[] }
  | { kind: "delete"; keys: string[]; what: string };

export interface DeploymentPlan<S> {
  record: DeploymentRecord;
  steps: DeployStep<S>[];
  /** Blobs already in the bucket (by the ledger) and not uploaded again. */
  reused: number;
  /** True when the pointer already names this deployment: nothing to upload or switch. */
  alreadyLive: boolean;
}

const JSON_TYPE = "application/json";

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value)}\n`);
}

/** The record of `input` with its content-derived id. */
export async function deploymentRecord<S>(input: DeploymentInput<S>): Promise<DeploymentRecord> {
  const ref = (prefix: string, file: PlannedFile<S>): BlobRef => ({
    key: blobKey(prefix, file.sha256),
    bytes: file.bytes,
    sha256: file.sha256,
  });
  const refs = (prefix: string, files: Record<string, PlannedFile<S>>) =>
    Object.fromEntries(
      Object.keys(files)
        .sort()
        .map((name) => [name, ref(prefix, files[name])]),
    );
  const thumbnails: ThumbnailPacks | null = input.thumbnails
    ? {
        packs: input.thumbnails.packs.map((pack) => ref(input.indexPrefix, pack)),
        table: ref(input.indexPrefix, input.thumbnails.table),
      }
    : null;
  const media: Record<string, MediaRef> = Object.fromEntries(
    Object.keys(input.media)
      .sort()
      .map((id) => {
        const file = input.media[id];
        const key = mediaKey(input.indexPrefix, file.sha256, file.extension);
        return [id, { key, bytes: file.bytes, sha256: file.sha256, contentType: file.contentType }];
      }),
  );
  const content = {
    index: refs(input.indexPrefix, input.index),
    thumbnails,
    model: refs(input.modelPrefix, input.model),
    media,
  };
  const id = (await sha256Hex(jsonBytes(content))).slice(0, 16);
  return { format: DEPLOYMENT_FORMAT, formatVersion: DEPLOYMENT_FORMAT_VERSION, id, ...content };
}

/** Every blob of the input with the key it is stored at, in upload order (model, index, thumbnails, media). */
function blobsOf<S>(input: DeploymentInput<S>, record: DeploymentRecord) {
  const blobs: { key: string; file: PlannedFile<S>; what: string; contentType?: string }[] = [];
  for (const [name, file] of Object.entries(input.model))
    blobs.push({ key: record.model[name].key, file, what: `model ${name}` });
  for (const [name, file] of Object.entries(input.index))
    blobs.push({ key: record.index[name].key, file, what: `index ${name}` });
  if (input.thumbnails && record.thumbnails) {
    const { packs, table } = record.thumbnails;
    input.thumbnails.packs.forEach((file, i) => {
      blobs.push({ key: packs[i].key, file, what: `thumbnail pack ${i + 1}/${packs.length}` });
    });
    blobs.push({
      key: table.key,
      file: input.thumbnails.table,
      what: "thumbnail table",
      contentType: JSON_TYPE,
    });
  }
  for (const [id, file] of Object.entries(input.media))
    blobs.push({ key: record.media[id].key, file, what: `media of ${id}`, contentType: file.contentType });
  // Identical files share one blob: upload each key once.
  const seen = new Set<string>();
  return blobs.filter((blob) => !seen.has(blob.key) && seen.add(blob.key));
}

/**
 * The steps that make `input` the live deployment, given the bucket's ledger and live pointer.
 * `graceMs`: how long a replaced deployment stays readable (isolates that have not yet seen the switch,
 * pages holding its thumbnail URLs); older ones are deleted at the end of this deploy.
 */
export async function planDeployment<S>(
  input: DeploymentInput<S>,
  state: { ledger: Ledger; pointer: DeploymentPointer | null; now: Date; graceMs: number },
): Promise<DeploymentPlan<S>> {
  const record = await deploymentRecord(input);
  const { indexPrefix } = input;
  const recordKey = deploymentKey(indexPrefix, record.id);
  const blobs = blobsOf(input, record);
  const keys = [...blobs.map((blob) => blob.key), recordKey];
  const alreadyLive = state.pointer?.deployment === record.id;
  const present = new Set(
    state.ledger.entries.filter((entry) => entry.complete).flatMap((entry) => entry.keys),
  );
  const missing = blobs.filter((blob) => !present.has(blob.key));
  const now = state.now.toISOString();
  const pending = recordPending(state.ledger, { id: record.id, recordKey, keys }, now);
  const steps: DeployStep<S>[] = [];
  const putLedger = (ledger: Ledger, what: string): DeployStep<S> => {
    const data = jsonBytes(ledger);
    return {
      kind: "put",
      key: ledgerKey(indexPrefix),
      body: { data },
      bytes: data.byteLength,
      contentType: JSON_TYPE,
      what,
    };
  };
  if (!alreadyLive) {
    // First, so that a deploy killed mid-upload leaves its blobs known to the ledger (deleted after the grace).
    steps.push(putLedger(pending, "ledger (pending deployment)"));
    for (const blob of missing)
      steps.push({
        kind: "put",
        key: blob.key,
        body: { source: blob.file.source },
        bytes: blob.file.bytes,
        contentType: blob.contentType,
        what: blob.what,
      });
    const recordData = jsonBytes(record);
    steps.push({
      kind: "put",
      key: recordKey,
      body: { data: recordData },
      bytes: recordData.byteLength,
      contentType: JSON_TYPE,
      what: "deployment record",
    });
    steps.push({
      kind: "verify",
      keys: [
        ...blobs.map((blob) => ({ key: blob.key, bytes: blob.file.bytes })),
        { key: recordKey, bytes: recordData.byteLength },
      ],
    });
    const pointer: DeploymentPointer = {
      format: POINTER_FORMAT,
      formatVersion: DEPLOYMENT_FORMAT_VERSION,
      deployment: record.id,
      switchedAt: now,
    };
    const pointerData = jsonBytes(pointer);
    steps.push({
      kind: "put",
      key: pointerKey(indexPrefix),
      body: { data: pointerData },
      bytes: pointerData.byteLength,
      contentType: JSON_TYPE,
      what: "pointer (switch)",
    });
  }
  const { ledger, deletions } = retire(pending, record.id, now, state.graceMs);
  if (deletions.length > 0) steps.push({ kind: "delete", keys: deletions, what: "retired deployments" });
  if (!alreadyLive || deletions.length > 0) steps.push(putLedger(ledger, "ledger (live deployment)"));
  return { record, steps, reused: blobs.length - missing.length, alreadyLive };
}
