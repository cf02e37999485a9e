// The deploy history kept in the bucket (ledger.json): which deployments exist, which objects each one
// uses, when each went live and was replaced. Deploys read it to skip blobs already stored and to delete
// the objects of deployments whose grace period is over; the worker never reads it.
import { InputError } from "../errors.ts";

export const LEDGER_FORMAT = "clip-video-deployment-ledger";

export interface LedgerEntry {
  id: string;
  /** Key of the deployment record. */
  recordKey: string;
  /** Every blob key the deployment uses (the record key is separate). */
  keys: string[];
  /** ISO time the deploy started. */
  uploadedAt: string;
  /** All its objects were stored and verified (set at the switch). */
  complete: boolean;
  /** ISO time it became live, or null. */
  liveFrom: string | null;
  /** ISO time another deployment replaced it, or null while live (or never live). */
  liveUntil: string | null;
}

export interface Ledger {
  format: typeof LEDGER_FORMAT;
  entries: LedgerEntry[];
}

export function emptyLedger(): Ledger {
  return { format: LEDGER_FORMAT, entries: [] };
}

/** The ledger in `json`; throws InputError "bad_ledger" when it is not one. */
export function parseLedger(json: unknown): Ledger {
  const value = json as Partial<Ledger> | null;
  if (value?.format !== LEDGER_FORMAT || !Array.isArray(value.entries))
    throw new InputError(
      "bad_ledger",
      "ledger.json in the bucket is not a deployment ledger; delete it to start a new history (old deployments are then never cleaned up)",
    );
  return { format: LEDGER_FORMAT, entries: value.entries };
}

/** `ledger` with the deployment recorded as pending (an existing entry of the same id keeps its times). */
export function recordPending(
  ledger: Ledger,
  deployment: { id: string; recordKey: string; keys: string[] },
  now: string,
): Ledger {
  const existing = ledger.entries.find((entry) => entry.id === deployment.id);
  const entry: LedgerEntry = existing
    ? { ...existing, keys: deployment.keys }
    : { ...deployment, uploadedAt: now, complete: false, liveFrom: null, liveUntil: null };
  return { format: LEDGER_FORMAT, entries: [...ledger.entries.filter((e) => e.id !== deployment.id), entry] };
}

/**
 * `ledger` after `liveId` went live at `now`: the previous live entry gets `liveUntil`; entries replaced (or
 * left pending by an interrupted deploy) longer than `graceMs` ago are dropped, and `deletions` lists their
 * objects that no kept entry uses.
 */
export function retire(
  ledger: Ledger,
  liveId: string,
  now: string,
  graceMs: number,
): { ledger: Ledger; deletions: string[] } {
  const nowMs = Date.parse(now);
  const updated = ledger.entries.map((entry): LedgerEntry => {
    if (entry.id === liveId)
      return {
        ...entry,
        complete: true,
        liveFrom: entry.liveFrom && !entry.liveUntil ? entry.liveFrom : now,
        liveUntil: null,
      };
    if (entry.liveFrom && !entry.liveUntil) return { ...entry, liveUntil: now };
    return entry;
  });
  const expired = (entry: LedgerEntry) => {
    if (entry.id === liveId) return false;
    const since = entry.liveUntil ?? (entry.liveFrom ? null : entry.uploadedAt);
    return since !== null && nowMs - Date.parse(since) >= graceMs;
  };
  const kept = updated.filter((entry) => !expired(entry));
  const used = new Set(kept.flatMap((entry) => [...entry.keys, entry.recordKey]));
  const deletions = [
    ...new Set(updated.filter(expired).flatMap((entry) => [...entry.keys, entry.recordKey])),
  ].filter((key) => !used.has(key));
  return { ledger: { format: LEDGER_FORMAT, entries: kept }, deletions: deletions.sort() };
}
