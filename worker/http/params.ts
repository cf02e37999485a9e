// Validation of the API's inputs: every bad value is a 400 with a message saying what is allowed.

import type { SearchFilter } from "../stores/video-store.ts";
import { ApiError } from "./api-error.ts";

/** Longest accepted query, in characters (CLIP reads at most 77 tokens anyway). */
export const MAX_QUERY_CHARS = 1000;
export const MAX_K = 100;

/** Trims and checks q: required, non-empty, at most MAX_QUERY_CHARS. */
export function parseQuery(value: unknown): string {
  if (value === undefined || value === null)
    throw new ApiError(400, "missing_query", "q is required, e.g. ?q=a dog");
  if (typeof value !== "string") throw new ApiError(400, "bad_query", "q must be a string");
  const q = value.trim();
  if (q === "") throw new ApiError(400, "missing_query", "q must not be empty");
  if (q.length > MAX_QUERY_CHARS)
    throw new ApiError(
      400,
      "query_too_long",
      `q is ${q.length} characters; at most ${MAX_QUERY_CHARS} are accepted`,
    );
  return q;
}

/** Parses k (string from the query string or number from JSON): an integer in 1..MAX_K, default `fallback`. */
export function parseK(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  const k = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isInteger(k) || k < 1 || k > MAX_K)
    throw new ApiError(400, "bad_k", `k must be an integer in 1..${MAX_K}, got ${JSON.stringify(value)}`);
  return k;
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** Checks a filter object: { field: scalar | scalar[] }. */
export function parseFilter(value: unknown): SearchFilter | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw new ApiError(400, "bad_filter", 'filter must be an object like {"videoId": ["a.mp4"]}');
  for (const [key, wanted] of Object.entries(value)) {
    if (!(isScalar(wanted) || (Array.isArray(wanted) && wanted.length > 0 && wanted.every(isScalar))))
      throw new ApiError(
        400,
        "bad_filter",
        `filter.${key} must be a string, number, boolean or a non-empty array of them`,
      );
  }
  return value as SearchFilter;
}

/** Same spelling for the same query, for the embedding cache key (the tokenizer lowercases anyway). */
export function normalizeQuery(q: string): string {
  return q.trim().replace(/\s+/g, " ").toLowerCase();
}
