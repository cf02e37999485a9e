// The Hono app: API routes, web page, CORS, rate limiting, and the JSON error handler.
import { Hono } from "hono";
import { cors } from "hono/cors";
import { type AppEnv, readConfig, type WorkerEnv } from "./config.ts";
import { ApiError, handleError, handleNotFound } from "./http/api-error.ts";
import { rateLimit } from "./http/rate-limit.ts";
import { PAGE_HTML } from "./page/page-html.ts";
import { PAGE_SCRIPT } from "./page/page-script.ts";
import { healthRoutes } from "./routes/health.ts";
import { openapiRoutes } from "./routes/openapi.ts";
import { searchRoutes } from "./routes/search.ts";
import { thumbnailRoutes } from "./routes/thumbnails.ts";
import { videoRoutes } from "./routes/videos.ts";

/** Methods each path accepts, to answer 405 (not 404) for a known path with another method. */
const ALLOWED: [RegExp, string][] = [
  [/^\/api\/search\/?$/, "GET, POST"],
  [/^\/api\/(health|openapi\.json)\/?$/, "GET"],
  [/^\/api\/videos\/[^/]+\/(captions|similar)\/?$/, "GET"],
  [/^\/api\/thumbnails\/.+$/, "GET"],
  [/^\/(page\.js)?$/, "GET"],
];

export function createApp() {
  const app = new Hono<AppEnv>();
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
  app.use(
    "/api/*",
    rateLimit(
      (env) => (env as WorkerEnv).RATE_LIMITER,
      (env) => readConfig(env as WorkerEnv).rateLimit,
    ),
  );
  app.route("/api/search", searchRoutes);
  app.route("/api/videos", videoRoutes);
  app.route("/api/thumbnails", thumbnailRoutes);
  app.route("/api/health", healthRoutes);
  app.route("/api/openapi.json", openapiRoutes);
  app.get("/", (c) => c.html(PAGE_HTML));
  app.get("/page.js", (c) => c.body(PAGE_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" }));
  app.all("*", (c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = ALLOWED.find(([pattern]) => pattern.test(path))?.[1];
    if (allowed && c.req.method !== "HEAD")
      throw new ApiError(
        405,
        "method_not_allowed",
        `${c.req.method} is not allowed on ${path}; use ${allowed}`,
        {
          allow: allowed,
        },
      );
    return handleNotFound(c);
  });
  app.onError(handleError);
  return app;
}
