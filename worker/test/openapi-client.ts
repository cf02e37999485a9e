// Test helper (runs in workerd): records exchanges with the app and asks the Node-side validators
// (worker/test/openapi-check.ts, service binding OPENAPI_CHECK) about the served document and responses.
import { env, SELF } from "cloudflare:test";
import type { DocumentReport, Exchange } from "./openapi-check.ts";

export type { DocumentReport, Exchange };

const checker = (env as unknown as { OPENAPI_CHECK: Fetcher }).OPENAPI_CHECK;

/** One recorded exchange; the path is kept without its query string. */
export function exchangeOf(method: string, path: string, response: Response, body: unknown): Exchange {
  const contentType = response.headers.get("content-type") ?? "";
  return {
    method: method.toUpperCase(),
    path: path.split("?")[0],
    status: response.status,
    contentType,
    body: contentType.includes("json") ? body : null,
  };
}

/** The OpenAPI document the app serves. */
export async function servedDocument(): Promise<Record<string, unknown>> {
  return (await (await SELF.fetch("http://worker/api/openapi.json")).json()) as Record<string, unknown>;
}

async function ask<T>(what: "document" | "exchanges", payload: object): Promise<T> {
  const response = await checker.fetch(`http://check/${what}`, {
    method: "POST",
    body: JSON.stringify(payload),
  });
  if (!response.ok) throw new Error(`OPENAPI_CHECK failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** swagger-parser's verdict and redocly's recommended-ruleset problems for the served document. */
export async function checkServedDocument(): Promise<DocumentReport> {
  return ask("document", { document: await servedDocument() });
}

/** Problems of `exchanges` against the served document (status, content type, JSON schema); [] when none. */
export async function checkOpenApi(exchanges: Exchange[]): Promise<string[]> {
  return ask("exchanges", { document: await servedDocument(), exchanges });
}
