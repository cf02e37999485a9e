// HTTP errors of the API: `{ error: { code, message } }` with the right status, never a stack.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isInputError } from "../../shared/errors.ts";

/** An expected failure with a stable code, e.g. ApiError(400, "bad_query", "q must not be empty"). */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** Body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** The app's onError: ApiError and Hono's HTTPException (4xx) keep their status; InputError (bad model/index in R2) is a 503; anything else a 500. */
export function handleError(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    return c.json<ErrorBody>(
      { error: { code: error.code, message: error.message } },
      error.status,
      error.headers,
    );
  }
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's own refusals (a middleware's 4xx): same shape, a code from the status.
    return c.json<ErrorBody>(
      { error: { code: `http_${error.status}`, message: error.message || "bad request" } },
      error.status,
    );
  }
  if (isInputError(error)) {
    // Problems with the deployed model or index are the operator's to fix: the service is unavailable.
    return c.json<ErrorBody>({ error: { code: error.code, message: error.message } }, 503);
  }
  console.error("unhandled error", error);
  return c.json<ErrorBody>({ error: { code: "internal", message: "internal error" } }, 500);
}

/** 404 for unknown routes. */
export function handleNotFound(c: Context): Response {
  return c.json<ErrorBody>(
    { error: { code: "not_found", message: `no route for ${c.req.method} ${new URL(c.req.url).pathname}` } },
    404,
  );
}
