/**
 * The client-library types through the API, on both databases: create one monitor per type
 * against this machine's real server, check it now, and see its facts judged; the password is
 * write-only (shown as [redacted], kept when sent back so).
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  call,
  checkNowAndWait,
  createMonitor,
  expectValidation,
  getJson,
  monitorBody,
} from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const SUFFIX = `${process.pid}-${Date.now()}`;
const REDIS_USER = `upblit-api-${SUFFIX}`;
const REDIS_PASSWORD = `redis-pw-${SUFFIX}`;
const REDIS_KEY = `upblit:api:${SUFFIX}`;

interface Case {
  type: string;
  body: Record<string, unknown>;
  /** The secret the body carries, which no response may show. */
  secret?: string;
  /** The assertion on one of the type's facts that must hold. */
  holds: string;
}

const CASES: Case[] = [
  {
    type: "postgres",
    secret: "pg-Secret-4711",
    body: {
      target: "127.0.0.1:5432",
      // Trust authentication here accepts any password; it still travels and must stay hidden.
      postgres: {
        database: "test",
        username: "postgres",
        password: "pg-Secret-4711",
        query: "SELECT 41 + 1",
      },
      assertions: [
        { subject: "postgres.result", op: "==", value: 42 },
        { subject: "postgres.rows", op: ">", value: 5, severity: "soft" },
      ],
    },
    holds: "postgres.result",
  },
  {
    type: "mysql",
    body: {
      target: "127.0.0.1:3306",
      mysql: { database: "test", username: "root", query: "SELECT 6 * 7" },
      assertions: [
        { subject: "mysql.result", op: "==", value: 42 },
        { subject: "mysql.rows", op: ">", value: 5, severity: "soft" },
      ],
    },
    holds: "mysql.result",
  },
  {
    type: "redis",
    secret: REDIS_PASSWORD,
    body: {
      target: "127.0.0.1:6379",
      redis: { username: REDIS_USER, password: REDIS_PASSWORD, command: "GET", args: [REDIS_KEY] },
      assertions: [
        { subject: "redis.reply", op: "==", value: "hello" },
        { subject: "redis.commandMs", op: "<", value: 0, severity: "soft" },
      ],
    },
    holds: "redis.reply",
  },
  {
    type: "rabbitmq",
    // guest/guest: the user name is the password, so it cannot be looked for in responses.
    body: {
      target: "127.0.0.1:5672",
      rabbitmq: { username: "guest", password: "guest" },
      assertions: [
        { subject: "rabbitmq.product", op: "==", value: "RabbitMQ" },
        { subject: "rabbitmq.messages", op: "exists", severity: "soft" },
      ],
    },
    holds: "rabbitmq.product",
  },
  {
    type: "mqtt",
    body: {
      target: "127.0.0.1:1883",
      mqtt: { topic: `upblit/api-test/${SUFFIX}` },
      assertions: [
        { subject: "mqtt.roundTripMs", op: ">=", value: 0 },
        { subject: "mqtt.roundTripMs", op: "<", value: 0, severity: "soft" },
      ],
    },
    holds: "mqtt.roundTripMs",
  },
];

let admin: Redis;
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
});
afterAll(async () => {
  await admin.call("ACL", "DELUSER", REDIS_USER);
  await admin.del(REDIS_KEY);
  admin.disconnect();
});

describe.each(DB_KINDS)("database and broker monitor types through the API, on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind);
  });
  afterAll(async () => {
    await up?.close();
  });

  it.each(CASES)("$type: created, checked against the real server, facts judged", async (c) => {
    const m = await createMonitor(
      up,
      monitorBody(c.type, { name: `${c.type} here`, paused: true, ...c.body }),
    );
    expect(m.type).toBe(c.type);
    const result = await checkNowAndWait(up, m.id);
    expect(result.error).toBeNull();
    // One hard assertion on a fact holds, one soft one fails: degraded, both verdicts recorded.
    expect(result.status).toBe("degraded");
    expect(result.verdicts).toHaveLength(2);
    expect(result.verdicts[0]).toMatchObject({ assertion: expect.stringContaining(c.holds), ok: true });
    expect(result.verdicts[1]).toMatchObject({ ok: false, severity: "soft" });
  });

  it.each(CASES.filter((c) => c.secret))(
    "$type: the password is write-only and kept when sent back redacted",
    async (c) => {
      const m = await createMonitor(
        up,
        monitorBody(c.type, { name: `${c.type} secret`, paused: true, ...c.body }),
      );
      const shown = await call(up, "GET", `${API}/monitors/${m.id}`);
      expect(shown.statusCode).toBe(200);
      expect(shown.body).not.toContain(c.secret);
      const block = shown.json<Record<string, Record<string, unknown>>>()[c.type]!;
      expect(block.password).toBe("[redacted]");
      // A client that sends back what it was shown keeps the stored password.
      const patched = await call(up, "PATCH", `${API}/monitors/${m.id}`, {
        name: `${c.type} renamed`,
        [c.type]: block,
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.body).not.toContain(c.secret);
      const result = await checkNowAndWait(up, m.id);
      expect(result.error).toBeNull();
      expect(result.verdicts[0]?.ok).toBe(true);
      const list = await call(up, "GET", `${API}/monitors?limit=100`);
      expect(list.body).not.toContain(c.secret);
    },
  );

  it("a wrong password is a down result with the server's words, never the password", async () => {
    const wrong = `${REDIS_PASSWORD}-wrong`;
    const m = await createMonitor(
      up,
      monitorBody("redis", {
        name: "redis wrong",
        paused: true,
        target: "127.0.0.1:6379",
        redis: { username: REDIS_USER, password: wrong },
      }),
    );
    const result = await checkNowAndWait(up, m.id);
    expect(result.status).toBe("down");
    expect(result.error?.kind).toBe("protocol");
    expect(result.error?.message).toContain("WRONGPASS");
    const results = await call(up, "GET", `${API}/monitors/${m.id}/results`);
    expect(results.body).not.toContain(wrong);
  });

  it("validates each type's settings block", async () => {
    const post = (body: Record<string, unknown>) => call(up, "POST", `${API}/monitors`, body);
    expectValidation(await post(monitorBody("postgres", { postgres: {} })), ["body.postgres.username"]);
    expectValidation(await post(monitorBody("mysql", { mysql: { username: "a", drop: true } })), [
      "body.mysql.drop",
    ]);
    expectValidation(await post(monitorBody("redis", { redis: { command: "FLUSHALL" } })), [
      "body.redis.command",
    ]);
    expectValidation(await post(monitorBody("rabbitmq", { rabbitmq: { username: "a\u0000b" } })), [
      "body.rabbitmq.username",
    ]);
    expectValidation(await post(monitorBody("postgres", { target: "db.example.com" })), ["body.target"]);
    expectValidation(await post(monitorBody("mqtt", { mqtt: { topic: "sensors/#" } })), ["body.mqtt.topic"]);
  });

  it("lists the types' settings as their own OpenAPI schemas", async () => {
    const doc = await getJson<{ components: { schemas: Record<string, unknown> } }>(up, "/api/openapi.json");
    const text = JSON.stringify(doc);
    for (const c of CASES) expect(text).toContain(`"${c.type}"`);
    expect(text).toContain("postgres.result");
  });
});
