// GET /api/openapi.json: OpenAPI 3.1 description of the API (kept beside the routes it describes).
import { Hono } from "hono";
import type { AppEnv } from "../config.ts";
import { MAX_K, MAX_QUERY_CHARS } from "../http/params.ts";

const error = { $ref: "#/components/schemas/Error" };
const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: error } },
});
const kParam = (fallback: number) => ({
  name: "k",
  in: "query",
  schema: { type: "integer", minimum: 1, maximum: MAX_K, default: fallback },
});
const idParam = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "string" },
  description: "videoId (URL-encoded)",
};

export const OPENAPI = {
  openapi: "3.1.0",
  info: {
    title: "CLIP video retrieval",
    version: "1.0.0",
    description:
      "Zero-shot text-to-video and video-to-text retrieval with CLIP (Portillo-Quintero et al., 2021).",
  },
  paths: {
    "/api/search": {
      get: {
        summary: "Videos that best match a text query",
        parameters: [
          {
            name: "q",
            in: "query",
            required: true,
            schema: { type: "string", minLength: 1, maxLength: MAX_QUERY_CHARS },
          },
          kParam(10),
        ],
        responses: {
          "200": {
            description: "Ranked videos",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Search" } } },
          },
          "400": errorResponse("Bad q or k"),
          "429": errorResponse("Rate limited (see Retry-After)"),
          "503": errorResponse("Model or index not available"),
        },
      },
      post: {
        summary: "Same as GET, with an optional metadata filter",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["q"],
                properties: {
                  q: { type: "string", minLength: 1, maxLength: MAX_QUERY_CHARS },
                  k: { type: "integer", minimum: 1, maximum: MAX_K, default: 10 },
                  filter: {
                    type: "object",
                    additionalProperties: true,
                    description: '{"videoId": ["a.mp4"]}: equality, arrays OR-ed',
                  },
                },
              },
            },
          },
        },
        responses: {
          "200": {
            description: "Ranked videos",
            content: { "application/json": { schema: { $ref: "#/components/schemas/Search" } } },
          },
          "400": errorResponse("Bad body"),
          "415": errorResponse("Not JSON"),
          "503": errorResponse("Model or index not available"),
        },
      },
    },
    "/api/videos/{id}/captions": {
      get: {
        summary: "Captions of the index that best describe a video (video-to-text)",
        parameters: [idParam, kParam(5)],
        responses: { "200": { description: "Ranked captions" }, "404": errorResponse("Unknown video") },
      },
    },
    "/api/videos/{id}/similar": {
      get: {
        summary: "Videos most similar to a video",
        parameters: [idParam, kParam(10)],
        responses: { "200": { description: "Ranked videos" }, "404": errorResponse("Unknown video") },
      },
    },
    "/api/thumbnails/{name}": {
      get: {
        summary: "Thumbnail image",
        parameters: [{ name: "name", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "JPEG" }, "404": errorResponse("Unknown thumbnail") },
      },
    },
    "/api/health": {
      get: {
        summary: "Model, index counts, memory figures; ?warm=1 loads the encoder",
        responses: { "200": { description: "Healthy" }, "503": { description: "Model or index unusable" } },
      },
    },
  },
  components: {
    schemas: {
      Error: {
        type: "object",
        properties: {
          error: { type: "object", properties: { code: { type: "string" }, message: { type: "string" } } },
        },
      },
      Hit: {
        type: "object",
        properties: {
          videoId: { type: "string" },
          score: { type: "number" },
          title: { type: "string" },
          url: { type: ["string", "null"] },
          thumbnail: { type: ["string", "null"] },
          moment: {
            oneOf: [
              { type: "null" },
              { type: "object", properties: { start: { type: "number" }, end: { type: "number" } } },
            ],
          },
        },
      },
      Search: {
        type: "object",
        properties: {
          results: { type: "array", items: { $ref: "#/components/schemas/Hit" } },
          model: { type: "string" },
          tookMs: {
            type: "object",
            properties: {
              tokenize: { type: "number" },
              encode: { type: "number" },
              search: { type: "number" },
            },
          },
          cached: { type: "boolean" },
          truncated: { type: "boolean", const: true },
        },
      },
    },
  },
} as const;

export const openapiRoutes = new Hono<AppEnv>().get("/", (c) => c.json(OPENAPI));
