// Splits records into upsert requests (NDJSON bodies) within Vectorize's per-request limits, with
// the batch boundaries known before any body is built so that progress can say "batch i of n".
import { InputError } from "../../../shared/errors.ts";
import { VECTORIZE_LIMITS, type VectorRecord } from "./records.ts";

export interface BatchLimits {
  /** Vectors per request, at most 5000. */
  maxVectors: number;
  /** Body bytes per request, at most 100 MB. */
  maxBytes: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxVectors: VECTORIZE_LIMITS.vectorsPerRequest,
  maxBytes: VECTORIZE_LIMITS.bytesPerRequest,
};

/** A planned request: records [start, end) of the record list. */
export interface BatchPlan {
  start: number;
  end: number;
}

// A float32 written with 9 significant digits (enough to read back the same float32) takes at most
// 15 characters ("-1.23456789e-10"), plus its comma.
const MAX_CHARS_PER_VALUE = 16;

const utf8 = new TextEncoder();

/** The exact value text for a float32: shortest decimal of its 9-significant-digit rounding. */
function formatValue(value: number): number {
  return Number(value.toPrecision(9));
}

/** One NDJSON line (without newline): {"id","values","namespace","metadata"} as Vectorize expects. */
export function encodeRecordLine(record: VectorRecord): string {
  const values = new Array<number>(record.values.length);
  for (let i = 0; i < values.length; i++) {
    const value = record.values[i];
    if (!Number.isFinite(value))
      throw new InputError("bad_vectors", `vector ${record.id} holds ${value}; rebuild the index`);
    values[i] = formatValue(value);
  }
  return JSON.stringify({ id: record.id, values, namespace: record.namespace, metadata: record.metadata });
}

/** Upper bound of a record's line bytes (newline included), computed without formatting the values. */
function lineBytesBound(record: VectorRecord): number {
  const withoutValues = JSON.stringify({
    id: record.id,
    values: [],
    namespace: record.namespace,
    metadata: record.metadata,
  });
  return utf8.encode(withoutValues).length + record.values.length * MAX_CHARS_PER_VALUE + 1;
}

/** Cuts `records` into consecutive batches that respect `limits` (by a safe upper bound on bytes). */
export function planBatches(
  records: readonly VectorRecord[],
  limits: BatchLimits = DEFAULT_BATCH_LIMITS,
): BatchPlan[] {
  const plans: BatchPlan[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    const lineBytes = lineBytesBound(records[i]);
    if (lineBytes > limits.maxBytes)
      throw new InputError(
        "vector_too_large",
        `vector ${records[i].id} alone exceeds ${limits.maxBytes} bytes`,
      );
    if (i > start && (i - start >= limits.maxVectors || bytes + lineBytes > limits.maxBytes)) {
      plans.push({ start, end: i });
      start = i;
      bytes = 0;
    }
    bytes += lineBytes;
  }
  if (records.length > start) plans.push({ start, end: records.length });
  return plans;
}

/** The NDJSON body of one planned batch: one line per record, each ending in "\n". */
export function encodeBatch(records: readonly VectorRecord[], plan: BatchPlan): Uint8Array {
  const lines: string[] = [];
  for (let i = plan.start; i < plan.end; i++) lines.push(encodeRecordLine(records[i]));
  return utf8.encode(`${lines.join("\n")}\n`);
}
