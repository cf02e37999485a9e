// GET /api/openapi.json: the OpenAPI 3.1 document, generated from the routes' own schemas (@hono/zod-openapi).
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../config.ts";
import { commonErrors, errorResponse } from "../http/api-schemas.ts";

const INFO = {
  title: "CLIP video retrieval",
  version: "1.0.0",
  description:
    "Zero-shot text-to-video and video-to-text retrieval with CLIP (Portillo-Quintero et al., 2021).",
  license: { name: "MIT", identifier: "MIT" },
};

/**
 * The thumbnails route is a plain Hono route (worker/routes/thumbnails.ts, which checks its own name), so
 * only its description is registered here.
 */
function describeThumbnails(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/api/thumbnails/{name}",
    operationId: "thumbnail",
    summary: "Thumbnail image of a hit (the path in its `thumbnail` field)",
    request: {
      params: z.object({ name: z.string().openapi({ description: "thumbnail file name, e.g. 0.jpg" }) }),
    },
    responses: {
      200: {
        description: "The image",
        content: { "image/jpeg": { schema: z.string().openapi({ format: "binary" }) } },
      },
      400: errorResponse("Name with '..' or an empty part"),
      404: errorResponse("Unknown thumbnail"),
      ...commonErrors,
    },
  });
}

/**
 * Registers GET /api/openapi.json on `app`; call it after every other route. The document is generated on
 * first request (once all routes are known) and kept for the isolate.
 */
export function serveOpenApi(app: OpenAPIHono<AppEnv>): void {
  describeThumbnails(app);
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  const route = createRoute({
    method: "get",
    path: "/api/openapi.json",
    operationId: "openApiDocument",
    summary: "This document",
    responses: {
      200: {
        description: "OpenAPI 3.1 document",
        content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
      },
    },
  });
  app.openapi(route, (c) => {
    document ??= app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: INFO,
      servers: [{ url: "/", description: "this worker" }],
      // No authentication: the API is public (rate-limited per client IP where it searches).
      security: [],
    });
    return c.json(document, 200);
  });
}
