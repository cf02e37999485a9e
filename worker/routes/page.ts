// GET / (the search page), GET /page.js (its script) and GET /favicon.ico, with the page's
// Content-Security-Policy.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../config.ts";
import { FAVICON_ICO } from "../page/favicon.ts";
import { PAGE_HTML } from "../page/page-html.ts";
import { PAGE_SCRIPT } from "../page/page-script.ts";

/**
 * Only this origin's script, API, thumbnails and icon; inline styles (the page's one <style>; the player
 * sets positions through element.style); videos from this origin's media route or any http(s) URL an index
 * names; WebAssembly (onnxruntime-web in the page) and this origin's workers (ffmpeg.wasm's) for the visual
 * query; never framed (clickjacking).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self' https: http:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const pageRoute = createRoute({
  method: "get",
  path: "/",
  operationId: "searchPage",
  summary: "The search page (HTML)",
  responses: {
    200: { description: "The page", content: { "text/html": { schema: z.string() } } },
  },
});

const scriptRoute = createRoute({
  method: "get",
  path: "/page.js",
  operationId: "searchPageScript",
  summary: "The search page's script",
  responses: {
    200: { description: "JavaScript module", content: { "text/javascript": { schema: z.string() } } },
  },
});

const faviconRoute = createRoute({
  method: "get",
  path: "/favicon.ico",
  operationId: "favicon",
  summary: "The page's icon",
  responses: {
    200: {
      description: "ICO image",
      content: { "image/x-icon": { schema: z.string().openapi({ format: "binary" }) } },
    },
  },
});

/** The icon never changes with the index: cached a day (the page and script are not, so they stay in step). */
const ICON_CACHE = "public, max-age=86400";

export const pageRoutes = new OpenAPIHono<AppEnv>()
  .openapi(pageRoute, (c) => c.html(PAGE_HTML, 200, { "content-security-policy": PAGE_CSP }))
  .openapi(scriptRoute, (c) => c.body(PAGE_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" }))
  .openapi(faviconRoute, (c) =>
    c.body(FAVICON_ICO.slice().buffer, 200, { "content-type": "image/x-icon", "cache-control": ICON_CACHE }),
  );
