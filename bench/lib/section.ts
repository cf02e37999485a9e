// What every bench section gets (mode, fixtures, a progress logger) and how it says it could not run.

/** Options shared by the sections of one `npm run bench` run. */
export interface BenchContext {
  /** --full: more runs and larger sizes; otherwise the quick mode (under 5 minutes on 2 cores). */
  full: boolean;
  /** The random ViT-B/32 model directory. */
  modelDir: string;
  /** Progress for people, on stderr. */
  log(message: string): void;
}

/** Thrown by a section whose dependency is missing: recorded as `{status: "skipped", reason}`. */
export class SkipSection extends Error {}

/** A section's entry in results.json. */
export type SectionOutcome<T> =
  | ({ status: "ok"; seconds: number } & T)
  | { status: "skipped"; reason: string; seconds: number };

/** Runs `body`, turning SkipSection and unexpected errors into a skipped outcome with the reason. */
export async function runSection<T extends object>(
  name: string,
  context: BenchContext,
  body: () => Promise<T>,
): Promise<SectionOutcome<T>> {
  const start = performance.now();
  const seconds = () => Math.round(performance.now() - start) / 1000;
  context.log(`[${name}] ...`);
  try {
    const figures = await body();
    context.log(`[${name}] done in ${seconds()} s`);
    return { status: "ok", seconds: seconds(), ...figures };
  } catch (error) {
    const reason =
      error instanceof SkipSection ? error.message : `failed: ${(error as Error).stack ?? String(error)}`;
    context.log(`[${name}] skipped: ${reason.split("\n")[0]}`);
    return { status: "skipped", reason, seconds: seconds() };
  }
}
