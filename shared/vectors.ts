// Vector core on Float32Array: norms, dot products, row scoring (the flat-search hot loop), top-k.
// Sums are accumulated in float64 (JS numbers) and rounded to float32 once, so the same pair of
// vectors gets the same score in search (scoreRows) and in evaluation (multiplyTransposed).

/** Dot product of a[aOffset..aOffset+d) and b[bOffset..bOffset+d), unrolled by 4. */
function dotAt(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  const end4 = d - (d % 4);
  for (; i < end4; i += 4) {
    s0 += a[aOffset + i] * b[bOffset + i];
    s1 += a[aOffset + i + 1] * b[bOffset + i + 1];
    s2 += a[aOffset + i + 2] * b[bOffset + i + 2];
    s3 += a[aOffset + i + 3] * b[bOffset + i + 3];
  }
  for (; i < d; i++) s0 += a[aOffset + i] * b[bOffset + i];
  return s0 + s1 + s2 + s3;
}

function assertSameLength(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} vs ${b.length}`);
}

function assertMatrix(data: Float32Array, d: number, name: string): number {
  if (!Number.isInteger(d) || d <= 0) throw new RangeError(`${name}: dimension must be a positive integer`);
  if (data.length % d !== 0) throw new RangeError(`${name}: length ${data.length} is not a multiple of ${d}`);
  return data.length / d;
}

/** Dot product of two equal-length vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  assertSameLength(a, b);
  return dotAt(a, 0, b, 0, a.length);
}

/** Euclidean (L2) norm. */
export function l2Norm(v: Float32Array): number {
  return Math.sqrt(dotAt(v, 0, v, 0, v.length));
}

/**
 * Scales `v` to unit L2 norm in place and returns it. A zero vector has no direction and is left
 * as zeros; callers that must reject it check with `findInvalidRow` first.
 */
export function l2NormalizeInPlace(v: Float32Array): Float32Array {
  const norm = l2Norm(v);
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] /= norm;
  return v;
}

/** Unit-L2-norm copy of `v` (zeros stay zeros, see l2NormalizeInPlace). */
export function l2Normalize(v: Float32Array): Float32Array {
  return l2NormalizeInPlace(Float32Array.from(v));
}

/** Cosine similarity in [-1, 1]; 0 when either vector is zero. */
export function cosine(a: Float32Array, b: Float32Array): number {
  assertSameLength(a, b);
  const denominator = l2Norm(a) * l2Norm(b);
  return denominator === 0 ? 0 : dotAt(a, 0, b, 0, a.length) / denominator;
}

/** Element-wise mean of one or more equal-length vectors (not normalized). */
export function meanVector(vectors: readonly Float32Array[]): Float32Array {
  if (vectors.length === 0) throw new RangeError("meanVector needs at least one vector");
  const d = vectors[0].length;
  const sum = new Float64Array(d);
  for (const v of vectors) {
    if (v.length !== d) throw new RangeError(`vector lengths differ: ${d} vs ${v.length}`);
    for (let i = 0; i < d; i++) sum[i] += v[i];
  }
  const mean = new Float32Array(d);
  for (let i = 0; i < d; i++) mean[i] = sum[i] / vectors.length;
  return mean;
}

/** Normalizes every row of a row-major [n, d] matrix in place (zero rows stay zero). */
export function l2NormalizeRowsInPlace(matrix: Float32Array, d: number): Float32Array {
  const n = assertMatrix(matrix, d, "l2NormalizeRowsInPlace");
  for (let r = 0; r < n; r++) {
    const offset = r * d;
    const norm = Math.sqrt(dotAt(matrix, offset, matrix, offset, d));
    if (norm > 0) for (let i = offset; i < offset + d; i++) matrix[i] /= norm;
  }
  return matrix;
}

/** First row of a row-major [n, d] matrix that cannot be normalized, or null when all are fine. */
export function findInvalidRow(
  matrix: Float32Array,
  d: number,
): { row: number; reason: "not finite" | "zero" } | null {
  const n = assertMatrix(matrix, d, "findInvalidRow");
  for (let r = 0; r < n; r++) {
    let allZero = true;
    for (let i = r * d; i < (r + 1) * d; i++) {
      const x = matrix[i];
      if (!Number.isFinite(x)) return { row: r, reason: "not finite" };
      if (x !== 0) allZero = false;
    }
    if (allZero) return { row: r, reason: "zero" };
  }
  return null;
}

/**
 * Scores every row of a row-major [n, d] matrix against `query` (length d): out[r] = row r . query.
 * With L2-normalized rows and query this is the cosine similarity. Writes into `out` when given
 * (length >= n) to avoid an allocation per query.
 */
export function scoreRows(
  matrix: Float32Array,
  d: number,
  query: Float32Array,
  out?: Float32Array,
): Float32Array {
  const n = assertMatrix(matrix, d, "scoreRows");
  if (query.length !== d) throw new RangeError(`query length ${query.length} differs from dimension ${d}`);
  const scores = out ?? new Float32Array(n);
  if (scores.length < n) throw new RangeError(`output length ${scores.length} is smaller than ${n} rows`);
  for (let r = 0, offset = 0; r < n; r++, offset += d) scores[r] = dotAt(matrix, offset, query, 0, d);
  return scores;
}

/**
 * Matrix product A x B^T for row-major A [m, d] and B [n, d]: a row-major [m, n] Float32Array with
 * out[i * n + j] = A_i . B_j (same arithmetic as scoreRows).
 */
export function multiplyTransposed(a: Float32Array, b: Float32Array, d: number): Float32Array {
  const m = assertMatrix(a, d, "multiplyTransposed (A)");
  const n = assertMatrix(b, d, "multiplyTransposed (B)");
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const aOffset = i * d;
    const outOffset = i * n;
    for (let j = 0, bOffset = 0; j < n; j++, bOffset += d)
      out[outOffset + j] = dotAt(a, aOffset, b, bOffset, d);
  }
  return out;
}

/** True when score x (at index i) ranks before score y (at index j): higher first, then lower index. NaN is last. */
function ranksBefore(x: number, i: number, y: number, j: number): boolean {
  if (x > y) return true;
  if (x < y) return false;
  if (x === y) return i < j;
  // At least one NaN: a number beats NaN; two NaNs keep index order.
  if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(y);
  return i < j;
}

/**
 * Indices of the k highest scores, best first (ties: lower index first; NaN last). Keeps a min-heap
 * of k candidates, O(n log k), so a search over many rows never sorts them all.
 */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`k must be a non-negative integer, got ${k}`);
  const size = Math.min(k, scores.length);
  if (size === 0) return [];
  // heap[0] is the worst kept candidate.
  const heap = new Int32Array(size);
  let count = 0;
  const worse = (p: number, q: number) => ranksBefore(scores[heap[q]], heap[q], scores[heap[p]], heap[p]);
  const siftDown = (start: number) => {
    let p = start;
    for (;;) {
      const left = 2 * p + 1;
      if (left >= count) return;
      const right = left + 1;
      const child = right < count && worse(right, left) ? right : left;
      if (!worse(child, p)) return;
      const t = heap[p];
      heap[p] = heap[child];
      heap[child] = t;
      p = child;
    }
  };
  for (let i = 0; i < scores.length; i++) {
    if (count < size) {
      heap[count] = i;
      let c = count++;
      while (c > 0) {
        const parent = (c - 1) >> 1;
        if (!worse(c, parent)) break;
        const t = heap[c];
        heap[c] = heap[parent];
        heap[parent] = t;
        c = parent;
      }
    } else if (ranksBefore(scores[i], i, scores[heap[0]], heap[0])) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return Array.from(heap).sort((i, j) => (ranksBefore(scores[i], i, scores[j], j) ? -1 : 1));
}
