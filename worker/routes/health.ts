// GET /api/health: whether search can work (config, index, model present and the same as the index's), index
// counts, the live deployment, encoder state and memory figures. ?warm=1 also loads the encoder (to measure a cold start).
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { DeploymentRecord } from "../../shared/deployment/deployment-format.ts";
import { assertSameModel } from "../../shared/index-format.ts";
import { type AppEnv, keepAlive, readConfig, type WorkerConfig } from "../config.ts";
import { deployedModel, getEncoder, loadedEncoder } from "../encoder/load-encoder.ts";
import { ErrorSchema, ExampleQueriesSchema, errorResponse } from "../http/api-schemas.ts";
import { wasmHeapBytes } from "../onnx/ort-web.ts";
import { getStore } from "../stores/get-store.ts";
import { liveDeployment } from "../stores/live-deployment.ts";
import type { StoreStats } from "../stores/video-store.ts";

const ProblemSchema = z.object({ code: z.string(), message: z.string() });
const ModelSchema = z.object({ id: z.string(), dimension: z.number().int() });
const LoadMemorySchema = z.object({
  startedAtEpochMs: z.number().openapi({
    description: "when the load began (Date.now()): aligns the encoder's and the index's concurrent loads",
  }),
  checkpoints: z.array(
    z.object({
      name: z.string().openapi({ description: "the step that ended here" }),
      wasmHeapBytes: z.number(),
      heldBytes: z.number().openapi({ description: "buffers the load references at this point" }),
      atMs: z.number().openapi({ description: "milliseconds since the load began" }),
    }),
  ),
  peakBytes: z.number().openapi({ description: "max over the checkpoints of WASM heap + held buffers" }),
});

/** Body of /api/health. Bytes are exact sizes of buffers this isolate holds, not a process measurement. */
const HealthSchema = z
  .object({
    status: z.enum(["ok", "unavailable"]),
    problems: z
      .array(ProblemSchema)
      .openapi({ description: "what keeps search from working; empty when ok" }),
    deployment: z
      .string()
      .nullable()
      .openapi({ description: "id of the live deployment (index/current.json), null when none is readable" }),
    model: ModelSchema.extend({ loadMs: z.number() })
      .nullable()
      .openapi({ description: "the loaded encoder, null before the first search (or ?warm=1)" }),
    index: z
      .object({
        kind: z.enum(["flat", "vectorize"]),
        model: ModelSchema,
        counts: z.object({ videos: z.number(), vectors: z.number(), captions: z.number() }).nullable(),
        bytesHeld: z.number(),
        examples: ExampleQueriesSchema,
        load: LoadMemorySchema.optional().openapi({
          description:
            'flat index: its load\'s steps ("read": files read and checked, "quantized", "scoring": ONNX Runtime sessions created)',
        }),
      })
      .nullable(),
    encoderLoaded: z.boolean(),
    memory: z.object({
      wasmHeapBytes: z
        .number()
        .openapi({ description: "ONNX Runtime's WASM linear memory (weights, arena)" }),
      indexBytes: z.number().openapi({ description: "vectors and metadata held by the store" }),
      modelFileBytes: z.number().openapi({ description: "embedding table and graph bytes read at load" }),
      load: LoadMemorySchema.nullable().openapi({
        description:
          'checkpoints sampled inside the encoder\'s load ("tokenizer", "read", "created", "released", "table"), null before it',
      }),
    }),
  })
  .openapi("Health");

export type HealthResponse = z.infer<typeof HealthSchema>;

const route = createRoute({
  method: "get",
  path: "/",
  operationId: "health",
  summary: "Whether search can work; model, index counts and memory figures",
  request: {
    query: z.object({
      warm: z.enum(["0", "1"], { error: "warm must be 0 or 1" }).optional().openapi({
        description: "1 also loads the text encoder (to measure a cold start)",
      }),
    }),
  },
  responses: {
    200: { description: "Search can work", content: { "application/json": { schema: HealthSchema } } },
    400: errorResponse("Bad warm"),
    503: {
      description: "Search cannot work: the first problem as the error, all of them in health.problems",
      content: {
        "application/json": {
          schema: ErrorSchema.extend({
            health: HealthSchema.optional().openapi({ description: "absent when the config itself is bad" }),
          }).openapi("HealthUnavailable"),
        },
      },
    },
  },
});

function problemOf(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown }).code;
  return { code: typeof code === "string" ? code : "internal", message: (error as Error).message };
}

/** Index stats and the model's identity, each check recorded as a problem when it fails. */
async function check(c: Context<AppEnv>, config: WorkerConfig, problems: HealthResponse["problems"]) {
  let deployment: DeploymentRecord | null = null;
  try {
    deployment = await liveDeployment(c.env.MODEL_BUCKET, config);
  } catch (error) {
    problems.push(problemOf(error));
    return { index: null, deployment };
  }
  let index: StoreStats | null = null;
  try {
    index = (await getStore(c.env, config, deployment, keepAlive(c))).stats();
  } catch (error) {
    problems.push(problemOf(error));
  }
  try {
    const model = await deployedModel(c.env.MODEL_BUCKET, deployment);
    if (index) assertSameModel(index.model, model);
  } catch (error) {
    problems.push(problemOf(error));
  }
  return { index, deployment };
}

export const healthRoutes = new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
  const problems: HealthResponse["problems"] = [];
  let index: StoreStats | null = null;
  let config: WorkerConfig | undefined;
  let deploymentId: string | null = null;
  try {
    config = readConfig(c.env);
  } catch (error) {
    problems.push(problemOf(error));
  }
  if (config) {
    const checked = await check(c, config, problems);
    index = checked.index;
    deploymentId = checked.deployment?.id ?? null;
    if (c.req.valid("query").warm === "1" && checked.deployment) {
      try {
        await getEncoder(c.env.MODEL_BUCKET, checked.deployment, keepAlive(c));
      } catch (error) {
        problems.push(problemOf(error));
      }
    }
  }
  const encoder = loadedEncoder();
  const health: HealthResponse = {
    status: problems.length === 0 ? "ok" : "unavailable",
    problems,
    deployment: deploymentId,
    model: encoder ? { id: encoder.id, dimension: encoder.dimension, loadMs: encoder.loadMs } : null,
    index,
    encoderLoaded: encoder !== undefined,
    memory: {
      wasmHeapBytes: wasmHeapBytes(),
      indexBytes: index?.bytesHeld ?? 0,
      modelFileBytes: encoder?.modelBytes ?? 0,
      load: encoder?.loadMemory ?? null,
    },
  };
  if (problems.length === 0) return c.json(health, 200);
  const message = problems.map((problem) => problem.message).join("; ");
  return c.json({ error: { code: problems[0].code, message }, health }, 503);
});
