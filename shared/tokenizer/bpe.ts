// Byte-pair encoding of one pre-token: applies ranked merges to its characters, lowest rank first,
// with the same result as OpenAI's SimpleTokenizer.bpe but in O(n log n) instead of O(n^2).

/** Suffix CLIP appends to the last symbol of every word. */
export const END_OF_WORD = "</w>";

/** Merge ranks: "left right" (as written in merges.txt) -> rank, 0 = first merge learned. */
export type MergeRanks = ReadonlyMap<string, number>;

/**
 * Splits `word` (byte-level characters, see byte-map.ts) into BPE symbols, the last one ending in
 * "</w>". Each round takes the lowest-ranked adjacent pair present and merges all of its
 * occurrences left to right, as the reference does; a heap of (rank, position) finds the rounds.
 */
export function bpeWord(word: string, ranks: MergeRanks): string[] {
  const symbols = Array.from(word);
  const count = symbols.length;
  if (count === 0) return [];
  symbols[count - 1] += END_OF_WORD;
  if (count === 1) return symbols;

  // Doubly linked list over positions; a merge keeps the left position and unlinks the right one.
  const next = new Int32Array(count);
  const prev = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    next[i] = i + 1 < count ? i + 1 : -1;
    prev[i] = i - 1;
  }
  const alive = new Uint8Array(count).fill(1);
  const heap = new PairHeap();
  const rankAt = (left: number) => {
    const right = next[left];
    return right < 0 ? undefined : ranks.get(`${symbols[left]} ${symbols[right]}`);
  };
  const pushPair = (left: number) => {
    const rank = left < 0 ? undefined : rankAt(left);
    if (rank !== undefined) heap.push(rank, left);
  };
  for (let i = 0; i + 1 < count; i++) pushPair(i);

  const round: number[] = [];
  while (heap.size > 0) {
    // One round: every entry of the lowest rank, popped in position order before merging, so that
    // a new pair of even lower rank waits for the next round as in the reference.
    const rank = heap.peekRank();
    round.length = 0;
    while (heap.size > 0 && heap.peekRank() === rank) round.push(heap.pop());
    for (const left of round) {
      // Entries go stale when a neighbour merged first; a live one still names this exact pair.
      if (!alive[left] || rankAt(left) !== rank) continue;
      const right = next[left];
      symbols[left] += symbols[right];
      alive[right] = 0;
      next[left] = next[right];
      if (next[right] >= 0) prev[next[right]] = left;
      pushPair(prev[left]);
      pushPair(left);
    }
  }
  const out: string[] = [];
  for (let i = 0; i >= 0; i = next[i]) out.push(symbols[i]);
  return out;
}

/** Binary min-heap of (rank, position) pairs ordered by rank, then position. */
class PairHeap {
  private readonly ranks: number[] = [];
  private readonly positions: number[] = [];

  get size(): number {
    return this.ranks.length;
  }

  peekRank(): number {
    return this.ranks[0];
  }

  push(rank: number, position: number): void {
    this.ranks.push(rank);
    this.positions.push(position);
    let i = this.ranks.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes the smallest entry and returns its position. */
  pop(): number {
    const top = this.positions[0];
    const last = this.ranks.length - 1;
    this.swap(0, last);
    this.ranks.pop();
    this.positions.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < last && this.less(left, smallest)) smallest = left;
      if (right < last && this.less(right, smallest)) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const { ranks, positions } = this;
    return ranks[a] < ranks[b] || (ranks[a] === ranks[b] && positions[a] < positions[b]);
  }

  private swap(a: number, b: number): void {
    const { ranks, positions } = this;
    [ranks[a], ranks[b]] = [ranks[b], ranks[a]];
    [positions[a], positions[b]] = [positions[b], positions[a]];
  }
}
