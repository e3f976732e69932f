import { Writable } from "node:stream";
import { loadConfig } from "../config/load.ts";
import { ROLE_PERMISSIONS, SCOPES } from "../domain/permissions.ts";
import { createLogger } from "../lib/logger.ts";
import { type Running, type StartOptions, startUpblit } from "../main.ts";
import { createUserWithRole } from "../services/accounts/users.ts";
import { createApiKey } from "../services/api-keys/api-keys.ts";
import type { Ctx } from "../services/context.ts";
import { RATE_LIMITS, type RateLimitSettings } from "../services/rate-limit/settings.ts";
import { createTestDatabase, type TestDbKind } from "./db.ts";

/**
 * Tests send many sign-ins from one address (127.0.0.1); outside the rate-limit tests, which pass
 * their own settings, the limits are raised so they never decide a test's outcome.
 */
export const ROOMY_RATE_LIMITS: RateLimitSettings = {
  ...RATE_LIMITS,
  credentials: {
    ...RATE_LIMITS.credentials,
    account: { free: 10_000, memorySeconds: 60 },
    ip: { free: 100_000, memorySeconds: 60 },
    requestsPerIp: { limit: 100_000, seconds: 60 },
  },
  mail: { perEmail: { limit: 10_000, seconds: 60 }, perIp: { limit: 100_000, seconds: 60 } },
  api: { perKey: { limit: 1_000_000, seconds: 60 }, perUser: { limit: 1_000_000, seconds: 60 } },
};

export const OWNER = { email: "owner@example.com", password: "correct horse battery" } as const;

export interface TestUpblit extends Running {
  /** Log lines written so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The owner's organization (made at start unless `bootstrap: false`). */
  organizationId: string;
  ownerId: string;
  /** An API key of the owner with every scope; `call()` sends it unless told otherwise. */
  apiKey: string;
  /** The owner's context, for tests that call services directly. */
  ctx: Ctx;
  close(): Promise<void>;
}

/**
 * Starts Upblit in-process on a fresh database for a test: every role by default, no port bound
 * (use `app.inject`). `env` overrides settings, e.g. { UPBLIT_ROLES: "api" }.
 */
export async function startTestUpblit(
  kind: TestDbKind,
  env: Record<string, string> = {},
  options: StartOptions & { databaseUrlFor?: (url: string) => string; bootstrap?: boolean } = {},
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
    rateLimits: ROOMY_RATE_LIMITS,
    ...options,
  });
  let organizationId = "";
  let ownerId = "";
  let apiKey = "";
  let ctx = { ...running.rt, organizationId, actor: { kind: "system" } } as Ctx;
  if (options.bootstrap !== false) {
    const owner = await createUserWithRole(running.rt, { ...OWNER, role: "owner" });
    organizationId = owner.organizationId;
    ownerId = owner.userId;
    ctx = {
      ...running.rt,
      organizationId,
      actor: {
        kind: "user",
        userId: ownerId,
        email: OWNER.email,
        sessionId: "",
        role: "owner",
        permissions: ROLE_PERMISSIONS.owner,
      },
    };
    apiKey = (await createApiKey(ctx, { name: "tests", scopes: [...SCOPES] })).token;
  }
  return {
    ...running,
    organizationId,
    ownerId,
    apiKey,
    ctx,
    logs,
    close: async () => {
      await running.stop();
      await database.drop();
    },
  };
}
