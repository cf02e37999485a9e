// 405 for a known path asked with another method, with the Allow header, derived from the app's own routes.
import type { Context, Hono } from "hono";
import { PatternRouter } from "hono/router/pattern-router";
import { ApiError, handleError } from "./api-error.ts";

/** Hono registers middleware (`use`) and `all` handlers under this method; they say nothing about a path. */
const ANY_METHOD = "ALL";

/**
 * The app's notFound handler: looks the path up among the app's routes (Hono's `app.routes`, read on first
 * use, once all routes are registered) and answers 405 + Allow when another method serves it, else `notFound`.
 */
export function methodNotAllowed(
  app: Pick<Hono, "routes">,
  notFound: (c: Context) => Response,
): (c: Context) => Response {
  let router: PatternRouter<string> | undefined;
  return (c) => {
    if (!router) {
      router = new PatternRouter<string>();
      for (const route of app.routes)
        if (route.method !== ANY_METHOD) router.add(ANY_METHOD, route.path, route.method);
    }
    const methods = new Set(router.match(c.req.method, c.req.path)[0].map(([method]) => method));
    if (methods.size === 0 || methods.has(c.req.method)) return notFound(c);
    // Hono answers HEAD with the GET handler.
    if (methods.has("GET")) methods.add("HEAD");
    const allow = [...methods].sort().join(", ");
    return handleError(
      new ApiError(
        405,
        "method_not_allowed",
        `${c.req.method} is not allowed on ${c.req.path}; use ${allow}`,
        {
          allow,
        },
      ),
      c,
    );
  };
}
