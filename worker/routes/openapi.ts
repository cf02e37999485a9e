// GET /api/openapi.json: the OpenAPI 3.1 document, generated from the routes' own schemas (@hono/zod-openapi).
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { MEDIA_TYPES } from "../../shared/deployment/deployment-format.ts";
import type { AppEnv } from "../config.ts";
import { commonErrors, errorResponse } from "../http/api-schemas.ts";

const INFO = {
  title: "CLIP video retrieval",
  version: "1.0.0",
  description:
    "Zero-shot text-to-video and video-to-text retrieval with CLIP (Portillo-Quintero et al., 2021).",
  license: { name: "MIT", identifier: "MIT" },
};

const binary = z.string().openapi({ format: "binary" });

/**
 * The thumbnail and media routes are plain Hono routes (worker/routes/thumbnails.ts and media.ts check
 * their own names and serve bytes), so only their descriptions are registered here.
 */
function describeFileRoutes(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/api/thumbnails/{deployment}/{name}",
    operationId: "thumbnail",
    summary: "Thumbnail image of a hit (the path in its `thumbnail` field)",
    request: {
      params: z.object({
        deployment: z.string().openapi({ description: "id of the deployment that ranked the hit" }),
        name: z.string().openapi({
          description: "thumbnail file name, e.g. 1f0e3dad99908345.jpg (named by the video id's hash)",
        }),
      }),
    },
    responses: {
      200: { description: "The image (immutable)", content: { "image/jpeg": { schema: binary } } },
      400: errorResponse("Name with '..' or an empty part"),
      404: errorResponse(
        "Unknown deployment or thumbnail (replaced deployments expire after the deploy's grace period)",
      ),
      ...commonErrors,
    },
  });
  const mediaTypes = [...new Set(Object.values(MEDIA_TYPES)), "application/octet-stream"];
  const media = Object.fromEntries(mediaTypes.map((type) => [type, { schema: binary }]));
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/api/media/{file}",
    operationId: "media",
    summary: "A deployed video file (the path in a hit's `url`), with HTTP Range support",
    request: {
      params: z.object({
        file: z.string().openapi({ description: "SHA-256 of the file and its extension" }),
      }),
      headers: z.object({
        range: z.string().optional().openapi({ description: "one byte range, e.g. bytes=0-1023" }),
      }),
    },
    responses: {
      200: { description: "The whole file", content: media },
      206: { description: "The requested range (Content-Range)", content: media },
      304: { description: "Not modified (If-None-Match)" },
      404: errorResponse("Unknown media file"),
      416: { description: "Range outside the file (Content-Range: bytes */size)" },
      ...commonErrors,
    },
  });
}

/**
 * Registers GET /api/openapi.json on `app`; call it after every other route. The document is generated on
 * first request (once all routes are known) and kept for the isolate.
 */
export function serveOpenApi(app: OpenAPIHono<AppEnv>): void {
  describeFileRoutes(app);
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
