import { existsSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";

/**
 * Runs initdb for a new PGlite data folder in a worker thread (see pglite-init.worker.mjs), so the
 * main process never holds initdb's memory. Does nothing for an existing folder or `memory://`.
 */
export async function initPgliteDataDir(dataDir: string): Promise<void> {
  if (dataDir === "memory://" || existsSync(path.join(dataDir, "PG_VERSION"))) return;
  const worker = new Worker(new URL("./pglite-init.worker.mjs", import.meta.url), {
    workerData: { dataDir },
  });
  await new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`creating the database in ${dataDir} failed (exit ${code})`)),
    );
  });
}
