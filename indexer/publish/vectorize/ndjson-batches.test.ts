// Batch planning within Vectorize's request limits, and the NDJSON line format.
import { describe, expect, it } from "vitest";
import { fixtureIndex } from "../../../test/fixtures/factory.ts";
import { encodeBatch, encodeRecordLine, planBatches } from "./ndjson-batches.ts";
import { buildVectorRecords } from "./records.ts";

const records = await buildVectorRecords(
  fixtureIndex({ kind: "synthetic", videos: 23, dimension: 32, captionsPerVideo: 1 }),
);

describe("planBatches", () => {
  it("cuts by vector count", () => {
    const plans = planBatches(records, { maxVectors: 10, maxBytes: 1e8 });
    expect(plans.map((p) => p.end - p.start)).toEqual([10, 10, 10, 10, 6]);
    expect(plans.at(-1)?.end).toBe(records.length);
  });

  it("cuts by bytes, and every body fits", () => {
    const maxBytes = 4096;
    const plans = planBatches(records, { maxVectors: 5000, maxBytes });
    expect(plans.length).toBeGreaterThan(5);
    let covered = 0;
    for (const plan of plans) {
      expect(plan.start).toBe(covered);
      covered = plan.end;
      expect(encodeBatch(records, plan).length).toBeLessThanOrEqual(maxBytes);
    }
    expect(covered).toBe(records.length);
  });

  it("rejects a vector larger than a whole request", () => {
    expect(() => planBatches(records, { maxVectors: 5000, maxBytes: 100 })).toThrow(
      /alone exceeds 100 bytes/,
    );
  });

  it("plans nothing for no records", () => {
    expect(planBatches([], { maxVectors: 10, maxBytes: 1000 })).toEqual([]);
  });
});

describe("encodeRecordLine", () => {
  it("writes id, values, namespace, metadata with values that read back as the same float32", () => {
    const record = records[0];
    const parsed = JSON.parse(encodeRecordLine(record)) as {
      id: string;
      values: number[];
      namespace: string;
    };
    expect(parsed.id).toBe(record.id);
    expect(parsed.namespace).toBe("video");
    expect(parsed.values.map((v) => Math.fround(v))).toEqual(Array.from(record.values));
  });

  it("refuses non-finite values", () => {
    const bad = { ...records[0], values: Float32Array.of(0, Number.NaN) };
    expect(() => encodeRecordLine(bad)).toThrow(/holds NaN/);
  });

  it("ends every line of a body with a newline", () => {
    const body = new TextDecoder().decode(encodeBatch(records, { start: 0, end: 3 }));
    expect(body.split("\n")).toHaveLength(4);
    expect(body.endsWith("\n")).toBe(true);
  });
});
