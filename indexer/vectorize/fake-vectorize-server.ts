// Test helper: a local HTTP server playing Cloudflare's Vectorize REST v2 API (index info with
// created_on, NDJSON upsert, delete_by_ids, /info with processedUpToMutation) that enforces the
// documented request contract (batch limits, async mutations) and injects faults on demand.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DELETE_IDS_PER_REQUEST, VECTORIZE_LIMITS } from "./records.ts";

/** What the server does with one upsert request instead of accepting it. */
export type Fault = "429" | "500" | "500-echo-auth" | "drop" | "slow";

export interface FakeVectorizeOptions {
  accountId: string;
  token: string;
  indexName: string;
  dimensions: number;
  /** Seconds sent in Retry-After with a 429. */
  retryAfterSec?: number;
  /** Fault for the n-th upsert request (1-based), given the ids it carries; undefined = accept. */
  fault?: (request: number, ids: string[]) => Fault | undefined;
  /** The same for the n-th delete_by_ids request. */
  deleteFault?: (request: number, ids: string[]) => Fault | undefined;
  /**
   * Vectorize v2 applies mutations asynchronously: with this set, accepted upserts and deletes wait
   * in order until settle(), so a client cannot rely on reading its own writes back at once.
   */
  asyncMutations?: boolean;
  /** result.created_on of the index (default: a new instant per server, as a recreated index gets). */
  createdOn?: string;
}

export interface StoredVector {
  values: number[];
  namespace?: string;
  metadata?: Record<string, unknown>;
}

export interface FakeVectorize {
  /** Value for CLOUDFLARE_API_BASE_URL. */
  baseUrl: string;
  /** Accepted vectors by id (last write wins, as an upsert). */
  stored: Map<string, StoredVector>;
  /** How many accepted requests carried each id. */
  arrivals: Map<string, number>;
  /** Contract violations seen; a correct client leaves this empty. */
  violations: string[];
  /** Upsert requests received, faulted ones included. */
  upsertRequests: number;
  /** delete_by_ids requests received, faulted ones included, and the ids of the accepted ones. */
  deleteRequests: number;
  deletedIds: string[];
  /** Accepted mutations not applied yet (asyncMutations). */
  pendingMutations(): number;
  /** Applies every pending mutation, in the order accepted. */
  settle(): void;
  close(): Promise<void>;
}

let serversStarted = 0;

const utf8 = new TextEncoder();

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function envelope(result: unknown, errors: { code: number; message: string }[] = []) {
  return { result, success: errors.length === 0, errors, messages: [] };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Checks one NDJSON line against the documented record shape; returns the problem or the record. */
function checkLine(line: string, dimensions: number): string | { id: string; vector: StoredVector } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "line is not JSON";
  }
  if (typeof value !== "object" || value === null) return "line is not an object";
  const { id, values, namespace, metadata } = value as Record<string, unknown>;
  if (typeof id !== "string" || id === "") return "id missing";
  if (utf8.encode(id).length > VECTORIZE_LIMITS.idBytes) return `id ${id} longer than 64 bytes`;
  if (!Array.isArray(values) || values.length !== dimensions || !values.every((x) => typeof x === "number"))
    return `values of ${id} are not ${dimensions} numbers`;
  if (namespace !== undefined && (typeof namespace !== "string" || utf8.encode(namespace).length > 64))
    return `namespace of ${id} is not a string of at most 64 bytes`;
  if (metadata !== undefined) {
    if (typeof metadata !== "object" || metadata === null) return `metadata of ${id} is not an object`;
    if (utf8.encode(JSON.stringify(metadata)).length > VECTORIZE_LIMITS.metadataBytes)
      return `metadata of ${id} exceeds 10 KiB`;
  }
  return {
    id,
    vector: {
      values,
      namespace: namespace as string | undefined,
      metadata: metadata as Record<string, unknown> | undefined,
    },
  };
}

/** Starts the fake on 127.0.0.1 at a random port. */
export async function startFakeVectorize(options: FakeVectorizeOptions): Promise<FakeVectorize> {
  const { accountId, token, indexName, dimensions } = options;
  const prefix = `/client/v4/accounts/${accountId}/vectorize/v2/indexes/`;
  let mutation = 0;
  const createdOn =
    options.createdOn ?? new Date(Date.UTC(2026, 0, 1) + 1000 * ++serversStarted).toISOString();
  const pending: { id: string; apply(): void }[] = [];
  let processedUpTo: string | null = null;
  const fake: Omit<FakeVectorize, "baseUrl" | "close" | "settle" | "pendingMutations"> = {
    stored: new Map(),
    arrivals: new Map(),
    violations: [],
    upsertRequests: 0,
    deleteRequests: 0,
    deletedIds: [],
  };
  const settle = () => {
    for (const m of pending.splice(0)) {
      m.apply();
      processedUpTo = m.id;
    }
  };
  /** Accepts a mutation: a new mutation id, applied now or at settle(). */
  const accept = (apply: () => void): string => {
    mutation++;
    const id = `00000000-0000-4000-8000-${String(mutation).padStart(12, "0")}`;
    pending.push({ id, apply });
    if (!options.asyncMutations) settle();
    return id;
  };
  const fail = (res: ServerResponse, req: IncomingMessage, fault: Fault | undefined): boolean => {
    switch (fault) {
      case "429":
        send(res, 429, envelope(null, [{ code: 971, message: "rate limited" }]), {
          "retry-after": String(options.retryAfterSec ?? 1),
        });
        return true;
      case "500":
        send(res, 500, envelope(null, [{ code: 1000, message: "internal error" }]));
        return true;
      case "500-echo-auth":
        // A server that echoes credentials: the client must still never print them.
        send(
          res,
          500,
          envelope(null, [{ code: 1000, message: `bad ${req.headers.authorization} for ${accountId}` }]),
        );
        return true;
      case "drop":
        req.socket.destroy();
        return true;
      case "slow":
        // Never answers; the client has to time out. The socket closes when the client aborts.
        return true;
    }
    return false;
  };

  const reject = (res: ServerResponse, status: number, message: string) => {
    fake.violations.push(message);
    send(res, status, envelope(null, [{ code: 1000 + status, message }]));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.headers.authorization !== `Bearer ${token}`)
      return reject(res, 401, "missing or wrong bearer token");
    if (!url.pathname.startsWith(prefix))
      return send(res, 404, envelope(null, [{ code: 7003, message: "no route" }]));
    const [name, action] = url.pathname.slice(prefix.length).split("/");
    if (name !== indexName)
      return send(res, 404, envelope(null, [{ code: 3000, message: "index not found" }]));
    if (req.method === "GET" && action === undefined) {
      return send(
        res,
        200,
        envelope({
          name,
          config: { dimensions, metric: "cosine" },
          created_on: createdOn,
          modified_on: createdOn,
        }),
      );
    }
    if (req.method === "GET" && action === "info")
      return send(
        res,
        200,
        envelope({
          dimensions,
          vectorCount: fake.stored.size,
          processedUpToMutation: processedUpTo,
          processedUpToDatetime: createdOn,
        }),
      );
    if (req.method === "POST" && action === "delete_by_ids") return handleDelete(req, res);
    if (req.method !== "POST" || action !== "upsert")
      return reject(res, 405, `${req.method} ${url.pathname}`);

    fake.upsertRequests++;
    if (req.headers["content-type"] !== "application/x-ndjson")
      return reject(res, 400, `content-type ${req.headers["content-type"]}`);
    const body = await readBody(req, VECTORIZE_LIMITS.bytesPerRequest);
    if (body === null) return reject(res, 413, "body over 100 MB");
    const lines = body
      .toString("utf8")
      .split("\n")
      .filter((line) => line !== "");
    if (lines.length > VECTORIZE_LIMITS.vectorsPerRequest)
      return reject(res, 400, `${lines.length} vectors in one request`);
    const accepted: { id: string; vector: StoredVector }[] = [];
    for (const line of lines) {
      const checked = checkLine(line, dimensions);
      if (typeof checked === "string") return reject(res, 400, checked);
      accepted.push(checked);
    }

    const ids = accepted.map((a) => a.id);
    if (fail(res, req, options.fault?.(fake.upsertRequests, ids))) return;
    const mutationId = accept(() => {
      for (const { id, vector } of accepted) fake.stored.set(id, vector);
    });
    for (const id of ids) fake.arrivals.set(id, (fake.arrivals.get(id) ?? 0) + 1);
    send(res, 200, envelope({ mutationId }));
  }

  /** POST delete_by_ids: JSON {"ids": [...]}, at most DELETE_IDS_PER_REQUEST ids of at most 64 bytes. */
  async function handleDelete(req: IncomingMessage, res: ServerResponse) {
    fake.deleteRequests++;
    if (req.headers["content-type"] !== "application/json")
      return reject(res, 400, `delete content-type ${req.headers["content-type"]}`);
    const body = await readBody(req, VECTORIZE_LIMITS.bytesPerRequest);
    let ids: unknown;
    try {
      ids = (JSON.parse(body?.toString("utf8") ?? "") as { ids?: unknown }).ids;
    } catch {
      return reject(res, 400, "delete body is not JSON");
    }
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === "string"))
      return reject(res, 400, "delete body lacks ids: string[]");
    if (ids.length > DELETE_IDS_PER_REQUEST) return reject(res, 400, `${ids.length} ids in one delete`);
    if (ids.some((id) => utf8.encode(id).length > VECTORIZE_LIMITS.idBytes))
      return reject(res, 400, "a delete id is longer than 64 bytes");
    if (fail(res, req, options.deleteFault?.(fake.deleteRequests, ids))) return;
    const mutationId = accept(() => {
      for (const id of ids) fake.stored.delete(id);
    });
    fake.deletedIds.push(...ids);
    send(res, 200, envelope({ mutationId }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      fake.violations.push(`server error: ${String(error)}`);
      if (!res.headersSent) send(res, 500, envelope(null, [{ code: 1, message: "fake crashed" }]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    baseUrl: `http://127.0.0.1:${port}/client/v4`,
    settle,
    pendingMutations: () => pending.length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
