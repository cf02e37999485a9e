// `deploy` (`npm run deploy`): the real deployment. Checks that model and index match, prepares the edge text
// encoder, deploys model, index (and media) into the worker's R2 bucket atomically, then `wrangler deploy`.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBrowserBundle } from "../../scripts/build-browser.ts";
import { emptyLedger } from "../../shared/deployment/ledger.ts";
import { planDeployment } from "../../shared/deployment/plan-deployment.ts";
import { InputError } from "../../shared/errors.ts";
import { assertSameModel, INDEX_FILES } from "../../shared/index-format.ts";
import { EDGE_FILES } from "../../shared/model/edge-manifest.ts";
import { parseDecimalOption } from "../cli/args.ts";
import { defineCommand } from "../cli/define-command.ts";
import { resolveModelDir } from "../embed/model-dir.ts";
import { readIndex } from "../index/reader.ts";
import { readEdgeManifest } from "../prepare-edge/load-edge-encoder.ts";
import { collectDeployment } from "../publish/deploy/collect-deployment.ts";
import { DEFAULT_GRACE_HOURS, mebibytes, runDeploy } from "../publish/deploy/run-deploy.ts";
import { runWrangler, wranglerFailure } from "../publish/deploy/run-wrangler.ts";
import { readWorkerStorage } from "../publish/deploy/worker-storage.ts";
import { WranglerStore } from "../publish/deploy/wrangler-store.ts";
import { ensureEdgeModel } from "../publish/serve/edge-model.ts";
import { WRANGLER_CONFIG } from "../publish/serve/local-server.ts";
import { stepRunner } from "../publish/serve/run-command.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const DETAILS = `
  npm run deploy -- --model DIR --index INDEX_DIR   (= npm run cli -- deploy ...)

Deploys the search worker to Cloudflare with your model and index, atomically:
  1. checks the index (every file, through the index contract) and that it was built with the model;
  2. prepares the Worker text encoder with prepare-edge into the cache folder, unless DIR already holds
     edge.json (the same cache as \`npm run dev\`);
  3. uploads, with \`npx wrangler r2 object put --remote\`, every file the bucket does not hold yet as a
     content-addressed object (INDEX_PREFIX/blobs/<sha256>, MODEL_PREFIX/blobs/<sha256>; thumbnails packed
     into a few objects; with --videos, the video files under INDEX_PREFIX/media/), then the deployment's
     record (INDEX_PREFIX/deployments/<id>.json), then switches the pointer INDEX_PREFIX/current.json:
     the worker serves the old deployment until that last write, the new one after, never a mix;
  4. deletes the objects of deployments replaced more than --keep-hours ago (and of interrupted deploys);
  5. runs \`npx wrangler deploy\` and prints the worker's URL on stdout.
An interrupted deploy changes nothing that is served; run it again (uploads already done are redone).
Create the bucket once first: \`npx wrangler r2 bucket create clip-video-retrieval\`. wrangler uses its own
credentials: \`npx wrangler login\`, or CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID) in the environment.
`;

/** The model id and dimension of a model directory, prepared (edge.json) or not, without preparing it. */
function modelIdentity(dir: string): { id: string; dimension: number } {
  if (existsSync(join(dir, EDGE_FILES.manifest))) return readEdgeManifest(dir).model;
  const model = resolveModelDir(dir, { towers: ["text"] });
  return { id: model.id, dimension: model.config.projectionDim };
}

export const command = defineCommand({
  name: "deploy",
  summary:
    "deploy the worker to Cloudflare: model and index into R2 atomically, then wrangler deploy (--dry-run prints)",
  options: {
    model: {
      type: "string",
      valueName: "DIR",
      description: "CLIP model directory, or a prepared edge encoder directory (edge.json)",
    },
    index: {
      type: "string",
      valueName: "INDEX_DIR",
      description: "local index directory written by `index` (same model id and dimension)",
    },
    videos: {
      type: "string",
      valueName: "DIR",
      description:
        "the library folder the index was built from: videos without a url are uploaded and served (/api/media/..., HTTP Range)",
    },
    bucket: {
      type: "string",
      valueName: "NAME",
      description:
        "R2 bucket (default: bucket_name of MODEL_BUCKET in wrangler.toml, which the worker reads)",
    },
    "keep-hours": {
      type: "string",
      valueName: "N",
      description: `how long a replaced deployment stays readable, for isolates that have not seen the switch (default ${DEFAULT_GRACE_HOURS})`,
    },
    cache: {
      type: "string",
      valueName: "DIR",
      description: "where the edge encoder is prepared (default data/dev)",
    },
    "dry-run": {
      type: "boolean",
      description: "print the objects a deploy to an empty bucket writes, one per line, and write none",
    },
  },
  details: DETAILS,
  async run({ values }, context) {
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
    const keepHours =
      values["keep-hours"] === undefined
        ? DEFAULT_GRACE_HOURS
        : parseDecimalOption(values["keep-hours"], "--keep-hours", "a number of hours >= 0", (h) => h >= 0);
    const cacheDir = resolve(values.cache ?? join(ROOT, "data", "dev"));
    const edgeDir = await ensureEdgeModel(
      modelDir,
      cacheDir,
      stepRunner(context.stderr, context.verbose),
      log,
    );
    const collected = await collectDeployment({
      indexDir,
      edgeDir,
      videosDir: values.videos ? resolve(values.videos) : undefined,
      indexPrefix: storage.indexPrefix,
      modelPrefix: storage.modelPrefix,
    });
    const store = new WranglerStore(storage.bucket, ROOT);
    try {
      const { counts } = collected;
      log(
        `index: ${counts.indexFiles} files, ${counts.thumbnails} thumbnails in ${counts.packs} packs; model: ${counts.modelFiles} files; media: ${counts.media} videos`,
      );
      if (values["dry-run"]) {
        const plan = await planDeployment(collected.input, {
          ledger: emptyLedger(),
          pointer: null,
          now: new Date(),
          graceMs: keepHours * 3600_000,
        });
        for (const step of plan.steps)
          if (step.kind === "put")
            context.stdout.write(`put ${storage.bucket}/${step.key} ${step.bytes} ${step.what}\n`);
        context.stdout.write("npx wrangler deploy\n");
        return 0;
      }
      const result = await runDeploy(store, collected.input, { graceMs: keepHours * 3600_000, log });
      log(
        `deployment ${result.record.id} is live: ${result.puts} objects written (${mebibytes(result.bytes)}), ${result.reused} reused, ${result.deleted} deleted, in ${(result.ms / 1000).toFixed(1)} s`,
      );
    } finally {
      store.close();
      await collected.cleanup();
    }
    // The page's visual-query bundle (wrangler.toml [assets]) goes up with the worker.
    await ensureBrowserBundle();
    log("npx wrangler deploy ...");
    const result = await runWrangler(["deploy"], ROOT, (text) => context.stderr.write(text));
    if (result.code !== 0) throw wranglerFailure("`wrangler deploy`", result, storage.bucket);
    const url = /https:\/\/[\w.-]+\.workers\.dev\b/.exec(result.output)?.[0];
    if (url) context.stdout.write(`${url}\n`);
    log("deployed");
    return 0;
  },
});
