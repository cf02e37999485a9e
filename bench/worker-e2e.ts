// The worker section of `npm run bench` alone, on any prepared encoder and index, printing its raw figures:
// npx tsx bench/worker-e2e.ts [--edge DIR] [--index DIR] [--rounds N] [--queries N] [--json].
// Same measuring function as `npm run bench -- --only worker` (bench/sections/worker.ts).
import { parseArgs } from "node:util";
import { readEdgeManifest } from "../indexer/prepare-edge/load-edge-encoder.ts";
import { benchEdgeDir, benchIndexDir, benchModelDir, benchModelId, benchSentences } from "./lib/fixtures.ts";
import { measureWorker } from "./sections/worker.ts";

const { values } = parseArgs({
  options: {
    edge: { type: "string" },
    index: { type: "string" },
    videos: { type: "string", default: "10000" },
    rounds: { type: "string", default: "3" },
    queries: { type: "string", default: "30" },
    json: { type: "boolean", default: false },
  },
});
const log = (message: string) => process.stderr.write(`${message}\n`);
const modelDir = benchModelDir();
const edgeDir = values.edge ?? (await benchEdgeDir(modelDir));
const dimension = readEdgeManifest(edgeDir).model.dimension;
const indexDir =
  values.index ?? (await benchIndexDir(benchModelId(modelDir), dimension, Number(values.videos)));
const sequentialPerRound = Number(values.queries);
const figures = await measureWorker({
  edgeDir,
  indexDir,
  queries: benchSentences(modelDir).sentences.map((s) => s.text),
  rounds: Number(values.rounds),
  sequentialPerRound,
  concurrentPerRound: sequentialPerRound,
  concurrency: 4,
  warmup: 10,
  parityQueries: 20,
  timeLimitMs: 300_000,
  log,
});
process.stdout.write(`${JSON.stringify(figures, null, values.json ? undefined : 2)}\n`);
