// Test double of a Vectorize index (the service has no local simulator), keeping its documented contract
// (developers.cloudflare.com/vectorize/platform/limits, .../reference/metadata-filtering): cosine scores,
// namespaces, topK <= 100 without values/metadata and <= 20 with them, filters only on metadata indexes
// that existed before the vectors were inserted, getByIds across namespaces.

/** A stored vector (values as plain numbers, as the service returns them). */
interface Stored {
  id: string;
  namespace?: string;
  values: number[];
  metadata: Record<string, VectorizeVectorMetadata>;
  /** Indexed properties at insertion time: a later metadata index does not cover this vector. */
  filterable: Set<string>;
}

type Scalar = string | number | boolean | null;

/** Calls made, for assertions on how the store uses the index. */
export interface FakeVectorizeCall {
  method: "query" | "getByIds";
  topK?: number;
  namespace?: string;
  returnMetadata?: VectorizeQueryOptions["returnMetadata"];
  ids?: number;
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

function compare(value: Scalar | undefined, op: string, operand: unknown): boolean {
  switch (op) {
    case "$eq":
      return value === operand;
    case "$ne":
      return value !== operand;
    case "$in":
      return (operand as Scalar[]).includes(value ?? null);
    case "$nin":
      return !(operand as Scalar[]).includes(value ?? null);
    case "$lt":
      return typeof value === "number" && value < (operand as number);
    case "$lte":
      return typeof value === "number" && value <= (operand as number);
    case "$gt":
      return typeof value === "number" && value > (operand as number);
    case "$gte":
      return typeof value === "number" && value >= (operand as number);
    default:
      throw new Error(`VECTOR_QUERY_ERROR: unsupported filter operator ${op}`);
  }
}

function passes(vector: Stored, filter: VectorizeVectorMetadataFilter | undefined): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([field, condition]) => {
    // Vectors inserted before the field's metadata index never match a filter on it.
    if (!vector.filterable.has(field)) return false;
    const value = vector.metadata[field] as Scalar | undefined;
    if (condition !== null && typeof condition === "object" && !Array.isArray(condition))
      return Object.entries(condition).every(([op, operand]) => compare(value, op, operand));
    return value === condition;
  });
}

export class FakeVectorize {
  readonly dimensions: number;
  readonly calls: FakeVectorizeCall[] = [];
  private readonly vectors = new Map<string, Stored>();
  private readonly indexed = new Set<string>();

  constructor(dimensions: number) {
    this.dimensions = dimensions;
  }

  /** `wrangler vectorize create-metadata-index`: covers vectors upserted from now on. */
  createMetadataIndex(property: string): void {
    this.indexed.add(property);
  }

  async upsert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    if (vectors.length > 1000) throw new Error("VECTOR_UPSERT_ERROR: at most 1000 vectors per batch");
    for (const vector of vectors) {
      if (vector.values.length !== this.dimensions)
        throw new Error(`VECTOR_UPSERT_ERROR: ${vector.id} has ${vector.values.length} dimensions`);
      if (new TextEncoder().encode(vector.id).length > 64)
        throw new Error(`VECTOR_UPSERT_ERROR: id ${vector.id} is over 64 bytes`);
      this.vectors.set(vector.id, {
        id: vector.id,
        namespace: vector.namespace,
        values: Array.from(vector.values),
        metadata: { ...(vector.metadata ?? {}) },
        filterable: new Set(this.indexed),
      });
    }
    return { mutationId: `m${this.vectors.size}` };
  }

  async query(
    vector: VectorFloatArray | number[],
    options: VectorizeQueryOptions = {},
  ): Promise<VectorizeMatches> {
    const topK = options.topK ?? 5;
    const level = options.returnMetadata === true ? "all" : options.returnMetadata || "none";
    this.calls.push({ method: "query", topK, namespace: options.namespace, returnMetadata: level });
    const withData = options.returnValues === true || level !== "none";
    const max = withData ? 20 : 100;
    if (!Number.isInteger(topK) || topK < 1 || topK > max)
      throw new Error(
        `VECTOR_QUERY_ERROR (code = 40025): topK must be between 1 and ${max}${withData ? " when returning values or metadata" : ""}, got ${topK}`,
      );
    if (vector.length !== this.dimensions)
      throw new Error(`VECTOR_QUERY_ERROR: query has ${vector.length} dimensions, index ${this.dimensions}`);
    const matches = [...this.vectors.values()]
      .filter(
        (v) =>
          (options.namespace === undefined || v.namespace === options.namespace) && passes(v, options.filter),
      )
      .map((v) => ({ stored: v, score: cosine(vector, v.values) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK)
      .map(({ stored, score }): VectorizeMatch => {
        const match: VectorizeMatch = { id: stored.id, score, namespace: stored.namespace };
        if (options.returnValues) match.values = [...stored.values];
        if (level === "all") match.metadata = { ...stored.metadata };
        if (level === "indexed")
          match.metadata = Object.fromEntries(
            Object.entries(stored.metadata).filter(([key]) => stored.filterable.has(key)),
          );
        return match;
      });
    return { matches, count: matches.length };
  }

  async getByIds(ids: string[]): Promise<VectorizeVector[]> {
    this.calls.push({ method: "getByIds", ids: ids.length });
    if (ids.length > 20) throw new Error("VECTOR_GET_ERROR: at most 20 ids per call");
    return ids.flatMap((id) => {
      const stored = this.vectors.get(id);
      return stored
        ? [{ id, namespace: stored.namespace, values: [...stored.values], metadata: { ...stored.metadata } }]
        : [];
    });
  }

  /** The binding's type, for code under test (only query, getByIds and upsert are implemented). */
  asBinding(): Vectorize {
    return this as unknown as Vectorize;
  }
}
