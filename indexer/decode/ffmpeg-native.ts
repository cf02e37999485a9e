// The one place that runs the native ffmpeg/ffprobe binaries (from PATH): availability check, a
// streaming run (stdout read with backpressure, stderr as text) and a buffered run for small jobs.
import { type ChildProcessByStdio, spawn, spawnSync } from "node:child_process";
import type { Readable, Writable } from "node:stream";

let available: boolean | undefined;

/** True when both `ffmpeg` and `ffprobe` run from PATH (checked once per process). */
export function hasNativeFfmpeg(): boolean {
  if (available === undefined) {
    const works = (program: string) =>
      spawnSync(program, ["-version"], { stdio: "ignore", timeout: 10_000 }).status === 0;
    available = works("ffmpeg") && works("ffprobe");
  }
  return available;
}

/** A running ffmpeg whose stdout is read on demand. */
export interface NativeRun {
  /** Raw stdout chunks; iterating pulls data, so an idle consumer pauses ffmpeg (pipe backpressure). */
  stdout: AsyncIterable<Uint8Array>;
  /** Resolves with the exit code (null when killed) once the process has exited and stderr is drained. */
  exited: Promise<number | null>;
  /** Stops the process (used when the caller needs no more frames). */
  kill(): void;
}

/** Starts `program args`, passing stderr text to `onStderr` as it arrives. */
export function startNative(
  program: "ffmpeg" | "ffprobe",
  args: string[],
  onStderr: (text: string) => void,
): NativeRun {
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(program, args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => onStderr(text));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  return {
    stdout: child.stdout,
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** Result of a buffered run. */
export interface NativeResult {
  code: number | null;
  stdout: Uint8Array;
  stderr: string;
}

/** Runs `program args` to completion, optionally feeding `input` on stdin; buffers stdout. */
export async function runNative(
  program: "ffmpeg" | "ffprobe",
  args: string[],
  input?: Uint8Array,
): Promise<NativeResult> {
  const child: ChildProcessByStdio<Writable, Readable, Readable> = spawn(program, args, {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const chunks: Uint8Array[] = [];
  let stderr = "";
  child.stdout.on("data", (chunk: Uint8Array) => chunks.push(chunk));
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    stderr += text;
  });
  // ffmpeg may exit before reading all of stdin (e.g. on a bad argument): ignore EPIPE there.
  child.stdin.on("error", () => {});
  child.stdin.end(input);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  return { code, stdout: Buffer.concat(chunks), stderr };
}
