// Typed errors shared by the indexer and the worker: an expected failure carries a stable code and
// a message that tells the user what to do; anything else is a bug.

/** A failure caused by the user's input or environment (bad file, bad argument, missing model). */
export class InputError extends Error {
  /** Stable machine-readable code, e.g. "bad_npy", "dimension_mismatch". */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InputError";
    this.code = code;
  }
}

/** True for errors the user can fix; false for bugs. */
export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError;
}
