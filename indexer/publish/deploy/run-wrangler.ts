// Runs one wrangler command as a child process (the pinned wrangler, the user's own credentials) and turns
// a failure into an InputError that names what failed, quotes wrangler and says how to fix the usual causes.
import { spawn } from "node:child_process";
import { InputError } from "../../../shared/errors.ts";
import { wranglerBin } from "../serve/wrangler-dev.ts";

/** What a finished wrangler command printed and how it exited. */
export interface WranglerResult {
  code: number | null;
  /** stdout and stderr together, ANSI colours removed. */
  output: string;
  /** stdout's bytes as written (`r2 object get --pipe` writes the object there). */
  stdout: Buffer;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Runs `wrangler ...args` in `cwd`; `onOutput` sees its output as it comes (e.g. deploy's progress). */
export function runWrangler(
  args: string[],
  cwd: string,
  onOutput?: (text: string) => void,
): Promise<WranglerResult> {
  return new Promise((resolveRun, reject) => {
    // stdin closed: wrangler sees a non-interactive session and fails with a message instead of prompting.
    const child = spawn(process.execPath, [wranglerBin(), ...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const stdout: Buffer[] = [];
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      onOutput?.(text);
    };
    child.stdout.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
      collect(chunk);
    });
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("close", (code) =>
      resolveRun({ code, output: output.replace(ANSI, ""), stdout: Buffer.concat(stdout) }),
    );
  });
}

/** The fix to suggest for wrangler's output, or "" (checked for a missing bucket first: its code is specific). */
export function wranglerHint(output: string, bucket: string): string {
  if (/bucket does not exist|NoSuchBucket|code: 10006/i.test(output))
    return `create the bucket with \`npx wrangler r2 bucket create ${bucket}\` (or pass --bucket NAME), then run this again`;
  if (
    /authenticat|wrangler login|CLOUDFLARE_API_TOKEN|not logged in|unauthori[sz]ed|code: 10000/i.test(output)
  )
    return "log in with `npx wrangler login`, or set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID) to an API token with R2 and Workers edit rights, then run this again";
  return "";
}

/** The last `lines` non-empty lines of wrangler's output, indented, for an error message. */
function tail(output: string, lines = 12): string {
  const kept = output
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
  return kept
    .slice(-lines)
    .map((line) => `  ${line}`)
    .join("\n");
}

/** The error for a failed step: `what` failed, wrangler's exit status and message, and a hint when one fits. */
export function wranglerFailure(what: string, result: WranglerResult, bucket: string): InputError {
  const hint = wranglerHint(result.output, bucket);
  return new InputError(
    "wrangler_failed",
    `${what} failed (wrangler exited with status ${result.code}):\n${tail(result.output) || "  (no output)"}${hint ? `\n${hint}` : ""}`,
  );
}
