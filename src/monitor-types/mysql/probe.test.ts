import mysql from "mysql2/promise";
import { describe, expect, it } from "vitest";
import { scaledTimeout } from "../../test/patience.ts";
import { REDACTED } from "../client-redact.ts";
import { PRIVATE_OK } from "../client-servers.test-support.ts";
import { describeTargetSafety } from "../client-target-cases.test-support.ts";
import { type MysqlCheckSpec, type MysqlSettings, probeMysql } from "./probe.ts";

// The MariaDB server of this machine (docs/development.md): root, empty password, database `test`.
const SERVER = "127.0.0.1:3306";
const TABLE = "upblit_probe_readonly";

/** A check that should succeed gets time stretched by the load; the deadline tests pass a short one. */
function spec(settings: Partial<MysqlSettings> = {}, target = SERVER, timeoutMs?: number): MysqlCheckSpec {
  const settingsWithDefaults = {
    database: "test",
    username: "root",
    tls: false,
    verifyTls: true,
    ...settings,
  };
  return { target, timeoutMs: timeoutMs ?? scaledTimeout(10_000), mysql: settingsWithDefaults };
}

async function tableExists(): Promise<boolean> {
  const connection = await mysql.createConnection({ host: "127.0.0.1", user: "root", database: "test" });
  try {
    const [rows] = await connection.query("SHOW TABLES LIKE ?", [TABLE]);
    return (rows as unknown[]).length > 0;
  } finally {
    await connection.end();
  }
}

describe("probeMysql against the real server (MariaDB)", () => {
  it("connects, authenticates and reports the server version and connect time", async () => {
    const obs = await probeMysql(spec(), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.remoteAddress).toBe("127.0.0.1");
    expect(obs.facts?.["mysql.version"]).toMatch(/^\d+\.\d+.*MariaDB/);
    expect(obs.timings.connect).toBeGreaterThan(0);
    expect(obs.timings.connect!).toBeLessThanOrEqual(obs.timings.total);
    expect(obs.facts?.["mysql.result"]).toBeUndefined();
  });

  it("resolves a hostname and runs the query, reporting its first value and row count", async () => {
    const obs = await probeMysql(
      spec({ query: "SELECT 41 + 1 UNION ALL SELECT 7" }, "localhost:3306"),
      PRIVATE_OK,
    );
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["mysql.result"]).toBe("42");
    expect(obs.facts?.["mysql.rows"]).toBe(2);
    expect(obs.facts?.["mysql.queryMs"]).toBeGreaterThan(0);
  });

  it("reports no row or a NULL as null", async () => {
    const obs = await probeMysql(spec({ query: "SELECT NULL" }), PRIVATE_OK);
    expect(obs.error).toBeUndefined();
    expect(obs.facts?.["mysql.result"]).toBeNull();
    expect(obs.facts?.["mysql.rows"]).toBe(1);
  });

  it("runs the query read-only: a write fails the check and leaves nothing behind", async () => {
    const setup = await mysql.createConnection({ host: "127.0.0.1", user: "root", database: "test" });
    await setup.query(`CREATE TABLE IF NOT EXISTS ${TABLE}_target (a int) ENGINE=InnoDB`);
    await setup.end();
    const obs = await probeMysql(spec({ query: `INSERT INTO ${TABLE}_target VALUES (1)` }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toMatch(/READ ONLY/i);
    const check = await mysql.createConnection({ host: "127.0.0.1", user: "root", database: "test" });
    const [rows] = await check.query(`SELECT count(*) AS n FROM ${TABLE}_target`);
    await check.query(`DROP TABLE ${TABLE}_target`);
    await check.end();
    expect((rows as Array<{ n: number }>)[0]?.n).toBe(0);
  });

  it("runs one statement only, so a COMMIT cannot end the read-only transaction", async () => {
    const obs = await probeMysql(spec({ query: `COMMIT; CREATE TABLE ${TABLE} (a int)` }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(await tableExists()).toBe(false);
  });

  it("reports the server's refusal (unknown database) in its words", async () => {
    const obs = await probeMysql(spec({ database: "upblit_no_such_db" }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toContain("upblit_no_such_db");
    expect(obs.error?.message).toContain("ER_BAD_DB_ERROR");
  });

  it("never lets the password reach the result, even when the server echoes it", async () => {
    const secret = "s3cret-Pa55word";
    const obs = await probeMysql(spec({ username: secret, password: secret }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("protocol");
    expect(obs.error?.message).toContain(REDACTED);
    expect(JSON.stringify(obs)).not.toContain(secret);
  });

  it("fails as tls when TLS is asked for and the server does not offer it", async () => {
    const obs = await probeMysql(spec({ tls: true }), PRIVATE_OK);
    expect(obs.error?.kind).toBe("tls");
  });

  it("stops a query at the deadline", async () => {
    const obs = await probeMysql(spec({ query: "SELECT SLEEP(30)" }, SERVER, 1_500), PRIVATE_OK);
    expect(obs.error?.kind).toBe("timeout");
  });
});

describeTargetSafety("mysql", 3306, (target, options, timeoutMs) =>
  probeMysql(spec({}, target, timeoutMs), options),
);
