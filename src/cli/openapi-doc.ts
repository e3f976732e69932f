import { Writable } from "node:stream";
import type { RouteAuthEntry } from "../api/plugins/auth.ts";
import { loadConfig } from "../config/load.ts";
import { createLogger } from "../lib/logger.ts";
import { startUpblit } from "../main.ts";

/**
 * The OpenAPI document of this build, from an API-only instance on an in-memory database (no
 * port bound). The dashboard's typed client is generated from it (`npm run gen:api`).
 */
export async function openApiDocument(): Promise<unknown> {
  return (await servedApi()).document;
}

/** The document and the route table (method, url, auth) of the same default-configured instance. */
export async function servedApi(): Promise<{ document: unknown; routes: readonly RouteAuthEntry[] }> {
  const config = loadConfig({ DATA_DIR: "memory://", UPBLIT_ROLES: "api", LOG_LEVEL: "silent" });
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  const running = await startUpblit(config, createLogger("silent", quiet), { listen: false });
  try {
    await running.app!.ready();
    return { document: running.app!.swagger(), routes: running.app!.routeAuthTable };
  } finally {
    await running.stop();
  }
}
