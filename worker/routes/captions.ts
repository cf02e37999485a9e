// Video-to-text for a vector: POST /api/captions {vector, k, offset}: the index's captions that best describe
// an image or clip the client embedded (the per-video form is GET /api/videos/{videoId}/captions).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type AppEnv, keepAlive, readConfig } from "../config.ts";
import { ApiError } from "../http/api-error.ts";
import {
  CaptionHitSchema,
  commonErrors,
  errorResponse,
  jsonBodyErrors,
  jsonRequestBody,
  kField,
  MAX_BODY_BYTES,
  offsetField,
  vectorSchema,
} from "../http/api-schemas.ts";
import { jsonBody } from "../http/json-body.ts";
import { pageOf, rankWindow } from "../http/paging.ts";
import { queryVector } from "../http/query-vector.ts";
import { limitSearches } from "../http/rate-limit.ts";
import { getStore } from "../stores/get-store.ts";
import { liveDeployment } from "../stores/live-deployment.ts";

const DEFAULT_K = 5;

const CaptionsForVectorResponseSchema = z
  .object({ results: z.array(CaptionHitSchema.extend({ rank: z.number().int().min(1) })) })
  .openapi("CaptionsForVectorResponse");

const route = createRoute({
  method: "post",
  path: "/",
  operationId: "captionsForVector",
  summary: "Captions of the index that best describe a vector (video-to-text for an image or clip)",
  description:
    "The vector is an embedding of the model's dimension (e.g. a clip embedded in the browser with GET /api/model/vision's encoder), normalized here; captions are ranked by cosine similarity to it.",
  middleware: [limitSearches, ...jsonBody(MAX_BODY_BYTES)] as const,
  request: {
    body: jsonRequestBody(
      z.object(
        { vector: vectorSchema, k: kField(DEFAULT_K), offset: offsetField },
        { error: 'the body must be a JSON object like {"vector": [0.1, ...], "k": 5}' },
      ),
    ),
  },
  responses: {
    200: {
      description: "Ranked captions, best first",
      content: { "application/json": { schema: CaptionsForVectorResponseSchema } },
    },
    400: errorResponse("Bad vector (length, numbers, all zero), k or offset"),
    409: errorResponse("The index has no captions (it was built without --captions)"),
    ...jsonBodyErrors,
    429: errorResponse("Rate limited (see Retry-After)"),
    ...commonErrors,
  },
});

export const captionRoutes = new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
  const { vector, k, offset } = c.req.valid("json");
  const config = readConfig(c.env);
  const deployment = await liveDeployment(c.env.MODEL_BUCKET, config);
  const store = await getStore(c.env, config, deployment, keepAlive(c));
  const { model, kind, counts } = store.stats();
  const depth = rankWindow(offset, k, kind);
  const query = queryVector(vector, model);
  if (counts?.captions === 0)
    throw new ApiError(
      409,
      "no_captions",
      "the index has no captions to describe a vector with; build it with `index --captions FILE` and deploy again",
    );
  const results = await store.captionsForVector(query, depth);
  return c.json({ results: pageOf(results, offset) }, 200);
});
