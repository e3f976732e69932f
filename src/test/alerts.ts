/** Fixtures for channel adapter tests; not a test file itself. */
import type { AlertMessage, SendContext } from "../notify/channels/types.ts";
import { createOutbound } from "../notify/outbound.ts";
import { PATIENCE_MS } from "./patience.ts";

/** A realistic down alert; override any field. */
export function sampleMessage(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    notificationId: "ntf_01jdx0000000000000000000000",
    event: "down",
    drill: false,
    organization: { id: "org_01jdx0000000000000000000000", name: "Acme" },
    monitor: {
      id: "mon_01jdx0000000000000000000000",
      name: "Checkout API",
      type: "http",
      target: "https://shop.example.com/health",
    },
    state: "down",
    previousState: "up",
    since: "2026-11-22T10:00:00.000Z",
    incident: {
      id: "inc_01jdx0000000000000000000000",
      startedAt: "2026-11-22T10:00:00.000Z",
      resolvedAt: null,
      durationMs: null,
    },
    cause: "status is 503, expected one of [200]",
    runbookUrl: "https://wiki.example.com/runbooks/checkout",
    acknowledgeUrl: "https://upblit.example.com/ack/inc_01jdx0000000000000000000000?sig=abc",
    monitorUrl: "https://upblit.example.com/monitors/mon_01jdx0000000000000000000000",
    ...overrides,
  };
}

/**
 * A send context on the real outbound client, allowed to reach loopback receivers. Its send
 * timeout is generous unless a test sets one: a local receiver can be slow on a busy machine.
 */
export function testContext<C, S>(config: C, secrets: S, timeoutMs = PATIENCE_MS): SendContext<C, S> {
  return {
    config,
    secrets,
    http: createOutbound({ allowPrivate: true, userAgent: "Upblit-test" }),
    sendMail: async () => {
      throw new Error("this test sends no mail");
    },
    timeoutMs,
  };
}
