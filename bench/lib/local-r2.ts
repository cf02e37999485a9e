// Seeds wrangler dev's local R2 (the --persist-to folder) with a directory's files through Miniflare's API,
// which writes the same store as `wrangler r2 object put --local` without one wrangler start per object.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { Miniflare } from "miniflare";

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * Puts every file under each `dirs[prefix]` at key `prefix + relative path` into `bucketName`, persisted
 * under `persistTo` as `wrangler dev --persist-to persistTo` reads it. Returns the bytes written.
 */
export async function seedLocalR2(
  persistTo: string,
  bucketName: string,
  dirs: Record<string, string>,
): Promise<number> {
  const mf = new Miniflare({
    modules: true,
    script: "export default { fetch() { return new Response(null); } }",
    r2Buckets: { BUCKET: bucketName },
    r2Persist: join(persistTo, "v3", "r2"),
  });
  let bytes = 0;
  try {
    const bucket = await mf.getR2Bucket("BUCKET");
    for (const [prefix, dir] of Object.entries(dirs)) {
      for (const path of listFiles(dir)) {
        const data = readFileSync(path);
        bytes += data.byteLength;
        await bucket.put(prefix + relative(dir, path), new Uint8Array(data));
      }
    }
  } finally {
    await mf.dispose();
  }
  return bytes;
}
