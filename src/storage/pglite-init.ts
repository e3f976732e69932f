import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { unpackPgliteTemplate } from "./pglite-template.ts";

/**
 * Creates a new PGlite data folder: unpacks the template the build made (pglite-template.ts), or,
 * without one (sources never built), runs initdb in a worker thread (see pglite-init.worker.mjs),
 * so the main process never holds initdb's memory. Does nothing for an existing folder or
 * `memory://`. Returns how the folder was made.
 */
export async function initPgliteDataDir(
  dataDir: string,
  template?: string,
): Promise<"existing" | "template" | "initdb"> {
  if (dataDir === "memory://" || existsSync(path.join(dataDir, "PG_VERSION"))) return "existing";
  if (await unpackPgliteTemplate(dataDir, template)) return "template";
  const worker = new Worker(new URL("./pglite-init.worker.mjs", import.meta.url), {
    workerData: { dataDir },
  });
  await new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`creating the database in ${dataDir} failed (exit ${code})`)),
    );
  });
  return "initdb";
}
