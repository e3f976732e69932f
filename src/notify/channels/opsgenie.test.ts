import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests } from "../../test/chat-channels.ts";
import { type Receiver, startReceiver } from "../../test/receiver.ts";
import { parseMessageTemplate } from "../template.ts";
import { type OpsgenieConfig, opsgenieChannel } from "./opsgenie.ts";
import type { AlertMessage } from "./types.ts";

const API_KEY = "eb243592-faa2-4ba2-a551-1afdf565c889";
const INCIDENT = "inc_01jdx0000000000000000000000";

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.answer(
    202,
    JSON.stringify({ result: "Request will be processed", took: 0.302, requestId: "43a29c5c-3dbf-4fa4" }),
    { "content-type": "application/json" },
  );
});

async function send(message: AlertMessage, overrides: Partial<OpsgenieConfig> = {}) {
  const config = opsgenieChannel.config.parse({ apiUrl: receiver.origin, ...overrides });
  return opsgenieChannel.send(message, testContext(config, { apiKey: API_KEY }));
}

interface Alert {
  message: string;
  alias: string;
  description: string;
  priority: string;
  tags: string[];
  details: Record<string, string>;
}

async function sentAlert(message: AlertMessage, overrides: Partial<OpsgenieConfig> = {}): Promise<Alert> {
  await send(message, overrides);
  return receiver.requests.at(-1)?.json as Alert;
}

describe("opsgenie channel", () => {
  it("creates an alert with the documented body and the GenieKey header", async () => {
    const outcome = await send(sampleMessage(), { tags: ["team-shop"] });
    expect(outcome).toEqual({ ok: true, statusCode: 202, detail: "requestId 43a29c5c-3dbf-4fa4" });
    const req = receiver.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v2/alerts");
    expect(req.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.json).toEqual({
      message: "🔴 DOWN: Checkout API",
      alias: INCIDENT,
      description: [
        "Checkout API is down since 2026-11-22 10:00:00 UTC (was up).",
        "Cause: status is 503, expected one of [200]",
        "Monitor: http https://shop.example.com/health",
        "Organization: Acme",
        "",
        "Open monitor: https://upblit.example.com/monitors/mon_01jdx0000000000000000000000",
        "Acknowledge: https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc",
        "Runbook: https://wiki.example.com/runbooks/checkout",
      ].join("\n"),
      priority: "P1",
      tags: ["upblit", "down", "team-shop"],
      details: {
        monitor: "Checkout API",
        monitorId: "mon_01jdx0000000000000000000000",
        target: "https://shop.example.com/health",
        state: "down",
        previousState: "up",
        since: "2026-11-22T10:00:00.000Z",
        cause: "status is 503, expected one of [200]",
        incidentId: INCIDENT,
        organization: "Acme",
        monitorUrl: "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000",
        runbookUrl: "https://wiki.example.com/runbooks/checkout",
      },
      entity: "Checkout API",
      source: "Upblit",
    });
  });

  it("creates a degraded alert at P3", async () => {
    const alert = await sentAlert(sampleMessage({ event: "degraded", state: "degraded" }));
    expect(alert.priority).toBe("P3");
    expect(alert.message).toBe("🟠 DEGRADED: Checkout API");
  });

  it("closes the alert by its alias on recovery, with the duration in the note", async () => {
    const created = await sentAlert(sampleMessage());
    const outcome = await send(
      sampleMessage({
        event: "up",
        state: "up",
        previousState: "down",
        acknowledgeUrl: null,
        incident: {
          id: INCIDENT,
          startedAt: "2026-11-22T10:00:00.000Z",
          resolvedAt: null,
          durationMs: 3_600_000,
        },
      }),
    );
    expect(outcome.ok).toBe(true);
    const req = receiver.requests[1]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe(`/v2/alerts/${created.alias}/close?identifierType=alias`);
    expect(req.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    expect(req.json).toEqual({
      source: "Upblit",
      user: "Upblit",
      note: expect.stringContaining("It was down for 1 h."),
    });
  });

  it("acknowledges the incident's alert by its alias, as the acknowledging person, with the note", async () => {
    const created = await sentAlert(sampleMessage());
    const outcome = await send(
      sampleMessage({
        event: "acknowledged",
        acknowledgeUrl: null,
        acknowledgement: { by: "ada@example.com", at: "2026-11-22T10:05:00.000Z", note: "rolling back" },
      }),
    );
    expect(outcome).toEqual({ ok: true, statusCode: 202, detail: "requestId 43a29c5c-3dbf-4fa4" });
    const req = receiver.requests[1]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe(`/v2/alerts/${created.alias}/acknowledge?identifierType=alias`);
    expect(created.alias).toBe(INCIDENT);
    expect(req.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    expect(req.json).toEqual({
      source: "Upblit",
      user: "ada@example.com",
      note: expect.stringContaining(
        "Acknowledged by ada@example.com at 2026-11-22 10:05:00 UTC: rolling back",
      ),
    });
  });

  it("puts a custom template's text in the acknowledge note, with the follow-up names filled", async () => {
    const config = opsgenieChannel.config.parse({ apiUrl: receiver.origin });
    const ctx = {
      ...testContext(config, { apiKey: API_KEY }),
      template: parseMessageTemplate({
        text: "{{acknowledged_by}} took {{monitor}}{{#acknowledge_note}} ({{acknowledge_note}}){{/acknowledge_note}}",
      }),
    };
    const ack = { by: "ada@example.com", at: "2026-11-22T10:05:00.000Z", note: "rolling back" };
    await opsgenieChannel.send(sampleMessage({ event: "acknowledged", acknowledgement: ack }), ctx);
    expect(receiver.requests[0]?.json).toEqual({
      source: "Upblit",
      user: "ada@example.com",
      note: "ada@example.com took Checkout API (rolling back)",
    });
  });

  it("keeps the acknowledging user within Opsgenie's 100 characters, on one line", async () => {
    await send(
      sampleMessage({
        event: "acknowledged",
        acknowledgement: {
          by: `link from channel ${"o".repeat(200)}\r\nX`,
          at: "2026-11-22T10:05:00.000Z",
          note: null,
        },
      }),
    );
    const body = receiver.requests[0]?.json as { user: string };
    expect(body.user).toHaveLength(100);
    expect(body.user).not.toMatch(/[\r\n]/);
    expect(receiver.requests[0]?.path).toBe(`/v2/alerts/${INCIDENT}/acknowledge?identifierType=alias`);
  });

  it("sends reminders and escalations as creates on the incident's alias (Opsgenie only counts them)", async () => {
    const reminder = await sentAlert(
      sampleMessage({ event: "reminder", reminder: { count: 2, downForMs: 600_000 } }),
    );
    expect(receiver.requests[0]?.path).toBe("/v2/alerts");
    expect(reminder.alias).toBe(INCIDENT);
    expect(reminder.priority).toBe("P1");
    expect(reminder.message).toBe("🔁 STILL DOWN: Checkout API");
    expect(reminder.details.reminder).toBe("2");
    const escalated = await sentAlert(sampleMessage({ escalation: { level: 3, afterMinutes: 60 } }));
    expect(escalated.alias).toBe(INCIDENT);
    expect(escalated.priority).toBe("P1");
    expect(escalated.details.escalationLevel).toBe("3");
    expect(escalated.description).toContain("Escalated: not acknowledged after 60 min (escalation level 3).");
  });

  it("creates a certificate warning under its own alias, P4 or P3 when a week or less is left", async () => {
    const certificate = { daysLeft: 20, notAfter: "2026-12-12T00:00:00.000Z", threshold: 21 };
    const warn = (daysLeft: number, threshold: number) =>
      sampleMessage({
        event: "certificate",
        state: "up",
        previousState: "up",
        cause: null,
        certificate: { ...certificate, daysLeft, threshold },
      });
    const early = await sentAlert(warn(20, 21));
    expect(receiver.requests[0]?.path).toBe("/v2/alerts");
    expect(early.alias).toBe("cert-mon_01jdx0000000000000000000000-2026-12-12T00:00:00.000Z");
    expect(early.alias).not.toBe(INCIDENT);
    expect(early.priority).toBe("P4");
    expect(early.tags).toEqual(["upblit", "certificate"]);
    expect(early.details).toMatchObject({
      certificateDaysLeft: "20",
      certificateExpires: certificate.notAfter,
    });
    expect(early.details.certificateSubject).toBeUndefined();
    const late = await sentAlert(warn(7, 7));
    expect(late.priority).toBe("P3");
    expect(late.alias).toBe(early.alias);
    expect((await sentAlert(warn(-2, 7))).priority).toBe("P3");
    expect((await sentAlert(warn(8, 14))).priority).toBe("P4");
  });

  it("URL-encodes an alias that would break the path", async () => {
    await send(
      sampleMessage({
        event: "up",
        state: "up",
        incident: null,
        monitor: { ...sampleMessage().monitor, id: "a/b?c#d" },
      }),
    );
    expect(receiver.requests[0]?.path).toBe("/v2/alerts/a%2Fb%3Fc%23d/close?identifierType=alias");
  });

  it("marks drills and keeps them apart from real alerts", async () => {
    const alert = await sentAlert(sampleMessage({ drill: true }));
    expect(alert.alias).toBe(`drill-${INCIDENT}`);
    expect(alert.priority).toBe("P1");
    expect(alert.message).toBe("[DRILL] 🔴 DOWN: Checkout API");
    expect(alert.tags).toContain("drill");
    expect(alert.description).toContain("This is a DRILL");
    await send(sampleMessage({ event: "up", state: "up", drill: true }));
    expect(receiver.requests[1]?.path).toBe(`/v2/alerts/drill-${INCIDENT}/close?identifierType=alias`);
  });

  it("sends a test-send as a P5 alert", async () => {
    const alert = await sentAlert(sampleMessage({ event: "test", drill: true, incident: null, cause: null }));
    expect(alert.priority).toBe("P5");
    expect(alert.alias).toBe("drill-mon_01jdx0000000000000000000000");
    expect(alert.message).toBe("🧪 TEST: Checkout API");
  });

  it("clips the message to 130 characters and keeps hostile text as plain JSON strings", async () => {
    const alert = await sentAlert(
      sampleMessage({
        monitor: {
          id: "mon_1",
          name: `${HOSTILE_NAME} ${"n".repeat(200)}`,
          type: "http",
          target: "https://x",
        },
        runbookUrl: "javascript:alert(1)",
      }),
    );
    expect(alert.message).toHaveLength(130);
    expect(alert.message.startsWith(`🔴 DOWN: ${HOSTILE_NAME}`)).toBe(true);
    expect(alert.description).not.toContain("javascript:");
    expect(alert.details.runbookUrl).toBeUndefined();
  });

  it("fails a refused alert without retry, with Opsgenie's explanation", async () => {
    receiver.answer(
      422,
      JSON.stringify({
        message: "Request body is not processable. Please check the errors.",
        errors: { message: "Message can not be empty." },
        took: 0.001,
        requestId: "r1",
      }),
    );
    expect(await send(sampleMessage())).toEqual({
      ok: false,
      retryable: false,
      statusCode: 422,
      error:
        'Opsgenie 422: Request body is not processable. Please check the errors. {"message":"Message can not be empty."}',
    });
  });

  it("fails a bad key without retry", async () => {
    receiver.answer(401, JSON.stringify({ message: "Could not authenticate", took: 0, requestId: "r2" }));
    expect(await send(sampleMessage())).toEqual({
      ok: false,
      retryable: false,
      statusCode: 401,
      error: "Opsgenie 401: Could not authenticate",
    });
  });

  it("validates its settings", () => {
    expect(opsgenieChannel.config.parse({})).toEqual({ apiUrl: "https://api.opsgenie.com" });
    expect(opsgenieChannel.config.safeParse({ tags: ["a,b"] }).success).toBe(false);
    expect(opsgenieChannel.config.safeParse({ tags: ["x".repeat(51)] }).success).toBe(false);
    expect(opsgenieChannel.secrets.safeParse({ apiKey: API_KEY }).success).toBe(true);
    expect(opsgenieChannel.secrets.safeParse({ apiKey: `${API_KEY}\r\nX-Evil: 1` }).success).toBe(false);
  });

  outcomeMappingTests(
    opsgenieChannel,
    (origin) => ({
      config: opsgenieChannel.config.parse({ apiUrl: origin }),
      secrets: { apiKey: API_KEY },
    }),
    () => receiver,
  );
});
