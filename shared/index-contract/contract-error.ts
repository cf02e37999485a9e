// The error of an index that breaks the contract: one code and one detail, whichever runtime read it.
import { InputError } from "../errors.ts";

export type IndexContractCode = "bad_index" | "index_missing";

/**
 * An index (or shard) that fails the contract. `code` is "bad_index" (a file is malformed or inconsistent)
 * or "index_missing" (a required file is absent); `detail` names the file and the problem, identically in
 * the CLI and the worker, which only add where the index is and what to do (`located`).
 */
export class IndexContractError extends InputError {
  readonly detail: string;

  constructor(code: IndexContractCode, detail: string, where?: string, hint?: string) {
    super(code, `invalid index${where ? ` ${where}` : ""}: ${detail}${hint ? `; ${hint}` : ""}`);
    this.name = "IndexContractError";
    this.detail = detail;
  }

  /** The same verdict, with the index's location and the fix in the message. */
  located(where: string, hint: string): IndexContractError {
    return new IndexContractError(this.code as IndexContractCode, this.detail, where, hint);
  }
}

/** True for contract violations (as opposed to I/O failures or bugs). */
export function isIndexContractError(error: unknown): error is IndexContractError {
  return error instanceof IndexContractError;
}
