// Turns a failed request validation (zod, through @hono/zod-openapi) into the API's 400 JSON error.
import type { z } from "@hono/zod-openapi";
import { ApiError } from "./api-error.ts";

/** The slice of @hono/zod-validator's hook result this needs: the input and zod's verdict. */
interface ValidationResult {
  success: boolean;
  /** The input that was validated (passed by @hono/zod-validator, absent from its types on failure). */
  data?: unknown;
  error?: z.ZodError;
  target: string;
}

/**
 * The code of the first problem, from the field it is about: `bad_<field>` (bad_k, bad_offset, bad_filter),
 * q's own three (missing_query, query_too_long, bad_query), bad_json for a body that is not an object.
 */
function codeOf(issue: z.core.$ZodIssue, input: unknown, target: string): string {
  const field = issue.path[0];
  if (field === undefined) return target === "json" ? "bad_json" : "bad_request";
  if (field === "q") {
    const q = (input as Record<string, unknown> | null)?.q;
    if (q === undefined || q === null || issue.code === "too_small") return "missing_query";
    return issue.code === "too_big" ? "query_too_long" : "bad_query";
  }
  return `bad_${String(field)}`;
}

/** defaultHook of the app: the first issue decides the code; its message (set in the schema) says what is allowed. */
export function validationHook(result: ValidationResult): void {
  if (result.success || !result.error) return;
  const issue = result.error.issues[0];
  throw new ApiError(400, codeOf(issue, result.data, result.target), issue.message);
}
