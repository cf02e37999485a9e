// `npm run bench`: runs the benchmark sections on the random ViT-B/32 model, writes bench/results.json
// (raw figures, machine, goals) and prints a table. Quick mode by default (< 5 min on 2 cores).
// Usage: npm run bench [-- --full] [-- --only tokenizer,textEncoder,worker,indexing,flatSearch,roofline,deploy,sync]
//        [-- --out FILE]
// Older single-purpose scripts: bench/edge-encoder.ts (edge encoder variants), bench/indexing.ts (INDEX).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { benchModelDir, ROOT } from "./lib/fixtures.ts";
import { computeGoals } from "./lib/goals.ts";
import { describeMachine } from "./lib/machine.ts";
import { formatReport } from "./lib/report.ts";
import { type BenchContext, runSection, type SectionOutcome } from "./lib/section.ts";
import { benchDeploy } from "./sections/deploy.ts";
import { benchFlatSearch } from "./sections/flat-search.ts";
import { benchIndexing } from "./sections/indexing.ts";
import { benchRoofline } from "./sections/roofline.ts";
import { benchSync, formatSync, syncGoals } from "./sections/sync.ts";
import { benchTextEncoder } from "./sections/text-encoder.ts";
import { benchTokenizer } from "./sections/tokenizer.ts";
import { benchWorker } from "./sections/worker.ts";

const SECTIONS = [
  "tokenizer",
  "textEncoder",
  "worker",
  "indexing",
  "flatSearch",
  "roofline",
  "deploy",
  "sync",
] as const;

const { values } = parseArgs({
  options: {
    full: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string", default: join(ROOT, "bench", "results.json") },
  },
});
const only = values.only ? values.only.split(",") : [...SECTIONS];
const unknown = only.filter((name) => !(SECTIONS as readonly string[]).includes(name));
if (unknown.length) {
  process.stderr.write(`unknown section(s) ${unknown.join(", ")}; choose from ${SECTIONS.join(", ")}\n`);
  process.exit(2);
}
const wanted = (name: (typeof SECTIONS)[number]) => only.includes(name);

const started = performance.now();
const machine = describeMachine();
const log = (message: string) => process.stderr.write(`${message}\n`);
log(
  `bench (${values.full ? "full" : "quick"}) on ${machine.cpuModel}, ${machine.cores} cores, load ${machine.loadAverage1m}`,
);
log("random ViT-B/32 model (generated into models/.cache on first use) ...");
const context: BenchContext = { full: values.full, modelDir: benchModelDir(), log };

// One section at a time: the machine is shared, and each comparison inside a section is interleaved.
const tokenizer = wanted("tokenizer")
  ? await runSection("tokenizer", context, () => benchTokenizer(context))
  : undefined;
const textEncoder = wanted("textEncoder")
  ? await runSection("textEncoder", context, () => benchTextEncoder(context))
  : undefined;
const worker = wanted("worker") ? await runSection("worker", context, () => benchWorker(context)) : undefined;
const indexing = wanted("indexing")
  ? await runSection("indexing", context, () => benchIndexing(context))
  : undefined;
const flatSearch = wanted("flatSearch")
  ? await runSection("flatSearch", context, () => benchFlatSearch(context))
  : undefined;
const meanTokens = textEncoder?.status === "ok" ? textEncoder.queries.meanTokens : 12;
const roofline = wanted("roofline")
  ? await runSection("roofline", context, () => benchRoofline(context, meanTokens))
  : undefined;

const deploy = wanted("deploy") ? await runSection("deploy", context, () => benchDeploy(context)) : undefined;
const sync = wanted("sync") ? await runSection("sync", context, () => benchSync(context)) : undefined;

const sections: Record<string, SectionOutcome<object> | undefined> = {
  tokenizer,
  textEncoder,
  worker,
  indexing,
  flatSearch,
  roofline,
  deploy,
  sync,
};
const goals = [...computeGoals({ textEncoder, worker, indexing, flatSearch, deploy }), ...syncGoals(sync)];
const results = {
  bench: "clip-video-retrieval",
  mode: values.full ? "full" : "quick",
  createdAt: new Date().toISOString(),
  seconds: Math.round(performance.now() - started) / 1000,
  machine,
  model: context.modelDir,
  sections: Object.fromEntries(Object.entries(sections).filter(([, v]) => v !== undefined)),
  goals,
};
writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(
  formatReport({
    machine,
    mode: results.mode,
    seconds: results.seconds,
    tokenizer,
    textEncoder,
    worker,
    indexing,
    flatSearch,
    roofline,
    deploy,
    goals,
  }) + formatSync(sync),
);
log(`wrote ${values.out}`);
