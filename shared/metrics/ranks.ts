// Rank of a ground truth among scores, with ties averaged, and the summary statistics of many ranks.

/** Retrieval metrics of a list of ranks: R@k in percent, median/mean/std of the ranks. */
export interface RetrievalMetrics {
  /** Percent of queries whose ground truth ranks <= 1 (tie-averaged ranks, so ties never count as hits). */
  R1: number;
  R5: number;
  R10: number;
  /** Median rank (mean of the two middle ranks for an even count). */
  MdR: number;
  /** Mean rank. */
  MnR: number;
  /** Population standard deviation of the ranks. */
  StdR: number;
}

/**
 * 1-based rank of a ground truth with score `target` among `scores` (which include the ground truth
 * itself): 1 + #higher + (#equal - 1) / 2. Averaging ties means a constant score gives the middle
 * rank, never a perfect one.
 */
export function tieAveragedRank(target: number, scores: ArrayLike<number>): number {
  let higher = 0;
  let equal = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] > target) higher++;
    else if (scores[i] === target) equal++;
  }
  return rankFromCounts(higher, equal);
}

/** Rank from the counts of scores above and equal to the ground truth's (equal includes itself). */
export function rankFromCounts(higher: number, equal: number): number {
  return 1 + higher + (Math.max(equal, 1) - 1) / 2;
}

/** Median of numbers (mean of the two middle values for an even count). */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Summarizes 1-based ranks (one per query) into R@1/5/10 (percent), MdR, MnR and StdR (population). */
export function summarizeRanks(ranks: ArrayLike<number>): RetrievalMetrics {
  const n = ranks.length;
  if (n === 0) throw new RangeError("no ranks to summarize");
  let sum = 0;
  const hits = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const rank = ranks[i];
    sum += rank;
    if (rank <= 1) hits[0]++;
    if (rank <= 5) hits[1]++;
    if (rank <= 10) hits[2]++;
  }
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (ranks[i] - mean) ** 2;
  return {
    R1: (hits[0] / n) * 100,
    R5: (hits[1] / n) * 100,
    R10: (hits[2] / n) * 100,
    MdR: median(ranks),
    MnR: mean,
    StdR: Math.sqrt(squares / n),
  };
}
