// Text-to-video search: GET /api/search?q=&k= and POST /api/search {q, k, filter}.
import { type Context, Hono } from "hono";
import { assertSameModel } from "../../shared/index-format.ts";
import { type AppEnv, keepAlive, readConfig } from "../config.ts";
import { getEncoder } from "../encoder/load-encoder.ts";
import { ApiError } from "../http/api-error.ts";
import { normalizeQuery, parseFilter, parseK, parseQuery } from "../http/params.ts";
import { readCachedEmbedding, writeCachedEmbedding } from "../http/query-cache.ts";
import { getStore } from "../stores/get-store.ts";
import type { SearchFilter, VideoHit } from "../stores/video-store.ts";
import { publicHit } from "./public-hit.ts";

/** Response of /api/search. */
export interface SearchResponse {
  results: VideoHit[];
  model: string;
  /** Milliseconds per stage; tokenize and encode are 0 when the embedding came from the cache. */
  tookMs: { tokenize: number; encode: number; search: number };
  cached: boolean;
  /** Present when the query was longer than the model's context and was cut. */
  truncated?: true;
}

const DEFAULT_K = 10;

async function search(c: Context<AppEnv>, q: string, k: number, filter?: SearchFilter): Promise<Response> {
  const config = readConfig(c.env);
  // The encoder starts loading beside the index (a faster cold start) but is awaited only on a cache miss.
  const encoderLoad = getEncoder(c.env.MODEL_BUCKET, config.modelPrefix, keepAlive(c));
  encoderLoad.catch(() => {}); // a cache hit never looks at it; a miss awaits it and reports its error
  const store = await getStore(c.env, config, keepAlive(c));
  // Keyed by the index's model, which the encoder must equal: a cache hit needs no encoder, so it is
  // answered on a cold isolate (no model load) and even while the encoder cannot be loaded.
  const model = store.stats().model;
  const key = normalizeQuery(q);
  let cached = await readCachedEmbedding(model.id, key, model.dimension);
  const tookMs = { tokenize: 0, encode: 0, search: 0 };
  const hit = cached !== undefined;
  if (!cached) {
    const encoder = await encoderLoad;
    assertSameModel(model, encoder);
    const encoded = await encoder.encode(q);
    tookMs.tokenize = encoded.tokenizeMs;
    tookMs.encode = encoded.encodeMs;
    cached = { vector: encoded.vector, truncated: encoded.truncated };
    c.executionCtx.waitUntil(writeCachedEmbedding(model.id, key, cached));
  }
  const started = performance.now();
  const results = await store.searchVideos(cached.vector, k, filter);
  tookMs.search = performance.now() - started;
  const body: SearchResponse = { results: results.map(publicHit), model: model.id, tookMs, cached: hit };
  if (cached.truncated) body.truncated = true;
  return c.json(body);
}

export const searchRoutes = new Hono<AppEnv>()
  .get("/", (c) => search(c, parseQuery(c.req.query("q")), parseK(c.req.query("k"), DEFAULT_K)))
  .post("/", async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!type.toLowerCase().startsWith("application/json"))
      throw new ApiError(
        415,
        "unsupported_media_type",
        "send the search as JSON (content-type: application/json)",
      );
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError(400, "bad_json", 'the body is not valid JSON; expected {"q": "...", "k": 10}');
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new ApiError(400, "bad_json", 'the body must be a JSON object like {"q": "...", "k": 10}');
    const fields = body as Record<string, unknown>;
    return search(c, parseQuery(fields.q), parseK(fields.k, DEFAULT_K), parseFilter(fields.filter));
  });
