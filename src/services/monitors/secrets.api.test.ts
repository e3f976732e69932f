/**
 * Monitor secrets at rest, on both databases: the stored row never holds a password, a token or
 * a credential header in clear, yet checks log in with them; rows written before sealing
 * (migration 0017 marks them) are sealed at start and keep working meanwhile.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, call, checkNowAndWait, createMonitor, monitorBody } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { sealStoredMonitorSecrets } from "./secrets.ts";

const SUFFIX = `${process.pid}-${Date.now()}`;
const REDIS_USER = `upblit-seal-${SUFFIX}`;
const REDIS_PASSWORD = `redis-Sealed-${SUFFIX}`;
const REDIS_KEY = `upblit:seal:${SUFFIX}`;
const BASIC_PASSWORD = `basic-Sealed-${SUFFIX}`;
const API_KEY_HEADER = `header-Sealed-${SUFFIX}`;
const BODY_PASSWORD = `body-Sealed-${SUFFIX}`;

let admin: Redis;
/** An HTTP target that answers 200 only to the right basic credentials and key header. */
let target: { url: string; close(): Promise<void> };

beforeAll(async () => {
  admin = new Redis({ host: "127.0.0.1", port: 6379, lazyConnect: true });
  await admin.connect();
  await admin.call(
    "ACL",
    "SETUSER",
    REDIS_USER,
    "on",
    `>${REDIS_PASSWORD}`,
    "~*",
    "-@all",
    "+@read",
    "+info",
  );
  await admin.set(REDIS_KEY, "hello");
  const expected = `Basic ${Buffer.from(`probe:${BASIC_PASSWORD}`).toString("base64")}`;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/public") {
      res.writeHead(200).end("hello");
      return;
    }
    if (req.url === "/login") {
      // A login form's JSON body: 200 only with the right password in it.
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        let ok = false;
        try {
          ok = (JSON.parse(body) as { password?: string }).password === BODY_PASSWORD;
        } catch {}
        res.writeHead(ok ? 200 : 401).end(ok ? "welcome" : "wrong password");
      });
      return;
    }
    const ok = req.headers.authorization === expected && req.headers["x-api-key"] === API_KEY_HEADER;
    res.writeHead(ok ? 200 : 401).end(ok ? "ok" : "who are you");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  target = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/private`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
afterAll(async () => {
  await admin.call("ACL", "DELUSER", REDIS_USER);
  await admin.del(REDIS_KEY);
  admin.disconnect();
  await target.close();
});

describe.each(DB_KINDS)("monitor secrets encrypted at rest, on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind);
  });
  afterAll(async () => {
    await up?.close();
  });

  const storedRow = async (id: string) => {
    const row = await up.rt.db
      .selectFrom("monitors")
      .select(["settings", "secrets_plain"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return { text: JSON.stringify(row.settings), plain: row.secrets_plain, settings: row.settings };
  };

  const redisBody = (name: string) =>
    monitorBody("redis", {
      name,
      paused: true,
      target: "127.0.0.1:6379",
      redis: { username: REDIS_USER, password: REDIS_PASSWORD, command: "GET", args: [REDIS_KEY] },
      assertions: [{ subject: "redis.reply", op: "==", value: "hello" }],
    });

  it("a redis password is stored sealed, and the check logs in with it", async () => {
    const m = await createMonitor(up, redisBody("redis sealed"));
    const row = await storedRow(m.id);
    expect(row.text).not.toContain(REDIS_PASSWORD);
    expect(row.text).toContain("$sealed");
    expect(row.plain).toBe(false);
    const result = await checkNowAndWait(up, m.id);
    expect(result.error).toBeNull();
    expect(result.status).toBe("up");
  });

  it("an update keeps the password sealed, and an unchanged one is not audited as changed", async () => {
    const m = await createMonitor(up, redisBody("redis update"));
    const patched = await call(up, "PATCH", `${API}/monitors/${m.id}`, {
      name: "redis renamed",
      redis: { command: "GET", args: [REDIS_KEY] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await storedRow(m.id)).text).not.toContain(REDIS_PASSWORD);
    expect((await checkNowAndWait(up, m.id)).status).toBe("up");
    const audit = await call(up, "GET", `${API}/audit-log?limit=50`);
    const entry = audit
      .json<{ items: Array<{ action: string; target: { id: string }; summary: { fields?: string[] } }> }>()
      .items.find((e) => e.action === "monitor.update" && e.target.id === m.id);
    expect(entry?.summary.fields).toEqual(["name"]);
  });

  it("http basic credentials and credential headers are sealed; the check sends them", async () => {
    const m = await createMonitor(
      up,
      monitorBody("http", {
        name: "http sealed",
        paused: true,
        target: target.url,
        http: {
          headers: { "X-Api-Key": API_KEY_HEADER, Accept: "text/plain" },
          auth: { type: "basic", username: "probe", password: BASIC_PASSWORD },
        },
      }),
    );
    const row = await storedRow(m.id);
    expect(row.text).not.toContain(BASIC_PASSWORD);
    expect(row.text).not.toContain(API_KEY_HEADER);
    // Only secrets are sealed: the rest stays readable.
    expect(row.text).toContain("text/plain");
    const result = await checkNowAndWait(up, m.id);
    expect(result.status).toBe("up");
  });

  it("a multistep step's body with a password is sealed, shown redacted and kept on edit", async () => {
    const body = JSON.stringify({ user: "probe", password: BODY_PASSWORD });
    const steps = [
      {
        name: "log in",
        method: "POST",
        url: "/login",
        headers: { "Content-Type": "application/json" },
        body,
        assertions: [{ subject: "status", op: "==", value: 200 }],
      },
      { name: "public", method: "POST", url: "/public", body: "q=1&page=2" },
    ];
    const m = await createMonitor(up, {
      type: "multistep",
      name: "multistep sealed",
      paused: true,
      target: target.url,
      multistep: { steps },
    });
    const row = await storedRow(m.id);
    expect(row.text).not.toContain(BODY_PASSWORD);
    expect(row.text).toContain("$sealed");
    // A body without a credential-like field stays readable.
    expect(row.text).toContain("q=1&page=2");
    expect((await checkNowAndWait(up, m.id)).status).toBe("up");

    const shown = await call(up, "GET", `${API}/monitors/${m.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toContain(BODY_PASSWORD);
    const block = shown.json<{ multistep: { steps: Array<{ name: string; body?: string }> } }>().multistep;
    expect(block.steps[0]?.body).toBe("[redacted]");
    expect(block.steps[1]?.body).toBe("q=1&page=2");

    // Sent back as shown, with only the step's name retyped: the stored body is kept.
    block.steps[0]!.name = "sign in";
    const patched = await call(up, "PATCH", `${API}/monitors/${m.id}`, { multistep: block });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.body).not.toContain(BODY_PASSWORD);
    const after = await storedRow(m.id);
    expect(after.text).not.toContain(BODY_PASSWORD);
    expect(after.text).toContain("sign in");
    const result = await checkNowAndWait(up, m.id);
    expect(result.error).toBeNull();
    expect(result.status).toBe("up");
  });

  it("a row written before sealing works as it is, and is sealed at start", async () => {
    const m = await createMonitor(up, redisBody("redis legacy"));
    // The row as migration 0017 leaves an older one: the password in clear, marked plain.
    const settings = {
      redis: {
        username: REDIS_USER,
        password: REDIS_PASSWORD,
        database: 0,
        command: "GET",
        args: [REDIS_KEY],
        tls: false,
        verifyTls: true,
      },
    };
    await up.rt.db
      .updateTable("monitors")
      .set({ settings: JSON.stringify(settings), secrets_plain: true, updated_at: sql`now()` })
      .where("id", "=", m.id)
      .execute();
    expect((await storedRow(m.id)).text).toContain(REDIS_PASSWORD);
    expect((await checkNowAndWait(up, m.id)).status).toBe("up");

    expect(await sealStoredMonitorSecrets(up.rt, 1)).toBeGreaterThanOrEqual(1);
    const row = await storedRow(m.id);
    expect(row.text).not.toContain(REDIS_PASSWORD);
    expect(row.plain).toBe(false);
    expect(await sealStoredMonitorSecrets(up.rt)).toBe(0);
    // The scheduler reads the monitor again when its revision moves; check now reads it at once.
    expect((await checkNowAndWait(up, m.id)).status).toBe("up");
    const shown = await call(up, "GET", `${API}/monitors/${m.id}`);
    expect(shown.json<{ redis: { password: string } }>().redis.password).toBe("[redacted]");
  });
});
