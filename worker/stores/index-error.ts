// A contract violation of the index in R2 as the API's error: 503 (the operator must fix the deployment),
// the contract's own code and detail, so the worker and the CLI give the same verdict for the same bytes.
import { isIndexContractError } from "../../shared/index-contract/contract-error.ts";
import { ApiError } from "../http/api-error.ts";

/** ApiError 503 for an IndexContractError (naming `prefix` and the fix); any other error unchanged. */
export function indexApiError(error: unknown, prefix: string, fix: string): unknown {
  if (!isIndexContractError(error)) return error;
  return new ApiError(503, error.code, error.located(`in the bucket (${prefix})`, fix).message);
}
