// Worker tests: run inside workerd (Workers Vitest pool) against wrangler.toml, with real ONNX Runtime Web.
// The fixture model and index are generated here in Node and served to the tests through FIXTURES; the
// OpenAPI validators run here too (OPENAPI_CHECK), on documents and responses the tests send.
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { fixtureIndex, fixtureModel } from "../test/fixtures/factory.ts";
import { checkDocument, checkExchanges, type Exchange } from "./test/openapi-check.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURE_DIR = mkdtempSync(join(tmpdir(), "clip-worker-fixture-"));
fixtureModel({ kind: "tiny-edge", dir: join(FIXTURE_DIR, "model") });
await fixtureIndex({ kind: "tiny", dir: join(FIXTURE_DIR, "index") });

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [relative(FIXTURE_DIR, path)];
  });
}

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: join(ROOT, "wrangler.toml") },
      miniflare: {
        // The pointer is read on every request: tests switch deployments and look at once.
        bindings: { RATE_LIMIT: "off", DEPLOYMENT_CHECK_SEC: "0" },
        serviceBindings: {
          // GET / lists the fixture files; GET /<path> returns one.
          FIXTURES: async (request: Request) => {
            const name = decodeURIComponent(new URL(request.url).pathname.slice(1));
            if (name === "") return Response.json(listFiles(FIXTURE_DIR));
            return new Response(readFileSync(join(FIXTURE_DIR, name)));
          },
          // POST /document {document} -> checkDocument; POST /exchanges {document, exchanges} -> problems.
          OPENAPI_CHECK: async (request: Request) => {
            const { document, exchanges } = (await request.json()) as {
              document: Record<string, unknown>;
              exchanges: Exchange[];
            };
            const path = new URL(request.url).pathname;
            if (path === "/document") return Response.json(await checkDocument(document));
            return Response.json(await checkExchanges(document, exchanges));
          },
        },
      },
    }),
  ],
  test: { root: ROOT, include: ["worker/**/*.test.ts"], testTimeout: 30_000 },
});
