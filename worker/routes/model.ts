// The browser's image encoder: GET /api/model/vision (what it is and where to fetch it) and
// GET /api/model/files/:sha256 (a deployed model file by its content hash, cacheable for good).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { CLIP_PREPROCESS } from "../../shared/image/preprocess.ts";
import { assertSameModel } from "../../shared/index-format.ts";
import { type AppEnv, keepAlive, readConfig } from "../config.ts";
import { findModelObjects } from "../encoder/model-files.ts";
import { ApiError } from "../http/api-error.ts";
import { commonErrors, errorResponse } from "../http/api-schemas.ts";
import { getStore } from "../stores/get-store.ts";
import { liveDeployment } from "../stores/live-deployment.ts";
import { findModelBlob } from "../stores/model-blobs.ts";

/** Path of a model file on this API. */
export const modelFilePath = (sha256: string) => `/api/model/files/${sha256}`;

// Readonly, as PreprocessConfig's mean/std are: edge.json's checked preprocess is forwarded as it is.
const triple = z.tuple([z.number(), z.number(), z.number()]).readonly();

const VisionModelSchema = z
  .object({
    modelId: z.string().openapi({ description: "the index's model id (as /api/health names it)" }),
    dimension: z.number().int().openapi({ description: "length of image_embeds and of a query vector" }),
    dtype: z.enum(["int8", "fp32"]),
    bytes: z.number().int().openapi({ description: "size of the .onnx file" }),
    sha256: z.string().openapi({ description: "SHA-256 (hex) of the file" }),
    url: z.string().openapi({ description: "where to fetch it: /api/model/files/{sha256}" }),
    preprocess: z
      .object({
        shortestEdge: z.number().int(),
        cropSize: z.number().int(),
        mean: triple,
        std: triple,
      })
      .openapi({
        description:
          "shared/image/preprocess.ts PreprocessConfig: resize, center crop, mean/std in [0,1] units",
        example: CLIP_PREPROCESS,
      }),
    cosineMin: z.number().openapi({
      description: "lowest cosine of this file's embeddings to the fp32 tower's on reference frames",
    }),
  })
  .openapi("VisionModel");

const visionRoute = createRoute({
  method: "get",
  path: "/vision",
  operationId: "visionModel",
  summary: "The image encoder for the browser (onnxruntime-web): pixel_values [1,3,S,S] -> image_embeds",
  responses: {
    200: {
      description: "The deployment's vision tower",
      content: { "application/json": { schema: VisionModelSchema } },
    },
    404: errorResponse("The deployment's edge model has no vision tower (no_vision_model)"),
    ...commonErrors,
  },
});

/** SHA-256 hex, as model blobs are named. */
const SHA256 = /^[0-9a-f]{64}$/;

const IMMUTABLE = "public, max-age=31536000, immutable";

function unknownFile(sha256: string): ApiError {
  return new ApiError(
    404,
    "unknown_model_file",
    `no model file ${JSON.stringify(sha256.slice(0, 80))} in the live deployment (or one still in its grace period); read /api/model/vision again`,
  );
}

export const modelRoutes = new OpenAPIHono<AppEnv>();

modelRoutes
  .openapi(visionRoute, async (c) => {
    const config = readConfig(c.env);
    const bucket = c.env.MODEL_BUCKET;
    const deployment = await liveDeployment(bucket, config);
    const { manifest } = await findModelObjects(bucket, deployment.model);
    const vision = manifest.vision;
    if (!vision)
      throw new ApiError(
        404,
        "no_vision_model",
        "the deployed model has no image encoder; run prepare-edge again (it writes vision_model.onnx) and deploy",
      );
    const blob = deployment.model[vision.file];
    if (!blob || blob.sha256 !== vision.sha256)
      throw new ApiError(
        503,
        "model_missing",
        `edge.json names ${vision.file} (sha256 ${vision.sha256}), which the deployment does not hold; deploy again`,
      );
    // The page checks the id against the index's: serve only a tower of the index's own model.
    const { model } = (await getStore(c.env, config, deployment, keepAlive(c))).stats();
    assertSameModel(model, manifest.model);
    return c.json(
      {
        modelId: model.id,
        dimension: vision.dimension,
        dtype: vision.dtype,
        bytes: blob.bytes,
        sha256: blob.sha256,
        url: modelFilePath(blob.sha256),
        preprocess: vision.preprocess,
        cosineMin: vision.cosineMin,
      },
      200,
    );
  })
  .get("/files/:sha256", async (c) => {
    const sha256 = c.req.param("sha256");
    if (!SHA256.test(sha256)) throw unknownFile(sha256);
    const bucket = c.env.MODEL_BUCKET;
    const blob = await findModelBlob(bucket, readConfig(c.env), sha256);
    if (!blob) throw unknownFile(sha256);
    const head = await bucket.head(blob.key);
    if (!head) throw unknownFile(sha256);
    const validators = { "cache-control": IMMUTABLE, etag: head.httpEtag };
    const ifNoneMatch = c.req.header("if-none-match");
    if (ifNoneMatch?.split(",").some((tag) => tag.trim() === head.httpEtag))
      return new Response(null, { status: 304, headers: validators });
    const headers = {
      ...validators,
      "content-type": "application/octet-stream",
      "content-length": String(head.size),
    };
    if (c.req.method === "HEAD") return new Response(null, { headers });
    const object = await bucket.get(blob.key);
    if (!object) throw unknownFile(sha256);
    return new Response(object.body, { headers });
  });

modelRoutes.openAPIRegistry.registerPath({
  method: "get",
  path: "/files/{sha256}",
  operationId: "modelFile",
  summary: "A deployed model file by its SHA-256 (the vision tower's `url`); immutable, HEAD too",
  request: {
    params: z.object({ sha256: z.string().openapi({ description: "SHA-256 (hex) of the file" }) }),
  },
  responses: {
    200: {
      description: "The file (Cache-Control immutable, ETag, Content-Length)",
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
    304: { description: "Not modified (If-None-Match)" },
    404: errorResponse(
      "No such file in the live deployment's model, nor in a replaced deployment still in its grace period",
    ),
    ...commonErrors,
  },
});
