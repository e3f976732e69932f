import { createServer, type Server } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { type Receiver, startReceiver } from "../../test/receiver.ts";
import type { WebhookConfig, WebhookSecrets } from "./webhook.ts";
import { generateWebhookSecret, webhookChannel } from "./webhook.ts";

const SECRET = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;

let receiver: Receiver;
beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  vi.useRealTimers();
  await receiver.close();
});

function ctxFor(config: Partial<WebhookConfig> = {}, timeoutMs?: number) {
  return testContext<WebhookConfig, WebhookSecrets>(
    { url: `${receiver.origin}/hooks/upblit?src=test`, ...config },
    { signingSecret: SECRET },
    timeoutMs,
  );
}

/** The received request's headers as the verifier library wants them. */
function signatureHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  return {
    "webhook-id": String(headers["webhook-id"]),
    "webhook-timestamp": String(headers["webhook-timestamp"]),
    "webhook-signature": String(headers["webhook-signature"]),
  };
}

describe("webhook channel: the request", () => {
  it("POSTs the documented JSON with the Standard Webhooks headers", async () => {
    const message = sampleMessage();
    const outcome = await webhookChannel.send(message, ctxFor());
    expect(outcome).toEqual({ ok: true, statusCode: 200 });
    const [req] = await receiver.waitFor(1);
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/hooks/upblit?src=test");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers["upblit-payload-version"]).toBe("1");
    expect(req?.headers["webhook-id"]).toBe(message.notificationId);
    expect(Number(req?.headers["webhook-timestamp"])).toBeCloseTo(Date.now() / 1000, -1);
    expect(req?.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(req?.json).toEqual({
      type: "monitor.down",
      timestamp: message.since,
      data: {
        notificationId: message.notificationId,
        drill: false,
        organization: message.organization,
        monitor: message.monitor,
        state: "down",
        previousState: "up",
        since: message.since,
        incident: message.incident,
        cause: message.cause,
        runbookUrl: message.runbookUrl,
        acknowledgeUrl: message.acknowledgeUrl,
        monitorUrl: message.monitorUrl,
        // Messages written before incident links existed have none.
        incidentUrl: null,
      },
    });
  });

  it("names each event type and carries the recovery's incident duration and the drill flag", async () => {
    const up = sampleMessage({
      event: "up",
      state: "up",
      previousState: "down",
      drill: true,
      acknowledgeUrl: null,
      cause: null,
      incident: {
        id: "inc_1",
        startedAt: "2026-11-22T10:00:00.000Z",
        resolvedAt: "2026-11-22T10:12:05.000Z",
        durationMs: 725_000,
      },
    });
    await webhookChannel.send(up, ctxFor());
    await webhookChannel.send(sampleMessage({ event: "degraded", state: "degraded" }), ctxFor());
    await webhookChannel.send(sampleMessage({ event: "test", drill: true, incident: null }), ctxFor());
    const [recovery, degraded, test] = await receiver.waitFor(3);
    expect(recovery?.json).toMatchObject({
      type: "monitor.up",
      data: {
        drill: true,
        state: "up",
        previousState: "down",
        cause: null,
        acknowledgeUrl: null,
        incident: { resolvedAt: "2026-11-22T10:12:05.000Z", durationMs: 725_000 },
      },
    });
    expect(degraded?.json).toMatchObject({ type: "monitor.degraded", data: { state: "degraded" } });
    expect(test?.json).toMatchObject({ type: "test", data: { drill: true, incident: null } });
  });

  it("sends reminders, escalations and acknowledgements with their own facts, and only theirs", async () => {
    const ack = { by: "ada@example.com", at: "2026-11-22T10:20:00.000Z", note: "rolling back" };
    await webhookChannel.send(
      sampleMessage({ event: "reminder", reminder: { count: 3, downForMs: 1_500_000 } }),
      ctxFor(),
    );
    await webhookChannel.send(sampleMessage({ escalation: { level: 2, afterMinutes: 30 } }), ctxFor());
    await webhookChannel.send(
      sampleMessage({ event: "acknowledged", acknowledgeUrl: null, acknowledgement: ack }),
      ctxFor(),
    );
    await webhookChannel.send(sampleMessage(), ctxFor());
    const [reminder, escalated, acknowledged, plain] = await receiver.waitFor(4);
    type Body = { type: string; data: Record<string, unknown> };
    const bodyOf = (r: typeof reminder) => r?.json as Body;
    expect(bodyOf(reminder).type).toBe("incident.reminder");
    expect(bodyOf(reminder).data.reminder).toEqual({ count: 3, downForMs: 1_500_000 });
    expect(bodyOf(escalated).type).toBe("monitor.down");
    expect(bodyOf(escalated).data.escalation).toEqual({ level: 2, afterMinutes: 30 });
    expect(bodyOf(escalated).data.incident).toEqual(sampleMessage().incident);
    expect(bodyOf(acknowledged).type).toBe("incident.acknowledged");
    expect(bodyOf(acknowledged).data.acknowledgement).toEqual(ack);
    expect(bodyOf(acknowledged).data.acknowledgeUrl).toBeNull();
    const followUps = ["reminder", "escalation", "acknowledgement", "certificate"];
    for (const [req, own] of [
      [reminder, "reminder"],
      [escalated, "escalation"],
      [acknowledged, "acknowledgement"],
      [plain, undefined],
    ] as const) {
      const keys = Object.keys(bodyOf(req).data).filter((k) => followUps.includes(k));
      expect(keys).toEqual(own ? [own] : []);
    }
  });

  it("keeps an acknowledgement without a note as an explicit null, verifiable with the library", async () => {
    const ack = { by: "link from channel ops", at: "2026-11-22T10:20:00.000Z", note: null };
    await webhookChannel.send(sampleMessage({ event: "acknowledged", acknowledgement: ack }), ctxFor());
    const [req] = await receiver.waitFor(1);
    const verified = new Webhook(SECRET).verify(req!.body, signatureHeaders(req!.headers)) as {
      data: { acknowledgement: unknown };
    };
    expect(verified.data.acknowledgement).toEqual(ack);
  });

  it("sends hostile names as exact JSON strings, never pasted into the body", async () => {
    const name = `<b>@everyone *x* <!channel>", "injected": "1\u0000\r\n`;
    await webhookChannel.send(
      sampleMessage({ monitor: { ...sampleMessage().monitor, name }, cause: "\\u0022 }" }),
      ctxFor(),
    );
    const [req] = await receiver.waitFor(1);
    expect(req?.json).toMatchObject({ data: { monitor: { name }, cause: "\\u0022 }" } });
    expect(Object.keys((req!.json as { data: object }).data)).not.toContain("injected");
  });

  it("adds the configured extra headers but never lets them replace its own", async () => {
    // the schema refuses these names; the adapter's own values win even if one slipped through
    const headers = {
      "X-Team": "payments",
      "X-Env": "prod",
      "content-type": "text/plain",
      "webhook-id": "x",
    };
    await webhookChannel.send(sampleMessage(), ctxFor({ headers }));
    const [req] = await receiver.waitFor(1);
    expect(req?.headers["x-team"]).toBe("payments");
    expect(req?.headers["x-env"]).toBe("prod");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers["webhook-id"]).toBe(sampleMessage().notificationId);
  });
});

describe("webhook channel: the signature", () => {
  it("verifies with the standardwebhooks reference library", async () => {
    const message = sampleMessage();
    await webhookChannel.send(message, ctxFor());
    const [req] = await receiver.waitFor(1);
    const verified = new Webhook(SECRET).verify(req!.body, signatureHeaders(req!.headers));
    expect(verified).toEqual(JSON.parse(req!.body));
    // and the library, signing the same id, time and body, produces the very same header
    const timestamp = new Date(Number(req!.headers["webhook-timestamp"]) * 1000);
    expect(new Webhook(SECRET).sign(message.notificationId, timestamp, req!.body)).toBe(
      req!.headers["webhook-signature"],
    );
  });

  it("fails verification when the body, the timestamp, the id or the secret differ", async () => {
    await webhookChannel.send(sampleMessage(), ctxFor());
    const [req] = await receiver.waitFor(1);
    const headers = signatureHeaders(req!.headers);
    const hook = new Webhook(SECRET);
    expect(() => hook.verify(req!.body.replace('"down"', '"up"'), headers)).toThrow(/signature/i);
    expect(() =>
      hook.verify(req!.body, {
        ...headers,
        "webhook-timestamp": String(Number(headers["webhook-timestamp"]) - 1),
      }),
    ).toThrow(/signature/i);
    expect(() => hook.verify(req!.body, { ...headers, "webhook-id": "ntf_other" })).toThrow(/signature/i);
    expect(() => new Webhook(generateWebhookSecret()).verify(req!.body, headers)).toThrow(/signature/i);
  });

  it("keeps webhook-id and body across two sends of one notification; the timestamp is each attempt's", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-22T10:00:30.000Z"));
    const message = sampleMessage();
    await webhookChannel.send(message, ctxFor());
    vi.setSystemTime(new Date("2026-11-22T10:02:30.000Z"));
    await webhookChannel.send(message, ctxFor());
    const [first, second] = await receiver.waitFor(2);
    expect(first?.headers["webhook-id"]).toBe(message.notificationId);
    expect(second?.headers["webhook-id"]).toBe(message.notificationId);
    expect(second?.body).toBe(first?.body);
    expect(first?.headers["webhook-timestamp"]).toBe(String(Date.parse("2026-11-22T10:00:30Z") / 1000));
    expect(second?.headers["webhook-timestamp"]).toBe(String(Date.parse("2026-11-22T10:02:30Z") / 1000));
    expect(second?.headers["webhook-signature"]).not.toBe(first?.headers["webhook-signature"]);
    // the retry verifies on its own (the library checks the faked "now" against its timestamp)
    expect(() => new Webhook(SECRET).verify(second!.body, signatureHeaders(second!.headers))).not.toThrow();
  });

  it("generateWebhookSecret makes valid, distinct 32-byte secrets the library accepts", () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).not.toBe(b);
    expect(webhookChannel.secrets.safeParse({ signingSecret: a }).success).toBe(true);
    expect(Buffer.from(a.slice("whsec_".length), "base64")).toHaveLength(32);
    expect(() => new Webhook(a)).not.toThrow();
  });
});

describe("webhook channel: outcomes", () => {
  it("treats a redirect as a failure and does not follow it", async () => {
    const other = await startReceiver();
    try {
      receiver.answer(302, "", { location: `${other.origin}/elsewhere` });
      const outcome = await webhookChannel.send(sampleMessage(), ctxFor());
      expect(outcome).toMatchObject({ ok: false, retryable: false, statusCode: 302 });
      expect(receiver.requests).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 200));
      expect(other.requests).toHaveLength(0);
    } finally {
      await other.close();
    }
  });

  it("asks to disable the channel on 410 Gone", async () => {
    receiver.answer(410, "gone");
    expect(await webhookChannel.send(sampleMessage(), ctxFor())).toMatchObject({
      ok: false,
      retryable: false,
      disable: true,
      statusCode: 410,
    });
  });

  it("honours Retry-After on 429, in seconds or as an HTTP date", async () => {
    receiver.answer(429, "slow down", { "retry-after": "120" });
    expect(await webhookChannel.send(sampleMessage(), ctxFor())).toMatchObject({
      ok: false,
      retryable: true,
      statusCode: 429,
      retryAfterMs: 120_000,
    });
    receiver.answer(429, "", { "retry-after": new Date(Date.now() + 60_000).toUTCString() });
    const dated = await webhookChannel.send(sampleMessage(), ctxFor());
    expect(dated.ok).toBe(false);
    if (!dated.ok) {
      expect(dated.retryAfterMs).toBeGreaterThan(55_000);
      expect(dated.retryAfterMs).toBeLessThanOrEqual(60_000);
    }
  });

  it("retries 5xx, keeping a 503's Retry-After", async () => {
    receiver.answer(500, "boom");
    expect(await webhookChannel.send(sampleMessage(), ctxFor())).toMatchObject({
      ok: false,
      retryable: true,
      statusCode: 500,
      error: "HTTP 500: boom",
    });
    receiver.answer(503, "", { "retry-after": "30" });
    expect(await webhookChannel.send(sampleMessage(), ctxFor())).toMatchObject({
      retryable: true,
      statusCode: 503,
      retryAfterMs: 30_000,
    });
  });

  it("does not retry other 4xx", async () => {
    receiver.answer(400, "bad payload");
    expect(await webhookChannel.send(sampleMessage(), ctxFor())).toMatchObject({
      ok: false,
      retryable: false,
      statusCode: 400,
    });
  });

  it("turns a receiver that never answers into a retryable timeout", async () => {
    receiver.respond(() => {});
    const started = Date.now();
    const outcome = await webhookChannel.send(sampleMessage(), ctxFor({}, 300));
    expect(outcome).toMatchObject({ ok: false, retryable: true });
    // The receiver never answers: the send ended on its 300 ms deadline (a hang would run into
    // the test's timeout). How late it returned is the machine's load, not the channel's.
    if (!outcome.ok) expect(outcome.error).toMatch(/300 ms/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it("turns a refused connection into a retryable failure", async () => {
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((r) => closed.close(() => r()));
    const outcome = await webhookChannel.send(sampleMessage(), ctxFor({ url: `http://127.0.0.1:${port}/x` }));
    expect(outcome).toMatchObject({ ok: false, retryable: true });
  });
});

describe("webhook channel: settings", () => {
  const config = (c: unknown) => webhookChannel.config.safeParse(c);
  const secrets = (s: unknown) => webhookChannel.secrets.safeParse(s);

  it("accepts http and https URLs up to 2048 characters and refuses the rest", () => {
    expect(config({ url: "https://hooks.example.com/upblit" }).success).toBe(true);
    expect(config({ url: "http://10.0.0.5:8080/in", payloadVersion: "1" }).success).toBe(true);
    for (const url of [
      "ftp://example.com/x",
      "javascript:alert(1)",
      "file:///etc/passwd",
      "https://user:pw@example.com/x",
      `https://example.com/${"a".repeat(2040)}`,
      "not a url",
    ])
      expect(config({ url }).success, url).toBe(false);
    expect(config({ url: "https://example.com", payloadVersion: "2" }).success).toBe(false);
    expect(config({ url: "https://example.com", extra: 1 }).success).toBe(false);
  });

  it("refuses hop-by-hop, framing, signature and credential headers, bad names and values", () => {
    const withHeaders = (headers: Record<string, string>) =>
      config({ url: "https://example.com", headers }).success;
    expect(withHeaders({ "X-Team": "payments", "X-Trace-Tag": "a b; c=d" })).toBe(true);
    for (const name of [
      "Host",
      "User-Agent",
      "content-length",
      "Transfer-Encoding",
      "Connection",
      "Authorization",
      "Proxy-Authorization",
      "Cookie",
      "webhook-id",
      "Webhook-Signature",
      "upblit-payload-version",
      "X-Api-Key",
      "X-Auth-Token",
      "X-Client-Secret",
      "Bad Name",
      "x:y",
      "",
    ])
      expect(withHeaders({ [name]: "v" }), name).toBe(false);
    expect(withHeaders({ "X-A": "line\r\nX-Injected: 1" })).toBe(false);
    expect(withHeaders({ "X-A": "nul\u0000" })).toBe(false);
    expect(withHeaders({ "X-A": "tab\t" })).toBe(false);
    expect(withHeaders({ "X-A": "a".repeat(1025) })).toBe(false);
    expect(withHeaders({ "X-A": "1", "x-a": "2" })).toBe(false);
    expect(withHeaders(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`X-H${i}`, "v"])))).toBe(
      false,
    );
  });

  it("accepts only whsec_ secrets of 24 to 64 bytes in strict base64", () => {
    const of = (bytes: number) => `whsec_${Buffer.alloc(bytes, 1).toString("base64")}`;
    expect(secrets({ signingSecret: of(24) }).success).toBe(true);
    expect(secrets({ signingSecret: of(64) }).success).toBe(true);
    expect(secrets({ signingSecret: of(23) }).success).toBe(false);
    expect(secrets({ signingSecret: of(65) }).success).toBe(false);
    expect(secrets({ signingSecret: of(32).slice("whsec_".length) }).success).toBe(false);
    expect(secrets({ signingSecret: "whsec_not*base64*at*all*not*base64*at*all" }).success).toBe(false);
    expect(secrets({ signingSecret: `${of(32)}\n` }).success).toBe(false);
    expect(secrets({}).success).toBe(false);
  });
});
