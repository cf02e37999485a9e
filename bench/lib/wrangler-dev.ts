// Starts `wrangler dev` on localhost for the bench (local R2 seeded beforehand) and stops it: the child
// runs in its own process group, which is ended by its id.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { ROOT } from "./fixtures.ts";

/** A running `wrangler dev`. */
export interface WranglerDev {
  url: string;
  inspectorPort: number;
  /** Milliseconds from spawn until the worker answered its first request (GET /api/openapi.json). */
  readyMs: number;
  /** Peak resident memory (VmHWM) of the workerd processes under wrangler, bytes; 0 when unreadable. */
  workerdPeakRssBytes(): number;
  stop(): Promise<void>;
  /** Last lines wrangler printed (for error messages). */
  output(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Pids of the processes descending from `root` (Linux /proc; empty elsewhere). */
function descendants(root: number): number[] {
  if (!existsSync("/proc")) return [];
  const parents = new Map<number, number>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while listing.
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent !== pid) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

/** Spawns wrangler dev with `persistTo` as local storage and waits until it answers (at most `timeoutMs`). */
export async function startWranglerDev(persistTo: string, timeoutMs = 120_000): Promise<WranglerDev> {
  const port = await freePort();
  const inspectorPort = await freePort();
  const started = performance.now();
  const lines: string[] = [];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"),
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspectorPort),
      "--persist-to",
      persistTo,
      "--var",
      "RATE_LIMIT:off",
      "--show-interactive-dev-session=false",
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
    },
  );
  const keep = (data: Buffer) => {
    lines.push(...String(data).split("\n"));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited || child.pid === undefined) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 5000);
    await gone;
    clearTimeout(timer);
  };
  for (;;) {
    if (exited) throw new Error(`wrangler dev exited:\n${lines.join("\n")}`);
    if (performance.now() - started > timeoutMs) {
      await stop();
      throw new Error(`wrangler dev did not answer within ${timeoutMs / 1000} s:\n${lines.join("\n")}`);
    }
    try {
      const response = await fetch(`${url}/api/openapi.json`);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const readyMs = performance.now() - started;
  return {
    url,
    inspectorPort,
    readyMs,
    workerdPeakRssBytes() {
      if (child.pid === undefined) return 0;
      let peak = 0;
      for (const pid of descendants(child.pid)) {
        try {
          const status = readFileSync(`/proc/${pid}/status`, "utf8");
          if (!/^Name:\s*workerd/m.test(status)) continue;
          peak = Math.max(peak, Number(/^VmHWM:\s*(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024);
        } catch {
          // Ended.
        }
      }
      return peak;
    },
    stop,
    output: () => lines.join("\n"),
  };
}
