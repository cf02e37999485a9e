// Security headers of every response (hono/secure-headers): nosniff, no framing, no referrer.
import { secureHeaders } from "hono/secure-headers";

/**
 * Hono's defaults, except: the API and its thumbnails are meant for other origins (CORS is open), so
 * Cross-Origin-Resource-Policy is cross-origin; frames are refused outright (the page's CSP says the same).
 */
export const securityHeaders = secureHeaders({
  crossOriginResourcePolicy: "cross-origin",
  xFrameOptions: "DENY",
});
