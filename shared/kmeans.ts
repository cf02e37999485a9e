// Euclidean k-means (k-means++ seeding, Lloyd iterations) over a video's frame embeddings, made
// deterministic by a seeded PRNG and fixed tie rules so an index is reproducible. Hand-written: an index's
// bytes depend on every seeding and tie rule, which must not move with a library's versions.
import { createPrng } from "./prng.ts";
import { l2Normalize } from "./vectors.ts";

/** Lloyd iterations stop earlier when no assignment changes (a handful for tens of frames). */
const MAX_ITERATIONS = 100;

function squaredDistance(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = a[i] - b[i];
    sum += diff * diff;
  }
  return sum;
}

/** k-means++: first center uniform, then each next one drawn with probability proportional to D(x)^2. */
function seedCenters(points: readonly Float32Array[], k: number, seed: number): Float64Array[] {
  const prng = createPrng(seed);
  const chosen = new Set<number>();
  const first = prng.nextInt(points.length);
  chosen.add(first);
  const centers = [Float64Array.from(points[first])];
  const nearest = points.map((p) => squaredDistance(p, centers[0]));
  while (centers.length < k) {
    const total = nearest.reduce((sum, d) => sum + d, 0);
    let pick = -1;
    if (total > 0) {
      const target = prng.next() * total;
      let cumulative = 0;
      for (let i = 0; i < points.length && pick < 0; i++) {
        cumulative += nearest[i];
        if (nearest[i] > 0 && cumulative > target) pick = i;
      }
      // Rounding can leave the target past the last sum: take the last point with weight.
      if (pick < 0) pick = nearest.findLastIndex((d) => d > 0);
    } else {
      // Every point coincides with a center (duplicate frames): take the first unused point.
      for (let i = 0; i < points.length && pick < 0; i++) if (!chosen.has(i)) pick = i;
    }
    chosen.add(pick);
    const center = Float64Array.from(points[pick]);
    centers.push(center);
    for (let i = 0; i < points.length; i++)
      nearest[i] = Math.min(nearest[i], squaredDistance(points[i], center));
  }
  return centers;
}

/** Index of the nearest center (ties: lowest index) and its squared distance. */
function nearestCenter(point: Float32Array, centers: readonly Float64Array[]): [number, number] {
  let best = 0;
  let bestDistance = squaredDistance(point, centers[0]);
  for (let c = 1; c < centers.length; c++) {
    const distance = squaredDistance(point, centers[c]);
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return [best, bestDistance];
}

/**
 * Clusters `points` (equal-length vectors, normally L2-normalized frame embeddings) into k groups
 * and returns the k centroids, each L2-normalized, ordered by the first frame they contain.
 * Deterministic for a given seed. With k >= points.length the (normalized) points themselves are
 * returned. An empty cluster takes the point farthest from its centroid (lowest index on ties)
 * among clusters with more than one point.
 */
export function kMeans(points: readonly Float32Array[], k: number, seed: number): Float32Array[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (points.length <= k) return points.map((p) => l2Normalize(p));
  const d = points[0].length;
  const centers = seedCenters(points, k, seed);
  const assignment = new Int32Array(points.length).fill(-1);
  const distance = new Float64Array(points.length);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    let changed = false;
    for (let i = 0; i < points.length; i++) {
      const [c, dist] = nearestCenter(points[i], centers);
      distance[i] = dist;
      if (assignment[i] !== c) {
        assignment[i] = c;
        changed = true;
      }
    }
    const sizes = new Int32Array(k);
    for (const c of assignment) sizes[c]++;
    for (let c = 0; c < k; c++) {
      if (sizes[c] > 0) continue;
      let far = -1;
      for (let i = 0; i < points.length; i++) {
        if (sizes[assignment[i]] > 1 && (far < 0 || distance[i] > distance[far])) far = i;
      }
      sizes[assignment[far]]--;
      assignment[far] = c;
      distance[far] = 0;
      sizes[c] = 1;
      changed = true;
    }
    if (!changed) break;
    for (const center of centers) center.fill(0);
    for (let i = 0; i < points.length; i++) {
      const center = centers[assignment[i]];
      const point = points[i];
      for (let j = 0; j < d; j++) center[j] += point[j];
    }
    for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centers[c][j] /= sizes[c];
  }
  const firstMember = new Array<number>(k).fill(points.length);
  for (let i = points.length - 1; i >= 0; i--) firstMember[assignment[i]] = i;
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => firstMember[a] - firstMember[b]);
  return order.map((c) => {
    const centroid = l2Normalize(Float32Array.from(centers[c]));
    // Members that cancel out (opposite vectors) leave no direction: fall back to the first member.
    return centroid.some((x) => x !== 0) ? centroid : l2Normalize(points[firstMember[c]]);
  });
}
