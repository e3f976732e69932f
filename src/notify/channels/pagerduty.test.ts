import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleMessage, testContext } from "../../test/alerts.ts";
import { HOSTILE_NAME, outcomeMappingTests } from "../../test/chat-channels.ts";
import { type Receiver, startReceiver } from "../../test/receiver.ts";
import { pagerDutyChannel } from "./pagerduty.ts";
import type { AlertMessage } from "./types.ts";

const ROUTING_KEY = "R0123456789abcdef0123456789abcde";
const INCIDENT = "inc_01jdx0000000000000000000000";

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.respond((req, res) => {
    res.writeHead(202, { "content-type": "application/json" });
    const key = (req.json as { dedup_key?: string } | undefined)?.dedup_key ?? "generated";
    res.end(JSON.stringify({ status: "success", message: "Event processed", dedup_key: key }));
  });
});

async function send(message: AlertMessage) {
  const config = pagerDutyChannel.config.parse({ apiUrl: receiver.origin });
  return pagerDutyChannel.send(message, testContext(config, { routingKey: ROUTING_KEY }));
}

interface Event {
  event_action: string;
  dedup_key: string;
  payload: { summary: string; severity: string; custom_details: { message: string; drill: boolean } };
  links: Array<{ href: string; text: string }>;
}

async function sentEvent(message: AlertMessage): Promise<Event> {
  await send(message);
  return receiver.requests.at(-1)?.json as Event;
}

const up = (overrides: Partial<AlertMessage> = {}) =>
  sampleMessage({
    event: "up",
    state: "up",
    previousState: "down",
    acknowledgeUrl: null,
    incident: { id: INCIDENT, startedAt: "2026-11-22T10:00:00.000Z", resolvedAt: null, durationMs: 60_000 },
    ...overrides,
  });

describe("pagerduty channel", () => {
  it("triggers a down alert with the documented Events API v2 body", async () => {
    const outcome = await send(sampleMessage());
    expect(outcome).toEqual({ ok: true, statusCode: 202, detail: `dedup_key ${INCIDENT}` });
    const req = receiver.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/v2/enqueue");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.json).toEqual({
      routing_key: ROUTING_KEY,
      event_action: "trigger",
      dedup_key: INCIDENT,
      payload: {
        summary: "🔴 DOWN: Checkout API: status is 503, expected one of [200]",
        source: "https://shop.example.com/health",
        severity: "critical",
        timestamp: "2026-11-22T10:00:00.000Z",
        component: "Checkout API",
        group: "Acme",
        class: "http",
        custom_details: {
          message: expect.stringContaining("Checkout API is down since 2026-11-22 10:00:00 UTC (was up)."),
          monitor: "Checkout API",
          monitor_id: "mon_01jdx0000000000000000000000",
          state: "down",
          previous_state: "up",
          since: "2026-11-22T10:00:00.000Z",
          cause: "status is 503, expected one of [200]",
          incident_id: INCIDENT,
          drill: false,
        },
      },
      links: [
        { href: "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000", text: "Open monitor" },
        {
          href: "https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc",
          text: "Acknowledge",
        },
        { href: "https://wiki.example.com/runbooks/checkout", text: "Runbook" },
      ],
      client: "Upblit",
      client_url: "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000",
    });
  });

  it("triggers a degraded monitor as a warning", async () => {
    const event = await sentEvent(sampleMessage({ event: "degraded", state: "degraded" }));
    expect(event.event_action).toBe("trigger");
    expect(event.payload.severity).toBe("warning");
    expect(event.payload.summary.startsWith("🟠 DEGRADED: Checkout API")).toBe(true);
  });

  it("resolves on recovery with the same dedup key as the trigger", async () => {
    const trigger = await sentEvent(sampleMessage());
    const resolve = await sentEvent(up());
    expect(resolve).toEqual({ routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: INCIDENT });
    expect(resolve.dedup_key).toBe(trigger.dedup_key);
  });

  it("acknowledges the incident's alert with the documented short event and the trigger's key", async () => {
    const trigger = await sentEvent(sampleMessage());
    const outcome = await send(
      sampleMessage({
        event: "acknowledged",
        acknowledgeUrl: null,
        acknowledgement: { by: "ada@example.com", at: "2026-11-22T10:05:00.000Z", note: "on it" },
      }),
    );
    expect(outcome).toEqual({ ok: true, statusCode: 202, detail: `dedup_key ${INCIDENT}` });
    const req = receiver.requests[1]!;
    expect(req.path).toBe("/v2/enqueue");
    expect(req.json).toEqual({ routing_key: ROUTING_KEY, event_action: "acknowledge", dedup_key: INCIDENT });
    expect((req.json as Event).dedup_key).toBe(trigger.dedup_key);
    const drill = await sentEvent(sampleMessage({ event: "acknowledged", drill: true }));
    expect(drill).toMatchObject({ event_action: "acknowledge", dedup_key: `drill-${INCIDENT}` });
  });

  it("re-triggers reminders and escalations on the incident's key, critical, with their facts", async () => {
    const reminder = await sentEvent(
      sampleMessage({ event: "reminder", reminder: { count: 3, downForMs: 1_500_000 } }),
    );
    expect(reminder.event_action).toBe("trigger");
    expect(reminder.dedup_key).toBe(INCIDENT);
    expect(reminder.payload.severity).toBe("critical");
    expect(reminder.payload.summary.startsWith("🔁 STILL DOWN: Checkout API")).toBe(true);
    expect(reminder.payload.custom_details).toMatchObject({ reminder: 3, down_for: "25 min" });
    const escalated = await sentEvent(sampleMessage({ escalation: { level: 2, afterMinutes: 30 } }));
    expect(escalated).toMatchObject({ event_action: "trigger", dedup_key: INCIDENT });
    expect(escalated.payload.severity).toBe("critical");
    expect(escalated.payload.summary.startsWith("🔴 DOWN (ESCALATED, LEVEL 2): Checkout API")).toBe(true);
    expect(escalated.payload.custom_details).toMatchObject({
      escalation_level: 2,
      escalation_after_minutes: 30,
    });
    expect(escalated.payload.custom_details).not.toHaveProperty("reminder");
  });

  it("triggers a certificate warning on its own key per monitor and certificate, never the incident's", async () => {
    const certificate = {
      daysLeft: 12,
      notAfter: "2026-12-04T12:00:00.000Z",
      subject: "shop.example.com",
      threshold: 14,
    };
    const warn = (overrides: Partial<AlertMessage> = {}) =>
      sampleMessage({
        event: "certificate",
        state: "up",
        previousState: "up",
        cause: null,
        certificate,
        ...overrides,
      });
    // Even with an incident on the message, the warning must not merge into (or resolve) its alert.
    const event = await sentEvent(warn());
    expect(event.event_action).toBe("trigger");
    expect(event.dedup_key).toBe("cert-mon_01jdx0000000000000000000000-2026-12-04T12:00:00.000Z");
    expect(event.dedup_key).not.toContain(INCIDENT);
    expect(event.payload.severity).toBe("warning");
    expect(event.payload.summary).toBe("📜 CERTIFICATE EXPIRING: Checkout API");
    expect(event.payload.custom_details).toMatchObject({
      certificate_days_left: 12,
      certificate_expires: "2026-12-04T12:00:00.000Z",
      certificate_subject: "shop.example.com",
      certificate_threshold_days: 14,
    });
    const nextThreshold = await sentEvent(
      warn({ incident: null, certificate: { ...certificate, daysLeft: 6, threshold: 7 } }),
    );
    expect(nextThreshold.dedup_key).toBe(event.dedup_key);
    const renewed = await sentEvent(
      warn({ certificate: { ...certificate, notAfter: "2027-03-04T12:00:00.000Z" } }),
    );
    expect(renewed.dedup_key).toBe("cert-mon_01jdx0000000000000000000000-2027-03-04T12:00:00.000Z");
    const otherMonitor = await sentEvent(warn({ monitor: { ...sampleMessage().monitor, id: "mon_2" } }));
    expect(otherMonitor.dedup_key).toBe("cert-mon_2-2026-12-04T12:00:00.000Z");
  });

  it("keys on the monitor when there is no incident", async () => {
    const event = await sentEvent(sampleMessage({ incident: null }));
    expect(event.dedup_key).toBe("mon_01jdx0000000000000000000000");
  });

  it("keeps drills apart from real incidents and marks them", async () => {
    const trigger = await sentEvent(sampleMessage({ drill: true }));
    expect(trigger.dedup_key).toBe(`drill-${INCIDENT}`);
    expect(trigger.payload.severity).toBe("critical");
    expect(trigger.payload.summary.startsWith("[DRILL] 🔴 DOWN: Checkout API")).toBe(true);
    expect(trigger.payload.custom_details.drill).toBe(true);
    expect(trigger.payload.custom_details.message).toContain("This is a DRILL");
    const resolve = await sentEvent(up({ drill: true }));
    expect(resolve).toMatchObject({ event_action: "resolve", dedup_key: `drill-${INCIDENT}` });
  });

  it("sends a test-send as an info trigger marked as a test", async () => {
    const event = await sentEvent(sampleMessage({ event: "test", drill: true, incident: null, cause: null }));
    expect(event.event_action).toBe("trigger");
    expect(event.dedup_key).toBe("drill-mon_01jdx0000000000000000000000");
    expect(event.payload.severity).toBe("info");
    expect(event.payload.summary).toBe("🧪 TEST: Checkout API");
    expect(event.payload.custom_details.message).toContain("This is a test-send from Upblit");
  });

  it("carries hostile text verbatim as JSON strings and links only http(s) URLs", async () => {
    const cause = '"}, "event_action": "resolve", "x": "';
    const event = await sentEvent(
      sampleMessage({
        monitor: { id: "mon_1", name: HOSTILE_NAME, type: "http", target: "https://x.example" },
        cause,
        runbookUrl: "javascript:alert(1)",
      }),
    );
    expect(event.event_action).toBe("trigger");
    expect(event.payload.summary).toBe(`🔴 DOWN: ${HOSTILE_NAME}: ${cause}`);
    expect(event.links.map((l) => l.text)).toEqual(["Open monitor", "Acknowledge"]);
  });

  it("clips the summary to PagerDuty's 1024 characters", async () => {
    const event = await sentEvent(sampleMessage({ cause: "y".repeat(5_000) }));
    expect(event.payload.summary).toHaveLength(1024);
    expect(event.payload.summary.endsWith("y…")).toBe(true);
  });

  it("fails an invalid event without retry, with PagerDuty's explanation", async () => {
    receiver.answer(
      400,
      JSON.stringify({
        status: "invalid event",
        message: "Event object is invalid",
        errors: ["Length of 'routing_key' is incorrect (should be 32 characters)"],
      }),
    );
    expect(await send(sampleMessage())).toEqual({
      ok: false,
      retryable: false,
      statusCode: 400,
      error:
        "PagerDuty 400: Event object is invalid (Length of 'routing_key' is incorrect (should be 32 characters))",
    });
  });

  it("retries a 429 after a minute, or after Retry-After when given", async () => {
    receiver.answer(429, "");
    expect(await send(sampleMessage())).toMatchObject({ ok: false, retryable: true, retryAfterMs: 60_000 });
    receiver.answer(429, "", { "retry-after": "5" });
    expect(await send(sampleMessage())).toMatchObject({ ok: false, retryable: true, retryAfterMs: 5_000 });
  });

  it("validates its settings", () => {
    expect(pagerDutyChannel.config.parse({})).toEqual({ apiUrl: "https://events.pagerduty.com" });
    expect(pagerDutyChannel.config.safeParse({ apiUrl: "gopher://x" }).success).toBe(false);
    expect(pagerDutyChannel.secrets.safeParse({ routingKey: ROUTING_KEY }).success).toBe(true);
    expect(pagerDutyChannel.secrets.safeParse({ routingKey: "short" }).success).toBe(false);
    expect(pagerDutyChannel.secrets.safeParse({ routingKey: `${ROUTING_KEY}\r\n` }).success).toBe(false);
  });

  outcomeMappingTests(
    pagerDutyChannel,
    (origin) => ({
      config: pagerDutyChannel.config.parse({ apiUrl: origin }),
      secrets: { routingKey: ROUTING_KEY },
    }),
    () => receiver,
  );
});
