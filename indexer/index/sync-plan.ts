// What a sync may reuse from the index already at --out: which settings changes force re-embedding,
// how kept aggregations are re-laid out without decoding, and the guard against removing most of it.
import { InputError } from "../../shared/errors.ts";
import { listSome } from "../discover/video-id.ts";
import type { VideoPart } from "./assemble.ts";
import type { SyncSettings } from "./sync-record.ts";

/** What the previous index's settings allow. */
export interface SettingsVerdict {
  /** Why every video must be embedded again, or null when unchanged videos keep their vectors. */
  reembedReason: string | null;
  /** Why stored caption vectors cannot be reused, or null when they can (same text tower). */
  recaptionReason: string | null;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Compares the settings of the index at --out (`old`; null when it has no sync record) with this
 * run's. Aggregations may shrink or reorder without re-embedding (each one's rows are kept as they
 * are); adding one needs the frames again. float16 vectors cannot become float32 without re-embedding.
 */
export function compareSettings(old: SyncSettings | null, now: SyncSettings): SettingsVerdict {
  if (old === null)
    return {
      reembedReason: "the index at --out has no sync record (merged or older index)",
      recaptionReason: "no sync record",
    };
  const lostPrecision = old.vectorDtype === "float16" && now.vectorDtype === "float32";
  const changes: string[] = [];
  if (!same(old.vision, now.vision))
    changes.push(`the model changed (${old.vision.file} -> ${now.vision.file})`);
  if (old.sampling !== now.sampling) changes.push(`sampling changed (${old.sampling} -> ${now.sampling})`);
  if (old.segmentSec !== now.segmentSec)
    changes.push(`segments changed (${old.segmentSec ?? "none"} -> ${now.segmentSec ?? "none"})`);
  if (old.decoder !== now.decoder) changes.push(`decoder changed (${old.decoder} -> ${now.decoder})`);
  const added = now.aggregations.filter((a) => !old.aggregations.includes(a));
  if (added.length > 0) changes.push(`aggregations added (${added.join(", ")})`);
  if (lostPrecision) changes.push("the index stored float16 vectors and float32 is asked for");
  let recaptionReason: string | null = null;
  if (old.text === null || now.text === null || !same(old.text, now.text))
    recaptionReason = "the text model changed";
  else if (lostPrecision) recaptionReason = "float16 captions cannot become float32";
  return { reembedReason: changes.length > 0 ? changes.join("; ") : null, recaptionReason };
}

/**
 * A stored video's rows for the aggregations `now` (each one of `old`): every aggregation's rows in
 * the new order, then the segments, exactly as a fresh run lays them out (video-vectors.ts).
 */
export function relayoutRows(
  part: VideoPart,
  old: readonly string[],
  now: readonly string[],
  dimension: number,
) {
  const rows: VideoPart["rows"] = [];
  const picked: number[] = [];
  const take = (keep: (aggregation: number) => boolean, as: (aggregation: number) => number) => {
    part.rows.forEach((row, r) => {
      if (!keep(row.aggregation)) return;
      rows.push({ ...row, aggregation: as(row.aggregation) });
      picked.push(r);
    });
  };
  now.forEach((name, a) => {
    const from = old.indexOf(name);
    take(
      (x) => x === from,
      () => a,
    );
  });
  take(
    (x) => x < 0,
    (x) => x,
  );
  const vectors = new Float32Array(picked.length * dimension);
  for (const [i, r] of picked.entries())
    vectors.set(part.vectors.subarray(r * dimension, (r + 1) * dimension), i * dimension);
  return { rows, vectors };
}

/**
 * Refuses (InputError, exit 2) a sync that would leave out more than half of the `previous` videos,
 * or all of them, unless `prune`: an empty or wrong <videos> must not wipe a good index.
 */
export function guardRemovals(
  previous: readonly string[],
  kept: ReadonlySet<string>,
  prune: boolean,
  outDir: string,
): void {
  const lost = previous.filter((id) => !kept.has(id));
  if (prune || lost.length === 0) return;
  if (lost.length * 2 > previous.length || lost.length === previous.length)
    throw new InputError(
      "sync_would_prune",
      `this run would remove ${lost.length} of the ${previous.length} videos of ${outDir} (${listSome(lost)}); check <videos>, or pass --prune to remove them`,
    );
}
