// Test helper (runs in Node, behind a service binding of worker/vitest.config.ts): checks the OpenAPI document
// the app serves with real validators (swagger-parser, redocly's recommended rules) and real responses
// against it (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
import SwaggerParser from "@apidevtools/swagger-parser";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { Ajv2020 } from "ajv/dist/2020.js";

/** One request the tests made and what the app answered. */
export interface Exchange {
  method: string;
  /** Path without query, as requested. */
  path: string;
  status: number;
  contentType: string;
  /** Parsed JSON, or null for other content. */
  body: unknown;
}

export interface DocumentReport {
  /** swagger-parser's verdict: null when valid, else its message. */
  swaggerParserError: string | null;
  redocly: { errors: string[]; warnings: string[] };
}

type Json = Record<string, unknown>;

/** swagger-parser validation (schema of OpenAPI 3.1 plus its own checks) and redocly's recommended ruleset. */
export async function checkDocument(document: Json): Promise<DocumentReport> {
  let swaggerParserError: string | null = null;
  try {
    await SwaggerParser.validate(structuredClone(document) as never);
  } catch (error) {
    swaggerParserError = (error as Error).message;
  }
  const config = await createConfig({ extends: ["recommended"] });
  const problems = await lintFromString({
    source: JSON.stringify(document),
    absoluteRef: "openapi.json",
    config,
  });
  const describe = (p: (typeof problems)[number]) =>
    `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? "?"}`;
  return {
    swaggerParserError,
    redocly: {
      errors: problems.filter((p) => p.severity === "error").map(describe),
      warnings: problems.filter((p) => p.severity !== "error").map(describe),
    },
  };
}

/** A regular expression for an OpenAPI path template; `{name}` matches one or more segments for thumbnails. */
function templatePattern(template: string): RegExp {
  const source = template
    .split(/(\{[^}]+\})/)
    .map((part) =>
      part.startsWith("{") ? (part === "{name}" ? ".+" : "[^/]+") : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${source}/?$`);
}

/**
 * Checks every exchange against the document: a path and method it describes must declare the status, the
 * content type, and the JSON body must validate against the declared schema; any other request must be
 * answered 404 or 405 with the document's Error schema. Returns one line per problem.
 */
export async function checkExchanges(document: Json, exchanges: Exchange[]): Promise<string[]> {
  const resolved = (await SwaggerParser.dereference(structuredClone(document) as never)) as unknown as {
    paths: Record<
      string,
      Record<string, { responses: Record<string, { content?: Record<string, { schema?: Json }> }> }>
    >;
    components: { schemas: Record<string, Json> };
  };
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<Json, ReturnType<typeof ajv.compile>>();
  const validate = (schema: Json, body: unknown) => {
    let check = validators.get(schema);
    if (!check) {
      check = ajv.compile(schema);
      validators.set(schema, check);
    }
    return check(body) ? null : ajv.errorsText(check.errors);
  };
  const templates = Object.keys(resolved.paths).map((template) => ({
    template,
    pattern: templatePattern(template),
  }));
  const problems: string[] = [];
  for (const exchange of exchanges) {
    const label = `${exchange.method} ${exchange.path} -> ${exchange.status}`;
    const mediaType = exchange.contentType.split(";")[0].trim().toLowerCase();
    const method = exchange.method.toLowerCase() === "head" ? "get" : exchange.method.toLowerCase();
    // Matched as the router matches: percent escapes decoded, except those of reserved characters.
    let path = exchange.path;
    try {
      path = decodeURI(path);
    } catch {
      // Malformed escapes stay as they are (the router cannot decode them either).
    }
    const template = templates.find(({ pattern }) => pattern.test(path))?.template;
    const operation = template ? resolved.paths[template][method] : undefined;
    if (!operation) {
      if (
        exchange.status !== 404 &&
        exchange.status !== 405 &&
        !(method === "options" && exchange.status === 204)
      )
        problems.push(`${label}: undescribed request answered neither 404 nor 405`);
      else if (exchange.status !== 204) {
        const error = validate(resolved.components.schemas.Error, exchange.body);
        if (error) problems.push(`${label}: not the Error schema: ${error}`);
      }
      continue;
    }
    const response = operation.responses[String(exchange.status)];
    if (!response) {
      problems.push(`${label}: status not declared for ${method.toUpperCase()} ${template}`);
      continue;
    }
    // HEAD and 304 answers carry no body, so there is no content to check.
    if (exchange.method === "HEAD" || exchange.status === 304) continue;
    const content = response.content?.[mediaType];
    if (!content) {
      problems.push(`${label}: content type ${mediaType} not declared`);
      continue;
    }
    if (mediaType === "application/json" && content.schema) {
      const error = validate(content.schema, exchange.body);
      if (error) problems.push(`${label}: ${error}`);
    }
  }
  return problems;
}
