// `deploy` (`npm run deploy`): the real deployment. Checks that model and index match, prepares the edge text
// encoder, puts every model and index file into the worker's R2 bucket with wrangler, then `wrangler deploy`.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../shared/errors.ts";
import { assertSameModel, INDEX_FILES } from "../../shared/index-format.ts";
import { EDGE_FILES } from "../../shared/model/edge-text-encoder.ts";
import { parseCommandArgs } from "../args.ts";
import type { Command } from "../command.ts";
import { formatStep, planDeploy } from "../deploy/deploy-plan.ts";
import { runWrangler, wranglerFailure } from "../deploy/run-wrangler.ts";
import { readWorkerStorage } from "../deploy/worker-storage.ts";
import { readEdgeManifest } from "../edge/load-edge-encoder.ts";
import { readIndex } from "../index-store/reader.ts";
import { resolveModelDir } from "../model-dir.ts";
import { ensureEdgeModel } from "../serve/edge-model.ts";
import { WRANGLER_CONFIG } from "../serve/local-server.ts";
import { stepRunner } from "../serve/run-command.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const usage = `
Usage: npm run deploy -- --model DIR --index INDEX_DIR [--bucket NAME] [--dry-run]
       (= npm run cli -- deploy ...)

Deploys the search worker to Cloudflare with your model and index:
  1. checks that the index was built with the model (same id and dimension);
  2. prepares the Worker text encoder with prepare-edge into the cache folder, unless DIR already holds
     edge.json (the same cache as \`npm run dev\`);
  3. uploads every file of the encoder under MODEL_PREFIX and every file of the index under INDEX_PREFIX
     (wrangler.toml [vars]) with \`npx wrangler r2 object put BUCKET/KEY --file PATH --remote\`, one by one;
  4. runs \`npx wrangler deploy\` and prints the worker's URL on stdout.
Create the bucket once first: \`npx wrangler r2 bucket create clip-video-retrieval\`. wrangler uses its own
credentials: \`npx wrangler login\`, or CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID) in the environment.
Files are overwritten, never deleted: objects of an older index that the new one lacks stay in the bucket.

Options:
  --model DIR          CLIP model directory, or a prepared edge encoder directory (edge.json)
  --index INDEX_DIR    local index directory written by \`index\` (same model id and dimension)
  --bucket NAME        R2 bucket (default: bucket_name of MODEL_BUCKET in wrangler.toml; the worker reads
                       that one, so change both together)
  --cache DIR          where the edge encoder is prepared (default data/dev)
  --dry-run            print the wrangler commands on stdout, one per line, and run none of them (the edge
                       encoder is still prepared locally: its files are what gets uploaded)
`;

/** The model id and dimension of a model directory, prepared (edge.json) or not, without preparing it. */
function modelIdentity(dir: string): { id: string; dimension: number } {
  if (existsSync(join(dir, EDGE_FILES.manifest))) return readEdgeManifest(dir).model;
  const model = resolveModelDir(dir, { towers: ["text"] });
  return { id: model.id, dimension: model.config.projectionDim };
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1)} MiB`;
}

export const command: Command = {
  name: "deploy",
  summary:
    "deploy the worker to Cloudflare: model and index into R2, then wrangler deploy (--dry-run prints)",
  usage,
  async run(args, context) {
    const { values } = parseCommandArgs(
      args,
      {
        model: { type: "string" },
        index: { type: "string" },
        bucket: { type: "string" },
        cache: { type: "string" },
        "dry-run": { type: "boolean", default: false },
      },
      false,
    );
    if (!values.model || !values.index)
      throw new InputError("bad_arguments", "give --model DIR and --index INDEX_DIR (see --help)");
    const log = (message: string) => context.stderr.write(`${message}\n`);
    const modelDir = resolve(values.model);
    const indexDir = resolve(values.index);
    if (!existsSync(join(indexDir, INDEX_FILES.manifest)))
      throw new InputError(
        "bad_arguments",
        `${indexDir} is not an index directory (no manifest.json); write one with \`npm run cli -- index\``,
      );
    // Every file through the index contract, and the worker would refuse every search of a mismatched
    // pair: both refused before anything is prepared or uploaded.
    const index = await readIndex(indexDir);
    assertSameModel(index.manifest.model, modelIdentity(modelDir));
    const storage = readWorkerStorage(WRANGLER_CONFIG);
    if (values.bucket !== undefined) {
      if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(values.bucket))
        throw new InputError(
          "bad_arguments",
          `--bucket must be an R2 bucket name (3-63 lowercase letters, digits and dashes), got "${values.bucket}"`,
        );
      if (values.bucket !== storage.bucket)
        log(
          `note: the worker reads bucket "${storage.bucket}" (wrangler.toml MODEL_BUCKET); set bucket_name to "${values.bucket}" there before deploying, or it will not find these files`,
        );
      storage.bucket = values.bucket;
    }
    const cacheDir = resolve(values.cache ?? join(ROOT, "data", "dev"));
    const edgeDir = await ensureEdgeModel(
      modelDir,
      cacheDir,
      stepRunner(context.stderr, context.verbose),
      log,
    );
    const steps = planDeploy({ storage, edgeDir, indexDir });
    if (values["dry-run"]) {
      for (const step of steps) context.stdout.write(`${formatStep(step)}\n`);
      return 0;
    }
    const uploads = steps.flatMap((step) => (step.upload ? [step.upload] : []));
    const total = uploads.reduce((sum, upload) => sum + upload.bytes, 0);
    log(`uploading ${uploads.length} files (${mebibytes(total)}) to R2 bucket ${storage.bucket}`);
    let done = 0;
    for (const step of steps) {
      const upload = step.upload;
      if (upload) {
        done++;
        log(`[${done}/${uploads.length}] ${upload.key} (${mebibytes(upload.bytes)})`);
        const result = await runWrangler(step.args, ROOT);
        if (result.code !== 0)
          throw wranglerFailure(
            `uploading ${upload.path} to ${upload.bucket}/${upload.key}`,
            result,
            storage.bucket,
          );
      } else {
        log(`${formatStep(step)} ...`);
        const result = await runWrangler(step.args, ROOT, (text) => context.stderr.write(text));
        if (result.code !== 0) throw wranglerFailure("`wrangler deploy`", result, storage.bucket);
        const url = /https:\/\/[\w.-]+\.workers\.dev\b/.exec(result.output)?.[0];
        if (url) context.stdout.write(`${url}\n`);
      }
    }
    log("deployed");
    return 0;
  },
};
