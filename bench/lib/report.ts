// Formats the bench's figures as the printed table (Markdown, so it can be pasted into the README).

import type { DeployFigures } from "../sections/deploy.ts";
import { type FlatSearchFigures, ORT_VARIANTS } from "../sections/flat-search.ts";
import type { IndexingFigures } from "../sections/indexing.ts";
import type { RooflineFigures } from "../sections/roofline.ts";
import type { TextEncoderFigures } from "../sections/text-encoder.ts";
import type { TokenizerFigures } from "../sections/tokenizer.ts";
import type { WorkerFigures } from "../sections/worker.ts";
import type { Goal } from "./goals.ts";
import type { MachineInfo } from "./machine.ts";
import type { SectionOutcome } from "./section.ts";

type Outcome<T> = SectionOutcome<T> | undefined;

function fmt(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "-";
  return value >= 100 ? value.toFixed(0) : value.toFixed(digits);
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** The cold start's steps timed inside workerd, e.g. "encoder tokenizer 124 (+124 ms)"; empty without them. */
function coldStepsLine(cold: WorkerFigures["coldStart"]): string {
  const steps = cold.steps ?? [];
  if (steps.length === 0) return "";
  const first = cold.firstRequestMs;
  const request = first ? `; first encode ${fmt(first.encode)}, first search ${fmt(first.search)}` : "";
  const list = steps.map((s) => `${s.load} ${s.name} ${s.atMs} (+${s.stepMs})`).join(", ");
  return `\ncold start inside workerd, ms since the first load began (+ the step's own): ${list}${request}\n`;
}

function skipped(title: string, outcome: Outcome<object>): string | null {
  if (outcome === undefined) return null;
  if (outcome.status === "skipped") return `### ${title}\nskipped: ${outcome.reason.split("\n")[0]}\n`;
  return "";
}

export function formatReport(r: {
  machine: MachineInfo;
  mode: string;
  seconds: number;
  tokenizer: Outcome<TokenizerFigures>;
  textEncoder: Outcome<TextEncoderFigures>;
  worker: Outcome<WorkerFigures>;
  indexing: Outcome<IndexingFigures>;
  flatSearch: Outcome<FlatSearchFigures>;
  roofline: Outcome<RooflineFigures>;
  deploy?: Outcome<DeployFigures>;
  goals: Goal[];
}): string {
  const out: string[] = [
    `## Bench (${r.mode}, ${r.seconds} s): ${r.machine.cpuModel}, ${r.machine.cores} cores, Node ${r.machine.node}, load ${r.machine.loadAverage1m} at start\n`,
  ];
  const roof = r.roofline?.status === "ok" ? r.roofline : undefined;
  const nodeRate = roof?.gflops["onnxruntime-node 1 thread"]?.p50;
  const webRate = roof?.gflops["onnxruntime-web(node) 1 thread"]?.p50;

  const s1 = skipped("1. Tokenizer", r.tokenizer);
  if (s1 !== null)
    out.push(
      s1 ||
        `### 1. Tokenizer (${r.tokenizer?.status === "ok" ? r.tokenizer.sentences.count : 0} sentences)\n${table(
          ["tokenizer", "captions/s p50", "runs"],
          r.tokenizer?.status === "ok"
            ? [
                ["ours (shared/tokenizer)", fmt(r.tokenizer.ours.p50), String(r.tokenizer.ours.runs)],
                "p50" in r.tokenizer.transformersJs
                  ? [
                      "Transformers.js",
                      fmt(r.tokenizer.transformersJs.p50),
                      String(r.tokenizer.transformersJs.runs),
                    ]
                  : ["Transformers.js", "skipped", "-"],
              ]
            : [],
        )}\n`,
    );

  const s2 = skipped("2. Text encoder", r.textEncoder);
  if (s2 !== null && r.textEncoder?.status === "ok") {
    const t = r.textEncoder;
    const flops = roof?.textEncoder.flopsPerQuery;
    const flops77 = roof?.textEncoder.flopsPerQueryPadded77;
    const rows = Object.entries(t.latency).map(([name, s]) => {
      const f = name.includes("padded-77") ? flops77 : flops;
      const rate = name.startsWith("onnxruntime-web") ? webRate : nodeRate;
      const fraction =
        f && rate && !name.includes("int8")
          ? `${((f / (s.p50 / 1000) / 1e9 / rate) * 100).toFixed(0)}%`
          : "-";
      return [name, fmt(s.p50), fmt(s.p95), String(s.runs), fraction];
    });
    if (r.worker?.status === "ok") {
      const e = r.worker.stagesMs.encode;
      rows.push([
        "onnxruntime-web(workerd) int8-edge unpadded (worker's tookMs)",
        fmt(e.p50),
        fmt(e.p95),
        String(e.runs),
        "-",
      ]);
    }
    out.push(
      `### 2. Text encoder, batch 1, ${t.queries.count} queries (mean ${t.queries.meanTokens} tokens), ms per query\n${table(
        ["variant", "p50", "p95", "runs", "of MatMul peak (fp32)"],
        rows,
      )}\ncosine int8-edge vs fp32: mean ${t.cosineInt8VsFp32.mean}, min ${t.cosineInt8VsFp32.min}; Transformers.js vs ours: ${t.cosineTransformersJsVsOurs ? `mean ${t.cosineTransformersJsVsOurs.mean}` : "-"}\ncosine to fp32 in WASM: ours (int8 edge) min ${t.cosineWebInt8VsFp32.min} mean ${t.cosineWebInt8VsFp32.mean}; Transformers.js q8 ${t.cosineTransformersJsQ8VsFp32 ? `min ${t.cosineTransformersJsQ8VsFp32.min} mean ${t.cosineTransformersJsQ8VsFp32.mean} (defaults chosen: ${t.transformersJsWasm?.dtype}/${t.transformersJsWasm?.device}; q8 file: ${t.transformersJsWasm?.q8File})` : "-"}\n`,
    );
  } else if (s2) out.push(s2);

  const s3 = skipped("3-4. Worker (wrangler dev)", r.worker);
  if (s3 !== null && r.worker?.status === "ok") {
    const w = r.worker;
    const mib = (b: number) => (b / 2 ** 20).toFixed(1);
    out.push(
      `### 3. Worker through wrangler dev (int8 B/32 encoder, ${w.setup.videos} videos)\n${table(
        ["measure", "p50 ms", "p95 ms", "p99 ms", "runs", "errors"],
        [
          ["cold start: first search", String(w.coldStart.firstSearchMs), "-", "-", "1", "-"],
          [
            "warm GET /api/search, sequential",
            fmt(w.sequential.p50),
            fmt(w.sequential.p95),
            fmt(w.sequential.p99),
            String(w.sequential.runs),
            String(w.sequential.errors),
          ],
          [
            `warm GET /api/search, ${w.concurrent.concurrency} concurrent (${w.concurrent.requestsPerSec} req/s)`,
            fmt(w.concurrent.p50),
            fmt(w.concurrent.p95),
            fmt(w.concurrent.p99),
            String(w.concurrent.runs),
            String(w.concurrent.errors),
          ],
          [
            "  inside: tokenize / encode / search (p50)",
            `${w.stagesMs.tokenize.p50} / ${w.stagesMs.encode.p50} / ${w.stagesMs.search.p50}`,
            "-",
            "-",
            String(w.stagesMs.encode.runs),
            "-",
          ],
        ],
      )}\n${coldStepsLine(w.coldStart)}\n### 4. Worker memory (MiB)\n${table(
        [
          "WASM heap",
          "JS heap after creation / after",
          "model files (creation)",
          "table (after)",
          "index",
          "peak during creation",
          "after",
          "workerd process peak RSS",
        ],
        [
          [
            mib(w.memory.wasmHeapBytes),
            `${mib(w.memory.jsHeapAfterCreation.usedSize)} / ${mib(w.memory.jsHeapAfter.usedSize)}`,
            mib(w.memory.modelFileBytes),
            mib(w.memory.tableBytes),
            mib(w.memory.indexBytes),
            mib(w.memory.peakDuringCreationBytes),
            mib(w.memory.afterBytes),
            mib(w.memory.workerdPeakRssBytes),
          ],
        ],
      )}\n`,
    );
  } else if (s3) out.push(s3);

  const s5 = skipped("5. Indexing", r.indexing);
  if (s5 !== null && r.indexing?.status === "ok") {
    const x = r.indexing;
    const rows = Object.entries(x.embed).map(([b, t]) => [
      `image encoder alone, ${b}`,
      fmt(t.framesPerSec),
      String(t.frames),
      "-",
    ]);
    for (const [name, lib] of Object.entries(x.libraries)) {
      if ("skipped" in lib) {
        rows.push([`${name}: skipped (${lib.skipped})`, "-", "-", "-"]);
        continue;
      }
      rows.push([
        `${name} (${lib.videos} videos, ${lib.sampling}): decode`,
        fmt(lib.decode.framesPerSec),
        String(lib.decode.frames),
        "-",
      ]);
      rows.push([
        `${name}: preprocess`,
        fmt(lib.preprocess.framesPerSec),
        String(lib.preprocess.frames),
        "-",
      ]);
      rows.push([
        `${name}: pipeline (wall ${fmt(lib.pipelineWall.framesPerSec)})`,
        fmt(lib.pipeline.framesPerSec),
        String(lib.pipeline.frames),
        `${fmt(lib.efficiency, 2)} (slowest: ${lib.slowestStage.name})`,
      ]);
    }
    out.push(
      `### 5. Indexing, CPU ${x.threads} threads, pipeline batch ${x.pipelineBatch}\n${table(["stage", "frames/s", "frames", "efficiency"], rows)}\n`,
    );
  } else if (s5) out.push(s5);

  const s6 = skipped("6. Flat search", r.flatSearch);
  if (s6 !== null && r.flatSearch?.status === "ok") {
    const f = r.flatSearch;
    const ortNames: string[] = Object.values(ORT_VARIANTS);
    out.push(
      `### 6. Flat top-${f.k} search, d=${f.dimension}, ms per query\n${table(
        ["vectors", "JS float32 p50", "JS int8 p50", ...ortNames.map((name) => `${name} p50`)],
        Object.entries(f.latency).map(([n, l]) => [
          n,
          fmt(l.float32.p50),
          fmt(l.int8.p50),
          ...ortNames.map((name) => (l.ort?.[name] ? fmt(l.ort[name].p50) : "skipped")),
        ]),
      )}\n`,
    );
  } else if (s6) out.push(s6);

  const s7 = skipped("7. Roofline", r.roofline);
  if (s7 !== null && roof) {
    out.push(
      `### 7. Roofline: fp32 MatMul [${roof.matmul.m}x${roof.matmul.k}]x[${roof.matmul.k}x${roof.matmul.n}]\n${table(
        ["runtime", "GFLOP/s p50", "runs"],
        Object.entries(roof.gflops).map(([name, s]) => [name, fmt(s.p50), String(s.runs)]),
      )}\ntext encoder: ${(roof.textEncoder.flopsPerQuery / 1e9).toFixed(2)} GFLOP per query at ${roof.textEncoder.meanTokens} tokens, ${(roof.textEncoder.flopsPerQueryPadded77 / 1e9).toFixed(2)} GFLOP padded to 77\n`,
    );
  } else if (s7) out.push(s7);

  const s8 = skipped("8. Deploy", r.deploy);
  if (s8 !== null && r.deploy?.status === "ok") {
    const d = r.deploy;
    out.push(
      `### 8. Deploy, ${d.videos} videos (${(d.thumbnailBytes / 2 ** 20).toFixed(1)} MiB of thumbnails)\n${table(
        ["deploy", "objects", "MiB", "s"],
        [
          [
            "first, into local R2 (collect + write)",
            String(d.objects),
            fmt(d.bytes / 2 ** 20),
            fmt(d.localMs / 1000),
          ],
          [
            "one title changed",
            String(d.redeploy.objects),
            fmt(d.redeploy.bytes / 2 ** 20),
            fmt(d.redeploy.ms / 1000),
          ],
        ],
      )}\nfiles in the index and model directories (one object each before): ${d.filesBefore}; hashing and packing: ${fmt(d.collectMs / 1000)} s\n`,
    );
  } else if (s8) out.push(s8);

  out.push(
    `### Goals\n${table(
      ["goal", "value", "target", "unit", "met"],
      r.goals.map((g) => [
        g.name,
        g.value === null ? "-" : String(g.value),
        g.target,
        g.unit,
        g.met === null ? "skipped" : g.met ? "yes" : "NO",
      ]),
    )}\n`,
  );
  return `${out.join("\n")}\n`;
}
