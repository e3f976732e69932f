import { readFileSync, writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import { withRouteTable } from "../api/permissions-doc.ts";
import { loadConfig } from "../config/load.ts";
import { createLogger } from "../lib/logger.ts";
import { startUpblit } from "../main.ts";

/**
 * Rewrites the route table in docs/permissions.md from the routes an API-only instance (on an
 * in-memory database) registers.
 */
export async function writePermissionsDocs(file: string): Promise<number> {
  const config = loadConfig({ DATA_DIR: "memory://", UPBLIT_ROLES: "api", LOG_LEVEL: "silent" });
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  const running = await startUpblit(config, createLogger("silent", quiet), { listen: false });
  try {
    const table = running.app!.routeAuthTable;
    writeFileSync(file, withRouteTable(readFileSync(file, "utf8"), table));
    return table.length;
  } finally {
    await running.stop();
  }
}
