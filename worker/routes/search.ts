// Text-to-video search: GET /api/search?q=&k=&offset= and POST /api/search {q | vector, k, offset, filter}
// (a vector: an image or clip embedded by the client, searched as it is, without the text encoder).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { DeploymentRecord } from "../../shared/deployment/deployment-format.ts";
import { assertSameModel } from "../../shared/index-format.ts";
import { type AppEnv, keepAlive, readConfig } from "../config.ts";
import { getEncoder } from "../encoder/load-encoder.ts";
import type { QueryEncoder } from "../encoder/query-encoder.ts";
import {
  commonErrors,
  errorResponse,
  filterSchema,
  HitSchema,
  jsonBodyErrors,
  jsonRequestBody,
  kField,
  kParam,
  MAX_BODY_BYTES,
  offsetField,
  offsetParam,
  querySchema,
  vectorSchema,
} from "../http/api-schemas.ts";
import { jsonBody } from "../http/json-body.ts";
import { rankWindow } from "../http/paging.ts";
import {
  modelCacheKey,
  normalizeQuery,
  readCachedEmbedding,
  writeCachedEmbedding,
} from "../http/query-cache.ts";
import { queryVector } from "../http/query-vector.ts";
import { limitSearches } from "../http/rate-limit.ts";
import { getStore } from "../stores/get-store.ts";
import { liveDeployment } from "../stores/live-deployment.ts";
import type { SearchFilter } from "../stores/video-store.ts";
import { pageOfHits } from "./public-hit.ts";

const DEFAULT_K = 10;

export const SearchResponseSchema = z
  .object({
    results: z.array(HitSchema),
    model: z.string().openapi({ description: "id of the model that built the index and encoded the query" }),
    tookMs: z.object({ tokenize: z.number(), encode: z.number(), search: z.number() }).openapi({
      description: "milliseconds per stage; tokenize and encode are 0 when the embedding was cached",
    }),
    cached: z.boolean().openapi({ description: "the query embedding came from the cache" }),
    truncated: z
      .literal(true)
      .optional()
      .openapi({ description: "present when the query was longer than the model's context and was cut" }),
  })
  .openapi("SearchResponse");

export type SearchResponse = z.infer<typeof SearchResponseSchema>;

const ok = {
  description: "Ranked videos, best first, one per video",
  content: { "application/json": { schema: SearchResponseSchema } },
};
const errors = {
  400: errorResponse("Bad q, vector, k, offset or filter (the code names the field)"),
  429: errorResponse("Rate limited (see Retry-After)"),
  ...commonErrors,
};

/** A body names q or vector, never both: the issue's field picks the code (missing_query or bad_vector). */
function exactlyOneQuery(body: { q?: string; vector?: number[] }, context: z.RefinementCtx): void {
  if (body.q === undefined && body.vector === undefined)
    context.addIssue({
      code: "custom",
      path: ["q"],
      message: 'send "q" (a text) or "vector" (numbers), e.g. {"q": "a dog"}',
    });
  else if (body.q !== undefined && body.vector !== undefined)
    context.addIssue({ code: "custom", path: ["vector"], message: 'send "q" or "vector", not both' });
}

const getRoute = createRoute({
  method: "get",
  path: "/",
  operationId: "searchVideos",
  summary: "Videos that best match a text query",
  middleware: [limitSearches] as const,
  request: { query: z.object({ q: querySchema, k: kParam(DEFAULT_K), offset: offsetParam }) },
  responses: { 200: ok, ...errors },
});

const postRoute = createRoute({
  method: "post",
  path: "/",
  operationId: "searchVideosFiltered",
  summary: "Same as GET, with an optional metadata filter; or search by a vector instead of a text",
  description:
    "Send exactly one of `q` (text, encoded by the worker) or `vector` (an embedding of the model's dimension, e.g. an image encoded in the browser with GET /api/model/vision's encoder; normalized here). A vector search reports tokenize and encode as 0 and cached as false.",
  middleware: [limitSearches, ...jsonBody(MAX_BODY_BYTES)] as const,
  request: {
    body: jsonRequestBody(
      z
        .object(
          {
            q: querySchema.optional(),
            vector: vectorSchema.optional(),
            k: kField(DEFAULT_K),
            offset: offsetField,
            filter: filterSchema.optional(),
          },
          { error: 'the body must be a JSON object like {"q": "...", "k": 10}' },
        )
        .superRefine(exactlyOneQuery),
    ),
  },
  responses: {
    200: ok,
    ...errors,
    ...jsonBodyErrors,
  },
});

interface SearchInput {
  q?: string;
  vector?: number[];
  k: number;
  offset: number;
  filter?: SearchFilter;
}

/** The query's embedding and what producing it took. */
interface EmbeddedQuery {
  vector: Float32Array;
  truncated: boolean;
  cached: boolean;
  tokenizeMs: number;
  encodeMs: number;
}

/**
 * The embedding of text `q`: from the Cache API, else encoded (and cached). Keyed by the deployment's model
 * files, which the encoder is made of: a cache hit needs no encoder, so it is answered on a cold isolate
 * (no model load) and even while the encoder cannot be loaded.
 */
async function embedText(
  c: Context<AppEnv>,
  q: string,
  deployment: DeploymentRecord,
  model: { id: string; dimension: number },
  encoderLoad: Promise<QueryEncoder>,
): Promise<EmbeddedQuery> {
  const key = normalizeQuery(q);
  const modelKey = modelCacheKey(deployment);
  const cached = await readCachedEmbedding(modelKey, key, model.dimension);
  if (cached) return { ...cached, cached: true, tokenizeMs: 0, encodeMs: 0 };
  const encoder = await encoderLoad;
  assertSameModel(model, encoder);
  const encoded = await encoder.encode(q);
  const embedding = { vector: encoded.vector, truncated: encoded.truncated };
  c.executionCtx.waitUntil(writeCachedEmbedding(modelKey, key, embedding));
  return { ...embedding, cached: false, tokenizeMs: encoded.tokenizeMs, encodeMs: encoded.encodeMs };
}

async function search(
  c: Context<AppEnv>,
  { q, vector, k, offset, filter }: SearchInput,
): Promise<SearchResponse> {
  const config = readConfig(c.env);
  // One deployment for the whole request: its index and its model, never a mix of two deploys.
  const deployment = await liveDeployment(c.env.MODEL_BUCKET, config);
  // A text query's encoder starts loading beside the index (a faster cold start) but is awaited only on a
  // cache miss; a vector query needs no encoder.
  const encoderLoad = q === undefined ? undefined : getEncoder(c.env.MODEL_BUCKET, deployment, keepAlive(c));
  encoderLoad?.catch(() => {}); // a cache hit never looks at it; a miss awaits it and reports its error
  const store = await getStore(c.env, config, deployment, keepAlive(c));
  const { model, kind } = store.stats();
  const depth = rankWindow(offset, k, kind);
  const query: EmbeddedQuery =
    q !== undefined && encoderLoad
      ? await embedText(c, q, deployment, model, encoderLoad)
      : {
          vector: queryVector(vector ?? [], model),
          truncated: false,
          cached: false,
          tokenizeMs: 0,
          encodeMs: 0,
        };
  const started = performance.now();
  const ranked = await store.searchVideos(query.vector, depth, filter);
  const body: SearchResponse = {
    results: pageOfHits(ranked, offset, deployment),
    model: model.id,
    tookMs: { tokenize: query.tokenizeMs, encode: query.encodeMs, search: performance.now() - started },
    cached: query.cached,
  };
  if (query.truncated) body.truncated = true;
  return body;
}

export const searchRoutes = new OpenAPIHono<AppEnv>()
  .openapi(getRoute, async (c) => c.json(await search(c, c.req.valid("query")), 200))
  .openapi(postRoute, async (c) => c.json(await search(c, c.req.valid("json")), 200));
