// Runs another CLI command in this process (kit, index, prepare-edge) as one step of `serve`.
import { InputError } from "../../shared/errors.ts";
import type { CommandContext } from "../command.ts";
import { commandLoaders } from "../commands/registry.ts";

/** Runs `name args...`; its stdout (data) is dropped, its stderr goes to `stderr`. Throws on a non-zero exit. */
export type StepRunner = (name: string, args: string[]) => Promise<void>;

/** A StepRunner with the given stderr (progress of the step) and verbosity. */
export function stepRunner(stderr: CommandContext["stderr"], verbose = false): StepRunner {
  return async (name, args) => {
    const load = commandLoaders[name];
    if (!load) throw new Error(`no CLI command "${name}"`);
    const command = await load();
    const context: CommandContext = {
      stdout: { write: () => true },
      // Not a TTY: the steps print plain progress lines instead of redrawing one line.
      stderr: { write: (text: string) => stderr.write(text) },
      stdin: process.stdin,
      verbose,
    };
    const status = await command.run(args, context);
    if (status !== 0)
      throw new InputError(
        "step_failed",
        `\`npm run cli -- ${name} ${args.join(" ")}\` exited with status ${status}; run it alone to see why`,
      );
  };
}
