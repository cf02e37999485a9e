// Cloudflare credentials for the Vectorize upload: read from the environment only (never from
// arguments, so they stay out of shell history and process lists), and scrubbed from any message.
import { InputError } from "../../../shared/errors.ts";

/** Cloudflare's API root; CLOUDFLARE_API_BASE_URL overrides it (tests point it at a local server). */
export const CLOUDFLARE_API_BASE_URL = "https://api.cloudflare.com/client/v4";

export interface VectorizeConfig {
  /** CLOUDFLARE_ACCOUNT_ID (32 hex characters on Cloudflare). */
  accountId: string;
  /** CLOUDFLARE_API_TOKEN, a token with the "Vectorize Write" permission. */
  apiToken: string;
  /** API root without a trailing slash. */
  baseUrl: string;
}

/** Reads the account id, token and base URL from `env` (default: process.env); names what is missing. */
export function readVectorizeConfig(env: Record<string, string | undefined> = process.env): VectorizeConfig {
  const accountId = env.CLOUDFLARE_ACCOUNT_ID?.trim() ?? "";
  const apiToken = env.CLOUDFLARE_API_TOKEN?.trim() ?? "";
  const missing = [
    accountId === "" ? "CLOUDFLARE_ACCOUNT_ID" : null,
    apiToken === "" ? "CLOUDFLARE_API_TOKEN" : null,
  ].filter((name) => name !== null);
  if (missing.length > 0) {
    throw new InputError(
      "missing_credentials",
      `set ${missing.join(" and ")} in the environment (an API token with "Vectorize Write" permission); they are never taken from arguments`,
    );
  }
  const baseUrl = (env.CLOUDFLARE_API_BASE_URL?.trim() || CLOUDFLARE_API_BASE_URL).replace(/\/+$/, "");
  if (!/^https?:\/\//.test(baseUrl))
    throw new InputError(
      "bad_config",
      `CLOUDFLARE_API_BASE_URL must start with http:// or https://, got "${baseUrl}"`,
    );
  return { accountId, apiToken, baseUrl };
}

/** Replaces the token and the account id in `text` so that messages can be printed safely. */
export function redactSecrets(text: string, config: Pick<VectorizeConfig, "accountId" | "apiToken">): string {
  let out = text;
  if (config.apiToken) out = out.split(config.apiToken).join("[redacted-token]");
  if (config.accountId) out = out.split(config.accountId).join("[account-id]");
  return out;
}
