import path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./upblit-child.ts";

/**
 * Upblit's compiled modules (dist/, what `npm start` runs; `npm run bench:alerts` builds it first),
 * typed by their sources. The bench runs Upblit in its own process, so it imports them rather than
 * the sources under tsx: the code measured is the code shipped.
 */
export interface Dist {
  main: typeof import("../../src/main.ts");
  config: typeof import("../../src/config/load.ts");
  logger: typeof import("../../src/lib/logger.ts");
  recordResults: typeof import("../../src/services/checks/record-results.ts");
  outbound: typeof import("../../src/notify/outbound.ts");
  webhook: typeof import("../../src/notify/channels/webhook.ts");
  rateLimits: typeof import("../../src/services/rate-limit/settings.ts");
}

/** Another build to measure instead (a copy of dist/ for an A/B run), as UPBLIT_BENCH_ENTRY is for bench:checks. */
const DIST_DIR = process.env.UPBLIT_BENCH_DIST ?? "dist";

function load<T>(relative: string): Promise<T> {
  return import(pathToFileURL(path.resolve(REPO_ROOT, DIST_DIR, relative)).href) as Promise<T>;
}

/** Loads the compiled modules the alert benchmark drives. */
export async function loadDist(): Promise<Dist> {
  return {
    main: await load("main.js"),
    config: await load("config/load.js"),
    logger: await load("lib/logger.js"),
    recordResults: await load("services/checks/record-results.js"),
    outbound: await load("notify/outbound.js"),
    webhook: await load("notify/channels/webhook.js"),
    rateLimits: await load("services/rate-limit/settings.js"),
  };
}
