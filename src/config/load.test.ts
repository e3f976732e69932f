import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { RATE_LIMITS, withApiLimits } from "../services/rate-limit/settings.ts";
import { ConfigError, loadConfig } from "./load.ts";

function problems(env: Record<string, string>, file?: string): string[] {
  try {
    loadConfig(env, file);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("loadConfig", () => {
  it("applies documented defaults", () => {
    const c = loadConfig({});
    expect(c.http).toEqual({ port: 3000, host: "127.0.0.1", bodyLimitBytes: 262_144, trustProxy: false });
    expect(c.db).toEqual({ driver: "pglite", dataDir: path.resolve("./data"), sharedBuffersMb: 16 });
    expect([...c.roles]).toEqual(["api", "scheduler", "probe", "evaluator", "notifier"]);
    expect(c.probe.allowPrivateTargets).toBe(false);
    expect(c.retention).toEqual({ rawDays: 30, rollupDays: 400, auditDays: 365 });
    expect(c.auth).toEqual({
      secretKey: undefined,
      publicUrl: "http://127.0.0.1:3000",
      sessionMaxDays: 30,
    });
    expect(c.mail.smtpUrl).toBeUndefined();
    expect(c.redis).toBeUndefined();
    expect(c.heapGrowingPercent).toBe(50);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("reads the per-minute API rate limits, which replace only the API part of the limiter's defaults", () => {
    expect(loadConfig({}).apiRateLimits).toEqual({ perKey: 600, perUser: 1_200 });
    const c = loadConfig({ API_RATE_LIMIT_PER_KEY: "5000", API_RATE_LIMIT_PER_USER: "9000" });
    const settings = withApiLimits(c.apiRateLimits);
    expect(settings.api).toEqual({
      perKey: { limit: 5_000, seconds: 60 },
      perUser: { limit: 9_000, seconds: 60 },
    });
    expect(settings.credentials).toEqual(RATE_LIMITS.credentials);
    expect(problems({ API_RATE_LIMIT_PER_KEY: "0" })[0]).toMatch(/^API_RATE_LIMIT_PER_KEY="0": /);
  });

  it("chooses PostgreSQL when DATABASE_URL is set", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://u@h/db" }).db).toEqual({
      driver: "postgres",
      url: "postgres://u@h/db",
    });
  });

  it("reports every wrong value, one line each", () => {
    const found = problems({
      PORT: "70000",
      LOG_LEVEL: "loud",
      ALLOW_PRIVATE_TARGETS: "yes",
      DATABASE_URL: "mysql://x",
      ROLLUP_RETENTION_DAYS: "30",
      UPBLIT_ROLES: "api,web",
    });
    expect(found).toHaveLength(6);
    for (const name of [
      "PORT",
      "LOG_LEVEL",
      "ALLOW_PRIVATE_TARGETS",
      "DATABASE_URL",
      "ROLLUP_RETENTION_DAYS",
      "UPBLIT_ROLES",
    ]) {
      expect(found.some((p) => p.startsWith(`${name}=`))).toBe(true);
    }
  });

  it("reads a JSON config file, with the environment winning and unknown keys refused", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "upblit-config-"));
    const file = path.join(dir, "upblit.json");
    writeFileSync(file, JSON.stringify({ PORT: 4100, REGION: "eu-west", LOG_LEVEL: "debug" }));
    const c = loadConfig({ LOG_LEVEL: "warn" }, file);
    expect(c.http.port).toBe(4100);
    expect(c.region).toBe("eu-west");
    expect(c.log.level).toBe("warn");
    writeFileSync(file, JSON.stringify({ PORTT: 1 }));
    expect(problems({}, file)).toEqual([`PORTT (in ${file}): unknown setting`]);
    writeFileSync(file, "{not json");
    expect(problems({}, file)[0]).toMatch(/^config file .*upblit\.json: /);
  });
});

describe("loadConfig: accounts settings", () => {
  it("derives the public URL from HOST and PORT, and refuses a short SECRET_KEY and a path in PUBLIC_URL", () => {
    expect(loadConfig({ HOST: "0.0.0.0", PORT: "8080" }).auth.publicUrl).toBe("http://localhost:8080");
    expect(loadConfig({ PUBLIC_URL: "https://up.example.com/" }).auth.publicUrl).toBe(
      "https://up.example.com",
    );
    expect(() => loadConfig({ SECRET_KEY: "short" })).toThrow(/SECRET_KEY.*at least 32/);
    expect(() => loadConfig({ PUBLIC_URL: "https://up.example.com/path" })).toThrow(/PUBLIC_URL/);
    expect(() => loadConfig({ SMTP_URL: "http://mail" })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ REDIS_URL: "localhost:6379" })).toThrow(/REDIS_URL/);
  });
});
