// Parses --aggregate values (index, eval, embed video) such as "mean,frame:29,kmeans:2..10" into aggregations:
// comma lists, A..B ranges expanded, each aggregation once. One grammar for every command that takes it.
import { type Aggregation, formatAggregation, parseAggregation } from "../../shared/aggregate.ts";
import { InputError } from "../../shared/errors.ts";

/** Most aggregations one run may ask for: each one ranks every caption against every video again. */
export const MAX_AGGREGATIONS = 64;

function expandRange(item: string): string[] {
  const match = /^(frame|kmeans):(\d+)\.\.(\d+)$/.exec(item);
  if (!match) return [item];
  const [low, high] = [Number(match[2]), Number(match[3])];
  if (high < low || high - low + 1 > MAX_AGGREGATIONS)
    throw new InputError(
      "bad_aggregation",
      `range "${item}" must go from low to high with at most ${MAX_AGGREGATIONS} values (e.g. kmeans:2..10)`,
    );
  return Array.from({ length: high - low + 1 }, (_, i) => `${match[1]}:${low + i}`);
}

/**
 * Parses one or more comma-separated lists of "mean" | "frame:N" | "kmeans:K", where "kmeans:A..B"
 * and "frame:A..B" expand to every value from A to B (so "kmeans:2..10" is 9 aggregations). Keeps
 * the given order; throws InputError for a bad spelling or an aggregation given twice.
 */
export function parseAggregationList(lists: readonly string[]): Aggregation[] {
  const items = lists.flatMap((list) => list.split(",")).map((item) => item.trim());
  if (items.length === 0 || items.some((item) => item === ""))
    throw new InputError(
      "bad_aggregation",
      `--aggregate has an empty item; e.g. --aggregate mean,kmeans:2..10`,
    );
  const aggregations = items.flatMap(expandRange).map(parseAggregation);
  const seen = new Set<string>();
  for (const aggregation of aggregations) {
    const spelling = formatAggregation(aggregation);
    if (seen.has(spelling)) throw new InputError("bad_aggregation", `aggregation ${spelling} is given twice`);
    seen.add(spelling);
  }
  if (aggregations.length > MAX_AGGREGATIONS)
    throw new InputError(
      "bad_aggregation",
      `at most ${MAX_AGGREGATIONS} aggregations per run, got ${aggregations.length}`,
    );
  return aggregations;
}
