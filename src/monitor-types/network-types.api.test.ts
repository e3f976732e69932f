/**
 * The network protocol types (nats, smtp, udp, websocket, grpc, domain, icmp) through the API, on
 * both databases: create one monitor per type against a real server on loopback (this machine's
 * NATS, or one the test starts), check it now, and see its facts judged; secrets are write-only.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, call, checkNowAndWait, createMonitor, expectValidation, getJson } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";
import { type NetworkFixtures, startNetworkFixtures } from "./network-fixtures.test-support.ts";

interface Case {
  type: string;
  body: (f: NetworkFixtures) => Record<string, unknown>;
  /** The secret the body carries, which no response may show. */
  secret?: string;
  /** The hard assertion on one of the type's facts that must hold (listed first in the body). */
  holds: string;
}

const TOKEN = `nats-token-${process.pid}`;

const CASES: Case[] = [
  {
    type: "nats",
    secret: TOKEN,
    // The machine's server has no auth: it ignores the token, which still must stay hidden.
    body: (f) => ({
      target: "127.0.0.1:4222",
      nats: { token: TOKEN, request: { subject: f.natsSubject, payload: "hi" } },
      assertions: [
        { subject: "nats.reply", op: "==", value: "pong:hi" },
        { subject: "nats.requestMs", op: "<", value: 0, severity: "soft" },
      ],
    }),
    holds: "nats.reply",
  },
  {
    type: "smtp",
    body: (f) => ({
      target: f.smtpTarget,
      // The test server's certificate is self-signed and expires in 30 days.
      smtp: { startTls: true, verifyTls: false },
      assertions: [
        { subject: "smtp.banner", op: "contains", value: "ESMTP" },
        { subject: "cert.daysLeft", op: ">", value: 60, severity: "soft" },
      ],
    }),
    holds: "smtp.banner",
  },
  {
    type: "udp",
    body: (f) => ({
      target: f.udpTarget,
      udp: { payload: "ping", expect: "echo:ping" },
      assertions: [{ subject: "udp.replyBytes", op: ">", value: 100, severity: "soft" }],
    }),
    // The implied assertion from `expect`.
    holds: "udp.reply",
  },
  {
    type: "websocket",
    body: (f) => ({
      target: f.wsTarget,
      websocket: { send: "ping", expect: "echo:ping" },
      assertions: [{ subject: "websocket.messageMs", op: "<", value: 0, severity: "soft" }],
    }),
    holds: "websocket.message",
  },
  {
    type: "grpc",
    body: (f) => ({
      target: f.grpcTarget,
      grpc: { service: "orders.v1.Orders" },
      assertions: [
        { subject: "grpc.status", op: "==", value: "SERVING" },
        { subject: "grpc.callMs", op: "<", value: 0, severity: "soft" },
      ],
    }),
    holds: "grpc.status",
  },
  {
    type: "domain",
    // Expires in 20 days: the implied hard daysLeft > 0 holds, the soft daysLeft > warnDays fails.
    body: (f) => ({ target: "example.com", domain: { rdapServer: f.rdapServer, warnDays: 30 } }),
    holds: "domain.daysLeft > 0",
  },
  {
    type: "icmp",
    body: () => ({
      target: "127.0.0.1",
      icmp: { count: 2 },
      assertions: [
        { subject: "icmp.received", op: "==", value: 2 },
        { subject: "icmp.rttAvg", op: "<", value: 0, severity: "soft" },
      ],
    }),
    holds: "icmp.received",
  },
];

let fixtures: NetworkFixtures;
beforeAll(async () => {
  fixtures = await startNetworkFixtures();
});
afterAll(async () => {
  await fixtures?.close();
});

describe.each(DB_KINDS)("network monitor types through the API, on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind);
  });
  afterAll(async () => {
    await up?.close();
  });

  it.each(CASES)("$type: created, checked against a real server, facts judged", async (c) => {
    const body = { type: c.type, name: `${c.type} here`, paused: true, ...c.body(fixtures) };
    const m = await createMonitor(up, body);
    expect(m.type).toBe(c.type);
    const result = await checkNowAndWait(up, m.id);
    expect(result.error).toBeNull();
    // One hard assertion on a fact holds, one soft one fails: degraded, both verdicts recorded.
    expect(result.status).toBe("degraded");
    expect(result.verdicts.find((v) => v.assertion.includes(c.holds))).toMatchObject({ ok: true });
    const failed = result.verdicts.filter((v) => !v.ok);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((v) => v.severity === "soft")).toBe(true);
  });

  it.each(CASES.filter((c) => c.secret))(
    "$type: the secret is write-only and kept when sent back redacted",
    async (c) => {
      const body = { type: c.type, name: `${c.type} secret`, paused: true, ...c.body(fixtures) };
      const m = await createMonitor(up, body);
      const shown = await call(up, "GET", `${API}/monitors/${m.id}`);
      expect(shown.statusCode).toBe(200);
      expect(shown.body).not.toContain(c.secret);
      expect(shown.body).toContain("[redacted]");
      const block = shown.json<Record<string, Record<string, unknown>>>()[c.type]!;
      const patched = await call(up, "PATCH", `${API}/monitors/${m.id}`, {
        name: `${c.type} renamed`,
        [c.type]: block,
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.body).not.toContain(c.secret);
      const result = await checkNowAndWait(up, m.id);
      expect(result.error).toBeNull();
      const list = await call(up, "GET", `${API}/monitors?limit=100`);
      expect(list.body).not.toContain(c.secret);
    },
  );

  it("validates each type's settings block", async () => {
    const post = (body: Record<string, unknown>) => call(up, "POST", `${API}/monitors`, body);
    const base = (type: string, target: string, extra: Record<string, unknown>) => ({
      type,
      name: `${type} bad`,
      target,
      ...extra,
    });
    expectValidation(await post(base("nats", "127.0.0.1:4222", { nats: { request: { subject: "a.>" } } })), [
      "body.nats.request.subject",
    ]);
    expectValidation(await post(base("nats", "nats.example.com", {})), ["body.target"]);
    expectValidation(await post(base("smtp", "mx.example.com:25", { smtp: { tls: true, startTls: true } })), [
      "body.smtp.startTls",
    ]);
    expectValidation(
      await post(base("udp", "ntp.example.com:123", { udp: { payload: "0g", payloadEncoding: "hex" } })),
      ["body.udp.payload"],
    );
    expectValidation(await post(base("websocket", "https://example.com/socket", {})), ["body.target"]);
    expectValidation(
      await post(base("websocket", "wss://example.com/", { websocket: { subprotocols: ["a b"] } })),
      ["body.websocket.subprotocols.0"],
    );
    expectValidation(await post(base("grpc", "api.example.com:50051", { grpc: { service: "a b" } })), [
      "body.grpc.service",
    ]);
    expectValidation(
      await post(base("domain", "localhost", { domain: { rdapServer: "ftp://x.example/" } })),
      ["body.target", "body.domain.rdapServer"],
    );
    expectValidation(await post(base("icmp", "router.example.net", { icmp: { count: 50 } })), [
      "body.icmp.count",
    ]);
    expectValidation(await post(base("smtp", "mx.example.com:25", { smtp: { ehloName: "a b" } })), [
      "body.smtp.ehloName",
    ]);
  });

  it("lists the types' settings in the OpenAPI document", async () => {
    const doc = await getJson<Record<string, unknown>>(up, "/api/openapi.json");
    const text = JSON.stringify(doc);
    for (const c of CASES) expect(text).toContain(`"${c.type}"`);
    expect(text).toContain("nats.reply");
  });
});
