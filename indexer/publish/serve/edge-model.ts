// The worker's model directory for `npm run dev -- --model DIR`: DIR itself when it is already a prepared
// edge encoder (edge.json), else DIR prepared with prepare-edge into a cache folder (redone when DIR or the
// project's code changes).
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { EDGE_FILES } from "../../../shared/model/edge-manifest.ts";
import { cachedStep } from "./cached-step.ts";
import { codeRecipe } from "./code-recipe.ts";
import type { StepRunner } from "./run-command.ts";

/** Returns a directory holding edge.json and the files it names for `modelDir`. */
export async function ensureEdgeModel(
  modelDir: string,
  cacheDir: string,
  run: StepRunner,
  log: (message: string) => void,
): Promise<string> {
  const source = resolve(modelDir);
  if (existsSync(join(source, EDGE_FILES.manifest))) return source;
  // One cache entry per source path, so two models never overwrite each other's prepared copy.
  const hash = createHash("sha1").update(source).digest("hex").slice(0, 8);
  const out = join(cacheDir, `edge-${basename(source)}-${hash}`);
  const inputs = [source, join(source, "onnx")].filter((path) => existsSync(path));
  const step = { modelDir: source };
  // Redone when the model's files change or when prepare-edge (the project's code) does.
  await cachedStep(
    out,
    inputs,
    `edge encoders of ${source} (prepare-edge)`,
    log,
    (tmp) => run.prepareEdge(step, tmp),
    codeRecipe(["prepare-edge", JSON.stringify(step)]),
  );
  return out;
}
