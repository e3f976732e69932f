import { Writable } from "node:stream";
import { loadConfig } from "../config/load.ts";
import { createLogger } from "../lib/logger.ts";
import { type Running, type StartOptions, startUpblit } from "../main.ts";
import { createTestDatabase, type TestDbKind } from "./db.ts";

export interface TestUpblit extends Running {
  /** Log lines written so far, parsed. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/**
 * Starts Upblit in-process on a fresh database for a test: every role by default, no port bound
 * (use `app.inject`). `env` overrides settings, e.g. { UPBLIT_ROLES: "api" }.
 */
export async function startTestUpblit(
  kind: TestDbKind,
  env: Record<string, string> = {},
  options: StartOptions & { databaseUrlFor?: (url: string) => string } = {},
): Promise<TestUpblit> {
  const database = await createTestDatabase(kind);
  const url =
    database.databaseUrl && (options.databaseUrlFor?.(database.databaseUrl) ?? database.databaseUrl);
  const config = loadConfig({
    DATA_DIR: database.dataDir,
    ...(url ? { DATABASE_URL: url } : {}),
    ALLOW_PRIVATE_TARGETS: "true",
    MIN_INTERVAL_SECONDS: "1",
    LOG_LEVEL: "info",
    SHUTDOWN_TIMEOUT_SECONDS: "5",
    ...env,
  });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n")) if (line) logs.push(JSON.parse(line));
      done();
    },
  });
  const running = await startUpblit(config, createLogger(config.log.level, sink), {
    listen: false,
    ...options,
  });
  return {
    ...running,
    logs,
    close: async () => {
      await running.stop();
      await database.drop();
    },
  };
}
