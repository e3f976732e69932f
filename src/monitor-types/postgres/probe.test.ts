import pg from "pg";
import { describe, expect, it } from "vitest";
import { scaledTimeout } from "../../test/patience.ts";
import { REDACTED } from "../client-redact.ts";
import { PRIVATE_OK } from "../client-servers.test-support.ts";
import { describeTargetSafety } from "../client-target-cases.test-support.ts";
import { type PostgresCheckSpec, type PostgresSettings, probePostgres } from "./probe.ts";

// The PostgreSQL server of this machine (docs/development.md): trust auth, database `test`.
const SERVER = "127.0.0.1:5432";
const TABLE = "upblit_probe_readonly";

/** A check that should succeed gets time stretched by the load; the deadline tests pass a short one. */
function spec(
  settings: Partial<PostgresSettings> = {},
  target = SERVER,
  timeoutMs?: number,
): PostgresCheckSpec {
  const postgres = { database: "test", username: "postgres", tls: false, verifyTls: true, ...settings };
  return { target, timeoutMs: timeoutMs ?? scaledTimeout(10_000), postgres };
}

async function tableExists(): Promise<boolean> {
  const client = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:5432/test" });
  await client.connect();
  try {
    const result = await client.query("SELECT to_regclass($1) IS NOT NULL AS present", [TABLE]);
    return result.rows[0].present === true;
  } finally {
    await client.end();
  }
}

describe("probePostgres against the real server", () => {
  it("connects, authenticates and reports the server version and connect time", async () => {
    const obs = await probePostgres(spec(), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.facts?.["postgres.version"]).toMatch(/^\d+\.\d+/);
    expect(obs.timings.connect).toBeGreaterThan(0);
    expect(obs.timings.connect!).toBeLessThanOrEqual(obs.timings.total);
    expect(obs.facts?.["postgres.result"]).toBeUndefined();
  });

  it("resolves a hostname and runs the query, reporting its first value and row count", async () => {
    const obs = await probePostgres(
      spec({ query: "SELECT 41 + 1 AS answer UNION ALL SELECT 7" }, "localhost:5432"),
      PRIVATE_OK,
    );
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["postgres.result"]).toBe("42");
    expect(obs.facts?.["postgres.rows"]).toBe(2);
    expect(obs.facts?.["postgres.queryMs"]).toBeGreaterThan(0);
  });

  it("reports a NULL or an empty answer as null", async () => {
    const obs = await probePostgres(spec({ query: "SELECT 1 WHERE false" }), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["postgres.result"]).toBeNull();
    expect(obs.facts?.["postgres.rows"]).toBe(0);
  });

  it("runs the query read-only: a write fails the check and leaves nothing behind", async () => {
    const obs = await probePostgres(spec({ query: `CREATE TABLE ${TABLE} (a int)` }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toContain("read-only");
    expect(await tableExists()).toBe(false);
  });

  it("runs one statement only, so a COMMIT cannot end the read-only transaction", async () => {
    const obs = await probePostgres(spec({ query: `COMMIT; CREATE TABLE ${TABLE} (a int)` }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(await tableExists()).toBe(false);
  });

  it("reports the server's refusal (unknown database) in its words", async () => {
    const obs = await probePostgres(spec({ database: "upblit_no_such_db" }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toContain('database "upblit_no_such_db" does not exist');
  });

  it("never lets the password reach the result, even when the server echoes it", async () => {
    const secret = "s3cret-Pa55word";
    const obs = await probePostgres(spec({ username: secret, password: secret }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toContain(REDACTED);
    expect(JSON.stringify(obs)).not.toContain(secret);
  });

  it("fails as tls when TLS is asked for and the server does not offer it", async () => {
    const obs = await probePostgres(spec({ tls: true }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("tls");
  });

  it("stops a query at the deadline", async () => {
    const obs = await probePostgres(spec({ query: "SELECT pg_sleep(30)" }, SERVER, 1_500), PRIVATE_OK);
    expect(obs.error?.kind).toBe("timeout");
  });
});

describeTargetSafety("postgres", 5432, (target, options, timeoutMs) =>
  probePostgres(spec({}, target, timeoutMs), options),
);
