// Reads sync.json from an index directory (the Node side of sync-record.ts).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseSyncRecord, SYNC_FILE, type SyncRecord } from "./sync-record.ts";

/** The record of the index at `dir`, or null when it has none (merged, older, or hand-made indexes). */
export async function readSyncRecord(dir: string): Promise<SyncRecord | null> {
  const text = await readFile(join(dir, SYNC_FILE), "utf8").catch(() => null);
  return text === null ? null : parseSyncRecord(text);
}
