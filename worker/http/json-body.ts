// Middleware for JSON request bodies: strict content type (415), bounded size (413), valid JSON (400).
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "./api-error.ts";

/** `application/json`, optionally with parameters (`; charset=utf-8`); not `application/jsonx` or `+json`. */
const JSON_TYPE = /^application\/json[ \t]*(;.*)?$/i;

/**
 * Checks the content type, caps the body at `maxBytes` (Content-Length up front, a streamed body while it is
 * read: hono's bodyLimit, so no unbounded body is held), and parses it once; the validator after it reads
 * the parsed value back from Hono's body cache.
 */
export function jsonBody(maxBytes: number): MiddlewareHandler[] {
  const typeCheck: MiddlewareHandler = async (c, next) => {
    if (!JSON_TYPE.test(c.req.header("content-type") ?? ""))
      throw new ApiError(
        415,
        "unsupported_media_type",
        "send the body as JSON (content-type: application/json)",
      );
    await next();
  };
  const sizeCheck = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(
        413,
        "body_too_large",
        `the body is over ${maxBytes} bytes; send a smaller JSON object`,
      );
    },
  });
  const parse: MiddlewareHandler = async (c, next) => {
    try {
      await c.req.json();
    } catch {
      throw new ApiError(400, "bad_json", 'the body is not valid JSON; expected {"q": "...", "k": 10}');
    }
    await next();
  };
  return [typeCheck, sizeCheck, parse];
}
