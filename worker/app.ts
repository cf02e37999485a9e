// The Hono app: API routes (described by their own schemas), web page, CORS, security headers, JSON errors.
import { OpenAPIHono } from "@hono/zod-openapi";
import { cors } from "hono/cors";
import { type AppEnv, readConfig } from "./config.ts";
import { handleError, handleNotFound } from "./http/api-error.ts";
import { methodNotAllowed } from "./http/method-not-allowed.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { validationHook } from "./http/validation-hook.ts";
import { captionRoutes } from "./routes/captions.ts";
import { healthRoutes } from "./routes/health.ts";
import { mediaRoutes } from "./routes/media.ts";
import { modelRoutes } from "./routes/model.ts";
import { serveOpenApi } from "./routes/openapi.ts";
import { pageRoutes } from "./routes/page.ts";
import { searchRoutes } from "./routes/search.ts";
import { thumbnailRoutes } from "./routes/thumbnails.ts";
import { videoRoutes } from "./routes/videos.ts";

export function createApp() {
  // strict: false serves /api/search/ as /api/search.
  const app = new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook });
  app.use("*", securityHeaders);
  // The origin comes from env, known only per request; the middleware is rebuilt only if it changes.
  let corsFor: { origin: string; handler: ReturnType<typeof cors> } | undefined;
  app.use("/api/*", (c, next) => {
    const origin = readConfig(c.env).corsOrigin;
    if (corsFor?.origin !== origin)
      corsFor = {
        origin,
        handler: cors({ origin, allowMethods: ["GET", "POST", "OPTIONS"], maxAge: 86400 }),
      };
    return corsFor.handler(c, next);
  });
  app.route("/api/search", searchRoutes);
  app.route("/api/videos", videoRoutes);
  app.route("/api/captions", captionRoutes);
  app.route("/api/model", modelRoutes);
  app.route("/api/thumbnails", thumbnailRoutes);
  app.route("/api/media", mediaRoutes);
  app.route("/api/health", healthRoutes);
  app.route("/", pageRoutes);
  serveOpenApi(app);
  app.notFound(methodNotAllowed(app, handleNotFound));
  app.onError(handleError);
  return app;
}
