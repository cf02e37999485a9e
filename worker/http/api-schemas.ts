// The API's shared schemas (zod): they validate requests and are the OpenAPI document's components.
import { z } from "@hono/zod-openapi";
import type { StoreStats } from "../stores/video-store.ts";

/** Longest accepted query, in characters (CLIP reads at most 77 tokens anyway). */
export const MAX_QUERY_CHARS = 1000;
/** Most results of one request. */
export const MAX_K = 100;
/**
 * Deepest rank a store can return (offset + k): the flat store ranks every video exactly (capped to keep a
 * request's work bounded); Vectorize ranks the videos of its top 100 rows (topK without metadata).
 */
export const RANK_LIMITS: Record<StoreStats["kind"], number> = { flat: 1000, vectorize: 100 };
/**
 * Largest POST body in bytes: room for a query vector of 1024 numbers at full double precision (~22 KB);
 * a text query needs far less.
 */
export const MAX_BODY_BYTES = 32 * 1024;
/** Most numbers a query vector may have before its length is compared with the model's dimension. */
export const MAX_VECTOR_LENGTH = 4096;

/** Canonical decimal digits only: "1e2", "0x10", " 5", "5.0" and "" are refused. */
const DIGITS = /^[0-9]{1,9}$/;

/**
 * An integer query parameter in min..max: strict decimal digits, then the range; documented as an integer.
 * The same numbers write the check, its message and the OpenAPI schema.
 */
export function integerParam(name: string, min: number, max: number, fallback: number, description: string) {
  const message = `${name} must be an integer in ${min}..${max}`;
  const error = (issue: { input?: unknown }) => `${message}, got ${JSON.stringify(issue.input)}`;
  return z
    .string()
    .regex(DIGITS, { error })
    .transform(Number)
    .pipe(z.number().int().min(min, { error }).max(max, { error }))
    .optional()
    .default(fallback)
    .openapi({ type: "integer", minimum: min, maximum: max, default: fallback, description });
}

/** k of a list: 1..MAX_K. */
export const kParam = (fallback: number) =>
  integerParam("k", 1, MAX_K, fallback, `number of results (at most ${MAX_K})`);

/** offset of a list, for pagination: results start at rank offset + 1; offset + k is capped per store. */
export const offsetParam = integerParam(
  "offset",
  0,
  RANK_LIMITS.flat - 1,
  0,
  `results to skip (pagination); offset + k is at most ${RANK_LIMITS.flat} with the flat store, ${RANK_LIMITS.vectorize} with Vectorize`,
);

/** k in a JSON body: the same range and description as kParam, a JSON number. */
export const kField = (fallback: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_K)
    .default(fallback)
    .openapi({ description: `number of results (at most ${MAX_K})` });

/** offset in a JSON body: the same range and description as offsetParam, a JSON number. */
export const offsetField = z
  .number()
  .int()
  .min(0)
  .max(RANK_LIMITS.flat - 1)
  .default(0)
  .openapi({
    description: `results to skip (pagination); offset + k is at most ${RANK_LIMITS.flat} with the flat store, ${RANK_LIMITS.vectorize} with Vectorize`,
  });

/** q: trimmed, 1..MAX_QUERY_CHARS characters. */
export const querySchema = z
  .string({
    error: (issue) => (issue.input === undefined ? "q is required, e.g. ?q=a dog" : "q must be a string"),
  })
  .trim()
  .min(1, { error: "q must not be empty" })
  .max(MAX_QUERY_CHARS, {
    error: (issue) =>
      `q is ${(issue.input as string).length} characters; at most ${MAX_QUERY_CHARS} are accepted`,
  })
  .openapi({ description: "text describing the scene", example: "a dog on a beach" });

/**
 * A query vector as JSON numbers (JSON has no NaN or Infinity: strings and null are refused here); its length
 * must be the model's dimension and it must not be all zeros (checked with the index, worker/http/query-vector.ts).
 */
export const vectorSchema = z
  .array(
    z.number({
      error: (issue) =>
        `vector must hold only finite numbers, got ${JSON.stringify(issue.input) ?? "nothing"}`,
    }),
    { error: "vector must be an array of numbers, e.g. [0.1, -0.2, ...]" },
  )
  .min(1, { error: "vector must not be empty" })
  .max(MAX_VECTOR_LENGTH, {
    error: (issue) =>
      `vector has ${(issue.input as unknown[]).length} numbers; at most ${MAX_VECTOR_LENGTH} are accepted`,
  })
  .openapi({
    description:
      "an embedding in the model's space (e.g. an image encoded in the browser): as many finite numbers as the model's dimension, not all zero; normalized by the server",
    example: [0.12, -0.03, 0.4],
  });

const scalar = z.union([z.string(), z.number(), z.boolean()]);
/** Equality filters on video fields; a key's values are OR-ed. */
export const filterSchema = z
  .record(z.string(), z.union([scalar, z.array(scalar).min(1)]), {
    error: 'filter must be an object like {"videoId": ["a.mp4"]} of scalars or non-empty arrays of them',
  })
  .openapi({
    description: '{"videoId": ["a.mp4"]}: equality, arrays OR-ed',
    example: { videoId: ["a.mp4"] },
  });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: "stable machine-readable code", example: "bad_k" }),
      message: z.string().openapi({ description: "one line saying what to do" }),
    }),
  })
  .openapi("Error");

/** A JSON error response of the OpenAPI document. */
export const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** A POST route's JSON request body as the OpenAPI document states it (worker/http/json-body.ts enforces it). */
export function jsonRequestBody<T extends z.ZodType>(schema: T) {
  return {
    required: true,
    description: `at most ${MAX_BODY_BYTES} bytes`,
    content: { "application/json": { schema } },
  };
}

/** What a JSON body route answers besides its own errors: too big, not JSON. */
export const jsonBodyErrors = {
  413: errorResponse(`Body over ${MAX_BODY_BYTES} bytes`),
  415: errorResponse("Content type is not application/json"),
};

/** Errors any API route can answer (rate limiting is declared only where it applies). */
export const commonErrors = {
  503: errorResponse("Model, index or configuration not usable (the message says what to fix)"),
};

export const MomentSchema = z
  .object({
    startSec: z.number().openapi({ description: "start of the best-matching window, seconds" }),
    endSec: z.number().openapi({ description: "end of the window, seconds" }),
  })
  .openapi("Moment");

export const HitSchema = z
  .object({
    rank: z
      .number()
      .int()
      .min(1)
      .openapi({ description: "1-based position in the whole ranking (offset included)" }),
    videoId: z.string(),
    score: z.number().openapi({ description: "cosine similarity of the video's best vector, in [-1, 1]" }),
    title: z.string(),
    url: z.string().nullable(),
    thumbnail: z.string().nullable().openapi({ description: "path of the thumbnail image on this API" }),
    moment: MomentSchema.nullable().openapi({ description: "best-matching segment; null without segments" }),
  })
  .openapi("Hit");

export const CaptionHitSchema = z
  .object({
    text: z.string(),
    score: z.number(),
    videoId: z.string().openapi({ description: "video the caption was written for" }),
  })
  .openapi("CaptionHit");

export type Hit = z.infer<typeof HitSchema>;

/** Texts of the index offered as example queries (the page's landing shows them). */
export const ExampleQueriesSchema = z.array(z.string()).openapi({
  description:
    "a few captions (else titles) of the index to try as queries; empty when the store cannot list them",
  example: ["a dog runs on the beach"],
});
