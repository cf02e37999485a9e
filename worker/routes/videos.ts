// Video-to-text and video-to-video: GET /api/videos/{videoId}/captions?k=5 and /api/videos/{videoId}/similar?k=10.

import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { type AppEnv, keepAlive, readConfig } from "../config.ts";
import { ApiError } from "../http/api-error.ts";
import {
  CaptionHitSchema,
  commonErrors,
  errorResponse,
  HitSchema,
  kParam,
  offsetParam,
} from "../http/api-schemas.ts";
import { pageOf, rankWindow } from "../http/paging.ts";
import { limitSearches } from "../http/rate-limit.ts";
import { getStore } from "../stores/get-store.ts";
import { liveDeployment } from "../stores/live-deployment.ts";
import { pageOfHits } from "./public-hit.ts";

function unknownVideo(id: string): ApiError {
  return new ApiError(404, "unknown_video", `no video with id ${JSON.stringify(id)} in the index`);
}

const params = z.object({
  videoId: z.string().openapi({ description: "id of an indexed video (URL-encoded)", example: "a.mp4" }),
});
const errors = {
  400: errorResponse("Bad k or offset"),
  404: errorResponse("Unknown video"),
  429: errorResponse("Rate limited (see Retry-After)"),
  ...commonErrors,
};

const CaptionsResponseSchema = z
  .object({
    videoId: z.string(),
    captions: z.array(CaptionHitSchema.extend({ rank: z.number().int().min(1) })),
  })
  .openapi("CaptionsResponse");
const SimilarResponseSchema = z
  .object({ videoId: z.string(), results: z.array(HitSchema) })
  .openapi("SimilarResponse");

const captionsRoute = createRoute({
  method: "get",
  path: "/{videoId}/captions",
  operationId: "captionsOfVideo",
  summary: "Captions of the index that best describe a video (video-to-text)",
  middleware: [limitSearches] as const,
  request: { params, query: z.object({ k: kParam(5), offset: offsetParam }) },
  responses: {
    200: {
      description: "Ranked captions, best first",
      content: { "application/json": { schema: CaptionsResponseSchema } },
    },
    ...errors,
  },
});

const similarRoute = createRoute({
  method: "get",
  path: "/{videoId}/similar",
  operationId: "similarVideos",
  summary: "Videos most similar to a video (itself excluded)",
  middleware: [limitSearches] as const,
  request: { params, query: z.object({ k: kParam(10), offset: offsetParam }) },
  responses: {
    200: {
      description: "Ranked videos, best first",
      content: { "application/json": { schema: SimilarResponseSchema } },
    },
    ...errors,
  },
});

/** The request's live deployment and its store (these routes need no encoder). */
async function liveStore(c: Context<AppEnv>) {
  const config = readConfig(c.env);
  const deployment = await liveDeployment(c.env.MODEL_BUCKET, config);
  return { deployment, store: await getStore(c.env, config, deployment, keepAlive(c)) };
}

export const videoRoutes = new OpenAPIHono<AppEnv>()
  .openapi(captionsRoute, async (c) => {
    const { videoId } = c.req.valid("param");
    const { k, offset } = c.req.valid("query");
    const { store } = await liveStore(c);
    const captions = await store.captionsFor(videoId, rankWindow(offset, k, store.stats().kind));
    if (!captions) throw unknownVideo(videoId);
    return c.json({ videoId, captions: pageOf(captions, offset) }, 200);
  })
  .openapi(similarRoute, async (c) => {
    const { videoId } = c.req.valid("param");
    const { k, offset } = c.req.valid("query");
    const { deployment, store } = await liveStore(c);
    const results = await store.similarTo(videoId, rankWindow(offset, k, store.stats().kind));
    if (!results) throw unknownVideo(videoId);
    return c.json({ videoId, results: pageOfHits(results, offset, deployment) }, 200);
  });
