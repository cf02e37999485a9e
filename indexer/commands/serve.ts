// `serve`: the local demo (`npm start` = serve --demo) and `npm run dev -- --model DIR --index DIR`: model and
// index into wrangler's local R2, then `wrangler dev` on the worker; prints the URL and runs until Ctrl-C.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../shared/errors.ts";
import { INDEX_FILES } from "../../shared/index-format.ts";
import { defineCommand } from "../cli/define-command.ts";
import { ensureDemoAssets } from "../demo/demo-assets.ts";
import { assertIndexModel } from "../index/reader.ts";
import { readEdgeManifest } from "../prepare-edge/load-edge-encoder.ts";
import { ensureEdgeModel } from "../publish/serve/edge-model.ts";
import { startLocalServer } from "../publish/serve/local-server.ts";
import { stepRunner } from "../publish/serve/run-command.ts";
import { assertPortFree } from "../publish/serve/wrangler-dev.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

const DETAILS = `
  npm start                                          (= npm run cli -- serve --demo)
  npm run dev -- --model DIR --index INDEX_DIR [--videos DIR]
                                                     (= npm run cli -- serve --model DIR --index INDEX_DIR)

Runs the search worker locally with \`wrangler dev\` (rate limiting off) and prints its URL on stdout.
--demo generates a toy CLIP model, toy videos, their index and the edge text encoder under data/demo/
(only what is missing; delete the folder to start over). --model/--index serve your own: a model
directory (prepared with prepare-edge into data/dev/ unless it already holds edge.json) and an index
directory written by \`index\`. Either way they are deployed into wrangler's local R2 first, the way
\`deploy\` deploys to the real bucket (the toy videos, or those of --videos, become playable media).
`;

/** Resolves once SIGINT or SIGTERM arrives. */
function interrupted(): Promise<string> {
  return new Promise((resolveSignal) => {
    process.once("SIGINT", () => resolveSignal("SIGINT"));
    process.once("SIGTERM", () => resolveSignal("SIGTERM"));
  });
}

export const command = defineCommand({
  name: "serve",
  summary: "run the worker locally (wrangler dev) on the toy demo (--demo) or your model and index",
  options: {
    demo: { type: "boolean", description: "serve the toy demo" },
    model: {
      type: "string",
      valueName: "DIR",
      description: "CLIP model directory, or a prepared edge encoder directory",
    },
    index: {
      type: "string",
      valueName: "INDEX_DIR",
      description: "local index directory (its model id and dimension must match the model)",
    },
    videos: {
      type: "string",
      valueName: "DIR",
      description: "the library folder the index was built from: its videos are served for playback",
    },
    port: {
      type: "integer",
      valueName: "N",
      min: 0,
      max: 65535,
      default: 8787,
      description: "port on 127.0.0.1 (0 picks a free one)",
    },
    "persist-to": {
      type: "string",
      valueName: "DIR",
      description: "wrangler's local state folder (default .wrangler/state, what plain `wrangler dev` uses)",
    },
    cache: {
      type: "string",
      valueName: "DIR",
      description: "generated files (default data/demo with --demo, data/dev otherwise)",
    },
    count: {
      type: "integer",
      valueName: "N",
      min: 1,
      max: 1000,
      description: "number of toy videos with --demo (default: generate toy-videos' default)",
    },
  },
  details: DETAILS,
  async run({ values }, context) {
    const log = (message: string) => context.stderr.write(`${message}\n`);
    const run = stepRunner(context.stderr, context.verbose);
    const { port } = values;
    // Checked first: a busy port would otherwise only show after the generation steps.
    if (port !== 0) await assertPortFree(port);
    const persistTo = resolve(values["persist-to"] ?? join(ROOT, ".wrangler", "state"));
    let edgeDir: string;
    let indexDir: string;
    let videosDir = values.videos === undefined ? undefined : resolve(values.videos);
    let example: string | undefined;
    if (values.demo) {
      if (values.model || values.index || values.videos)
        throw new InputError(
          "bad_arguments",
          "--demo serves the toy demo; leave out --model, --index and --videos",
        );
      const assets = await ensureDemoAssets({
        cacheDir: resolve(values.cache ?? join(ROOT, "data", "demo")),
        run,
        log,
        videoCount: values.count,
      });
      edgeDir = assets.edgeDir;
      indexDir = assets.indexDir;
      videosDir = assets.videosDir;
      example = assets.queries[0]?.query;
    } else {
      if (!values.model || !values.index)
        throw new InputError(
          "bad_arguments",
          "give --model DIR and --index INDEX_DIR (or --demo for the toy demo: npm start)",
        );
      indexDir = resolve(values.index);
      if (!existsSync(join(indexDir, INDEX_FILES.manifest)))
        throw new InputError(
          "bad_arguments",
          `${indexDir} is not an index directory (no manifest.json); write one with \`npm run cli -- index\``,
        );
      const cacheDir = resolve(values.cache ?? join(ROOT, "data", "dev"));
      edgeDir = await ensureEdgeModel(values.model, cacheDir, run, log);
    }
    // The worker refuses a mismatch on every search; say it now, before wrangler starts.
    await assertIndexModel(indexDir, readEdgeManifest(edgeDir).model);
    const server = await startLocalServer({
      edgeDir,
      indexDir,
      videosDir,
      persistTo,
      port,
      log,
      onOutput: (text) => context.stderr.write(text),
    });
    context.stdout.write(`${server.url}\n`);
    log(`serving on ${server.url}${example ? ` (try "${example}")` : ""}; Ctrl-C stops`);
    const reason = await Promise.race([interrupted(), server.exited.then((code) => `exit ${code}`)]);
    await server.stop();
    return reason.startsWith("exit") ? 1 : 0;
  },
});
