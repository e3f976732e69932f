import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordResults } from "../services/checks/record-results.ts";
import { API, call, createMonitor, monitorBody, waitFor } from "../test/api-helpers.ts";
import { type Receiver, startReceiver } from "../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

/**
 * Two notifier processes on one PostgreSQL outbox deliver each notification once between them.
 * The delivery pipeline itself is tested in alerting.api.test.ts.
 */
const SECRET = `whsec_${Buffer.from("a test signing secret of 32 bytes").toString("base64")}`;

describe("two notifier processes sharing one outbox on the PostgreSQL server", () => {
  let a: TestUpblit;
  let b: TestUpblit;
  let receiver: Receiver;
  let sharedUrl = "";

  beforeAll(async () => {
    // Processes that share a database share SECRET_KEY, as docs/authentication.md says.
    const shared = { SECRET_KEY: "a shared secret key of at least 32 characters" };
    a = await startTestUpblit(
      "postgres",
      { UPBLIT_ROLES: "api,notifier", ...shared },
      {
        notifierPollMs: 20,
        databaseUrlFor: (url) => {
          sharedUrl = url;
          return url;
        },
      },
    );
    b = await startTestUpblit(
      "postgres",
      { UPBLIT_ROLES: "notifier", ...shared },
      {
        notifierPollMs: 20,
        bootstrap: false,
        databaseUrlFor: () => sharedUrl,
      },
    );
    receiver = await startReceiver();
    // Each delivery takes a moment, so both notifiers have work in hand at once.
    receiver.respond((_req, res) => {
      setTimeout(() => {
        res.writeHead(200);
        res.end("{}");
      }, 30);
    });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await receiver?.close();
  });

  it("delivers every notification exactly once between them", async () => {
    const ch = await call(a, "POST", `${API}/channels`, {
      name: "shared",
      kind: "webhook",
      config: { url: `${receiver.origin}/shared` },
      secrets: { signingSecret: SECRET },
      isDefault: true,
    });
    expect(ch.statusCode, ch.body).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      ids.push((await createMonitor(a, monitorBody("tcp", { name: `m${i}`, failuresBeforeDown: 1 }))).id);
    }
    const now = Date.now();
    await recordResults(
      a.rt,
      ids.map((monitorId, i) => ({
        monitorId,
        organizationId: a.organizationId,
        region: "local",
        slotAt: now - 1_000 + i,
        startedAt: now,
        manual: false,
        status: "down" as const,
        timings: { total: 1 },
        verdicts: [],
        error: { kind: "refused" as const, message: "connection refused" },
      })),
    );
    await receiver.waitFor(60, 20_000);
    // Every attempt is logged once it is recorded.
    const sentBy = (up: TestUpblit) => up.logs.filter((l) => l.msg === "delivery attempt").length;
    await waitFor(
      async () => sentBy(a) + sentBy(b),
      (n) => n >= 60,
    );
    const webhookIds = receiver.requests.map((r) => String(r.headers["webhook-id"]));
    expect(webhookIds).toHaveLength(60);
    expect(new Set(webhookIds).size).toBe(60);
    expect(sentBy(a) + sentBy(b)).toBe(60);
    expect(sentBy(a)).toBeGreaterThan(0);
    expect(sentBy(b)).toBeGreaterThan(0);
  });
});
