// The wrangler commands of a deployment: one `r2 object put --remote` per model and index file, then
// `deploy`; printed as-is by --dry-run and run in order otherwise.
import { listR2Objects, type R2Object } from "../serve/r2-objects.ts";
import type { WorkerStorage } from "./worker-storage.ts";

/** One wrangler invocation (arguments after `wrangler`). */
export interface WranglerStep {
  args: string[];
  /** The file it uploads; absent for `wrangler deploy`. */
  upload?: R2Object & { bucket: string };
}

export interface DeployPlanInput {
  storage: WorkerStorage;
  /** Prepared edge encoder directory (edge.json ...), stored under storage.modelPrefix. */
  edgeDir: string;
  /** Local index directory, stored under storage.indexPrefix. */
  indexDir: string;
}

/** The put steps for every file of the model and the index (model first, sorted by key), then `deploy`. */
export function planDeploy(input: DeployPlanInput): WranglerStep[] {
  const { bucket, modelPrefix, indexPrefix } = input.storage;
  const objects = [
    ...listR2Objects(modelPrefix, input.edgeDir),
    ...listR2Objects(indexPrefix, input.indexDir),
  ];
  const puts = objects.map((object): WranglerStep => {
    // Same Content-Type as the local R2 of `npm start` (the worker serves thumbnails with it).
    const type = object.contentType ? ["--content-type", object.contentType] : [];
    return {
      args: ["r2", "object", "put", `${bucket}/${object.key}`, "--file", object.path, ...type, "--remote"],
      upload: { ...object, bucket },
    };
  });
  return [...puts, { args: ["deploy"] }];
}

/** Quotes one argument for a POSIX shell when it needs it. */
function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The step as a command line to paste into a shell at the repository root (`npx wrangler ...`). */
export function formatStep(step: WranglerStep): string {
  return ["npx", "wrangler", ...step.args].map(shellQuote).join(" ");
}
