// Runs a deployment plan (shared/deployment/plan-deployment.ts) against an object store: reads the
// bucket's ledger and pointer, uploads what is missing (blobs in parallel, records one at a time, in the
// plan's order), verifies, switches the pointer and retires expired deployments, reporting each step.
import {
  type DeploymentPointer,
  type DeploymentRecord,
  ledgerKey,
  parsePointer,
  pointerKey,
} from "../../../shared/deployment/deployment-format.ts";
import { emptyLedger, type Ledger, parseLedger } from "../../../shared/deployment/ledger.ts";
import {
  type DeploymentInput,
  type DeployStep,
  planDeployment,
} from "../../../shared/deployment/plan-deployment.ts";
import { InputError } from "../../../shared/errors.ts";
import type { ObjectStore } from "./object-store.ts";

/** Default grace period of a replaced deployment: pages and isolates still using it keep working. */
export const DEFAULT_GRACE_HOURS = 24;

export interface DeployResult {
  record: DeploymentRecord;
  /** Objects written (blobs, records, ledger, pointer) and their bytes. */
  puts: number;
  bytes: number;
  /** Blobs already stored by an earlier deployment and not uploaded again. */
  reused: number;
  deleted: number;
  alreadyLive: boolean;
  ms: number;
}

export interface RunDeployOptions {
  graceMs: number;
  now?: Date;
  log: (message: string) => void;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new InputError(
      "bad_deployment",
      `${what} in the bucket is not valid JSON; delete it and deploy again`,
    );
  }
}

async function readState(
  store: ObjectStore,
  indexPrefix: string,
): Promise<{ ledger: Ledger; pointer: DeploymentPointer | null }> {
  const [ledgerBytes, pointerBytes] = await Promise.all([
    store.get(ledgerKey(indexPrefix)),
    store.get(pointerKey(indexPrefix)),
  ]);
  return {
    ledger: ledgerBytes ? parseLedger(parseJson(ledgerBytes, "ledger.json")) : emptyLedger(),
    pointer: pointerBytes ? parsePointer(parseJson(pointerBytes, "current.json")) : null,
  };
}

/** Bytes as MiB for messages (two decimals under 1 MiB). */
export function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1)} MiB`;
}

/** Every object of the new deployment present with its size (and the record's bytes equal), else an error. */
async function verify(store: ObjectStore, keys: { key: string; bytes: number }[]): Promise<void> {
  for (const { key, bytes } of keys) {
    const size = await store.size(key);
    if (size === undefined) continue;
    if (size !== bytes)
      throw new InputError(
        "deploy_verify_failed",
        `${key} is ${size === null ? "missing" : `${size} bytes`} in ${store.label} after the upload, expected ${bytes} bytes; the live deployment is unchanged, run the deploy again`,
      );
  }
}

type PutStep = Extract<DeployStep<string>, { kind: "put" }>;

/** A put of one of the caller's files (a blob), as opposed to a record the plan wrote. */
function isBlobPut(step: DeployStep<string>): step is PutStep & { body: { source: string } } {
  return step.kind === "put" && "source" in step.body;
}

/** The steps in order, each run of consecutive blob puts as one array (they may run in parallel). */
function groupBlobPuts(steps: DeployStep<string>[]): (DeployStep<string> | PutStep[])[] {
  const groups: (DeployStep<string> | PutStep[])[] = [];
  for (const step of steps) {
    const last = groups.at(-1);
    if (isBlobPut(step) && Array.isArray(last)) last.push(step);
    else groups.push(isBlobPut(step) ? [step] : step);
  }
  return groups;
}

/** Deploys `input` to `store`: after it returns, the pointer names the new deployment. */
export async function runDeploy(
  store: ObjectStore,
  input: DeploymentInput<string>,
  options: RunDeployOptions,
): Promise<DeployResult> {
  const started = Date.now();
  const state = await readState(store, input.indexPrefix);
  const plan = await planDeployment(input, {
    ...state,
    now: options.now ?? new Date(),
    graceMs: options.graceMs,
  });
  const { log } = options;
  const blobPuts = plan.steps.filter(isBlobPut).length;
  if (plan.alreadyLive)
    log(`deployment ${plan.record.id} is already live in ${store.label}: nothing to upload`);
  else
    log(
      `deployment ${plan.record.id}: ${blobPuts} objects to upload, ${plan.reused} already in ${store.label}`,
    );
  let puts = 0;
  let bytes = 0;
  let deleted = 0;
  let blobsDone = 0;
  const put = async (step: PutStep) => {
    const body = "source" in step.body ? { path: step.body.source } : { data: step.body.data };
    await store.put(step.key, body, step.contentType);
    puts++;
    bytes += step.bytes;
    if ("source" in step.body) {
      blobsDone++;
      log(`[${blobsDone}/${blobPuts}] ${step.what} (${mebibytes(step.bytes)})`);
    } else log(`${step.what}`);
  };
  for (const group of groupBlobPuts(plan.steps)) {
    if (Array.isArray(group)) {
      // A run of blob puts: in parallel, all finished before the next record is written.
      let next = 0;
      const worker = async () => {
        while (next < group.length) await put(group[next++]);
      };
      await Promise.all(Array.from({ length: Math.min(store.concurrency, group.length) }, worker));
    } else if (group.kind === "put") await put(group);
    else if (group.kind === "verify") {
      await verify(store, group.keys);
      log(`verified ${group.keys.length} objects`);
    } else {
      await store.delete(group.keys);
      deleted += group.keys.length;
      log(`deleted ${group.keys.length} objects of ${group.what}`);
    }
  }
  return {
    record: plan.record,
    puts,
    bytes,
    reused: plan.reused,
    deleted,
    alreadyLive: plan.alreadyLive,
    ms: Date.now() - started,
  };
}
