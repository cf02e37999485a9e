// Starts `wrangler dev` on the worker as a child process, waits until it answers HTTP, and stops it
// (with workerd, its own child) as one process group.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { InputError } from "../../../shared/errors.ts";

/** A running `wrangler dev`. */
export interface DevServer {
  /** Base URL, e.g. http://127.0.0.1:8787 (no trailing slash). */
  url: string;
  /** Process group of wrangler and workerd (the wrangler child's pid). */
  processGroup: number;
  /** Port of the worker's DevTools inspector (heap figures for the bench). */
  inspectorPort: number;
  /** Resolves with the exit code when wrangler exits (for any reason). */
  exited: Promise<number | null>;
  /** Stops wrangler and workerd; resolves once wrangler has exited. */
  stop(): Promise<void>;
}

export interface DevServerOptions {
  configPath: string;
  /** Local state folder (R2 objects), as filled by uploadToLocalR2. */
  persistTo: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** --var NAME:VALUE overrides of wrangler.toml [vars]. */
  vars: Record<string, string>;
  /** wrangler's own output lines (banner, request log, errors). */
  onOutput?: (text: string) => void;
  /** Milliseconds to wait for the first HTTP answer (default 120 000). */
  readyTimeoutMs?: number;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Rejects when `port` on 127.0.0.1 is taken (another server would answer our readiness checks). */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", () =>
      reject(
        new InputError(
          "port_in_use",
          `port ${port} on 127.0.0.1 is in use (another \`npm start\`?); stop that server or pass --port 0 for a free port`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolvePort()));
  });
}

/** Path of wrangler's JS entry point (run as `node <it> ...`: no npx lookup, the pinned version). */
export function wranglerBin(): string {
  const pkg = createRequire(import.meta.url).resolve("wrangler/package.json");
  return join(dirname(pkg), "bin", "wrangler.js");
}

/** Signals the child's process group; `evenIfExited` also reaches members left after the child exited. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals, evenIfExited = false): void {
  if (child.pid === undefined) return;
  if (!evenIfExited && (child.exitCode !== null || child.signalCode !== null)) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForHttp(
  url: string,
  exited: Promise<number | null>,
  timeoutMs: number,
  tail: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  let done: number | null | undefined;
  exited.then((code) => {
    done = code;
  });
  while (Date.now() < deadline) {
    if (done !== undefined) throw new Error(`wrangler dev exited (code ${done}) before serving:\n${tail()}`);
    try {
      await fetch(`${url}/api/openapi.json`, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((wake) => setTimeout(wake, 250));
    }
  }
  throw new Error(`wrangler dev did not answer on ${url} within ${timeoutMs} ms:\n${tail()}`);
}

/** Starts `wrangler dev` and resolves once it answers HTTP on 127.0.0.1. */
export async function startWranglerDev(options: DevServerOptions): Promise<DevServer> {
  const port = options.port === 0 ? await freePort() : options.port;
  if (options.port !== 0) await assertPortFree(port);
  const inspectorPort = await freePort();
  const vars = Object.entries(options.vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
  const args = [
    wranglerBin(),
    "dev",
    "--config",
    options.configPath,
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    // A free inspector port: the default 9229 may belong to another wrangler dev on this machine.
    "--inspector-port",
    String(inspectorPort),
    "--persist-to",
    options.persistTo,
    "--show-interactive-dev-session=false",
    ...vars,
  ];
  // detached: own process group, so stop() reaches workerd too.
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    // No fetch of Request.cf from workers.cloudflare.com (the worker does not read it): offline, that
    // fetch fails with a stack trace on every start.
    env: { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false" },
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    options.onOutput?.(text);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  // If this process ends without stop() (an uncaught error, process.exit), wrangler must not outlive it.
  const onExit = () => killGroup(child, "SIGKILL", true);
  process.once("exit", onExit);
  const stop = async () => {
    process.removeListener("exit", onExit);
    killGroup(child, "SIGTERM");
    const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
    // workerd may outlive wrangler by a moment; the group signal reaches it as well.
    killGroup(child, "SIGKILL", true);
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url, exited, options.readyTimeoutMs ?? 120_000, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, processGroup: child.pid ?? -1, inspectorPort, exited, stop };
}
