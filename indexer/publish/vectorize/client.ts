// Minimal Cloudflare Vectorize REST v2 client (index info, NDJSON upsert, delete_by_ids) with bounded retries on
// 429, 5xx, timeouts and dropped connections. Messages never contain the token or account id.
import { InputError } from "../../../shared/errors.ts";
import { redactSecrets, type VectorizeConfig } from "./config.ts";
import { backoffDelayMs, DEFAULT_RETRY_POLICY, parseRetryAfter, type RetryPolicy } from "./retry.ts";

export interface VectorizeClientOptions {
  /** fetch implementation (default: globalThis.fetch). */
  fetch?: typeof fetch;
  /** Abort a request that has not answered within this many milliseconds (default 120 s; `upload --timeout`). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Called before each retry wait, e.g. to tell the user. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  /** What was being done, e.g. "upsert". */
  operation: string;
  /** Attempt that failed (1-based) and the number allowed. */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  /** Why, e.g. "HTTP 429", "timeout after 120000 ms", "connection failed". */
  reason: string;
}

/** Vectorize index configuration as returned by GET .../indexes/{name}. */
export interface VectorizeIndexInfo {
  dimensions: number;
  metric: string;
  /** result.created_on: tells a recreated index (same name, empty) from the one a ledger describes. */
  createdOn: string | null;
}

/** A request that failed for good (retries exhausted or not retryable). */
export class VectorizeRequestError extends Error {
  readonly status: number | null;
  readonly attempts: number;

  constructor(message: string, status: number | null, attempts: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "VectorizeRequestError";
    this.status = status;
    this.attempts = attempts;
  }
}

/** Cloudflare's response envelope. */
interface Envelope {
  success?: boolean;
  errors?: { code?: number; message?: string }[];
  result?: unknown;
}

type Outcome =
  | { kind: "ok"; body: Envelope }
  | { kind: "retry"; reason: string; status: number | null; retryAfterMs?: number }
  | { kind: "fail"; reason: string; status: number | null };

/** Per request; `upload --timeout SEC` overrides it. */
export const DEFAULT_TIMEOUT_MS = 120_000;

function errorText(body: Envelope | null): string {
  const messages = (body?.errors ?? []).map((e) => `${e.code ?? "?"}: ${e.message ?? ""}`.trim());
  return messages.length > 0 ? messages.join("; ") : "no error details";
}

async function readEnvelope(response: Response): Promise<Envelope | null> {
  try {
    const parsed: unknown = JSON.parse(await response.text());
    return typeof parsed === "object" && parsed !== null ? (parsed as Envelope) : null;
  } catch {
    return null;
  }
}

export class VectorizeClient {
  private readonly config: VectorizeConfig;
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly policy: RetryPolicy;
  private readonly onRetry?: (event: RetryEvent) => void;

  constructor(config: VectorizeConfig, options: VectorizeClientOptions = {}) {
    this.config = config;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.onRetry = options.onRetry;
  }

  /** Reads the index's dimension and metric; InputError when it does not exist or access is denied. */
  async getIndex(indexName: string): Promise<VectorizeIndexInfo> {
    const body = await this.request("index info", indexName, "", { method: "GET" });
    const result = body.result as
      | { config?: { dimensions?: unknown; metric?: unknown }; created_on?: unknown }
      | undefined;
    const config = result?.config;
    if (typeof config?.dimensions !== "number")
      throw new VectorizeRequestError("index info: response lacks result.config.dimensions", 200, 1);
    return {
      dimensions: config.dimensions,
      metric: String(config.metric ?? "unknown"),
      createdOn: typeof result?.created_on === "string" ? result.created_on : null,
    };
  }

  /** Deletes vectors by id (at most DELETE_IDS_PER_REQUEST of records.ts); returns the mutation id. */
  async deleteByIds(indexName: string, ids: readonly string[]): Promise<string> {
    const body = await this.request("delete", indexName, "/delete_by_ids", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new TextEncoder().encode(JSON.stringify({ ids })),
    });
    const mutationId = (body.result as { mutationId?: unknown } | undefined)?.mutationId;
    if (typeof mutationId !== "string")
      throw new VectorizeRequestError("delete: response lacks result.mutationId", 200, 1);
    return mutationId;
  }

  /** Upserts an NDJSON body (one {"id","values",...} per line); returns Vectorize's mutation id. */
  async upsert(indexName: string, ndjson: Uint8Array): Promise<string> {
    const body = await this.request("upsert", indexName, "/upsert", {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: ndjson,
    });
    const mutationId = (body.result as { mutationId?: unknown } | undefined)?.mutationId;
    if (typeof mutationId !== "string")
      throw new VectorizeRequestError("upsert: response lacks result.mutationId", 200, 1);
    return mutationId;
  }

  private url(indexName: string, suffix: string): string {
    const { baseUrl, accountId } = this.config;
    return `${baseUrl}/accounts/${encodeURIComponent(accountId)}/vectorize/v2/indexes/${encodeURIComponent(indexName)}${suffix}`;
  }

  private async request(
    operation: string,
    indexName: string,
    suffix: string,
    init: RequestInit,
  ): Promise<Envelope> {
    const { maxAttempts } = this.policy;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(indexName, suffix, init);
      if (outcome.kind === "ok") return outcome.body;
      const reason = redactSecrets(outcome.reason, this.config);
      if (outcome.kind === "fail" || attempt >= maxAttempts) {
        const tries = outcome.kind === "fail" ? "" : ` after ${attempt} attempts`;
        throw new VectorizeRequestError(`${operation} failed${tries}: ${reason}`, outcome.status, attempt);
      }
      const delayMs = backoffDelayMs(
        attempt,
        this.policy,
        outcome.kind === "retry" ? outcome.retryAfterMs : undefined,
      );
      this.onRetry?.({ operation, attempt, maxAttempts, delayMs, reason });
      await this.policy.sleep(delayMs);
    }
  }

  /** One HTTP exchange, classified; throws InputError for problems no retry can fix (auth, no index). */
  private async attempt(indexName: string, suffix: string, init: RequestInit): Promise<Outcome> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let response: Response;
    let body: Envelope | null;
    try {
      response = await this.fetch(this.url(indexName, suffix), {
        ...init,
        // A Blob per attempt: fetch re-reads a Blob when it follows a 307/308, where it detaches the buffer
        // of a Uint8Array body and then fails ("detached ArrayBuffer") on the redirect and on every retry.
        body: init.body instanceof Uint8Array ? new Blob([init.body]) : init.body,
        headers: {
          ...(init.headers as Record<string, string>),
          authorization: `Bearer ${this.config.apiToken}`,
        },
        signal: controller.signal,
      });
      body = await readEnvelope(response);
    } catch (error) {
      const reason = controller.signal.aborted
        ? `no answer within ${this.timeoutMs} ms`
        : `connection failed (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})`;
      return { kind: "retry", reason, status: null };
    } finally {
      clearTimeout(timer);
    }
    const { status } = response;
    const details = `HTTP ${status}: ${errorText(body)}`;
    if (status >= 200 && status < 300) {
      if (body?.success === true) return { kind: "ok", body };
      if (body === null)
        return { kind: "retry", reason: `HTTP ${status} with a body that is not JSON`, status };
      return { kind: "fail", reason: details, status };
    }
    if (status === 401 || status === 403) {
      throw new InputError(
        "vectorize_auth",
        redactSecrets(
          `Cloudflare refused the request (${details}); check that CLOUDFLARE_API_TOKEN has "Vectorize Write" on CLOUDFLARE_ACCOUNT_ID`,
          this.config,
        ),
      );
    }
    if (status === 404) {
      throw new InputError(
        "vectorize_index_missing",
        redactSecrets(
          `Vectorize index "${indexName}" was not found (${details}); create it with: npx wrangler vectorize create ${indexName} --dimensions=<d> --metric=cosine`,
          this.config,
        ),
      );
    }
    if (status === 429 || status === 408 || status >= 500) {
      return {
        kind: "retry",
        reason: details,
        status,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
      };
    }
    return { kind: "fail", reason: details, status };
  }
}
