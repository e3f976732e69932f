/** Helpers for the routing, reminder and acknowledgement tests; not a test file itself. */
import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import type { CheckResult, ResultStatus } from "../domain/check-result.ts";
import type { ManualClock } from "../lib/clock.ts";
import { recordResults } from "../services/checks/record-results.ts";
import { API, call, createMonitor, monitorBody, waitFor } from "./api-helpers.ts";
import type { Received, Receiver } from "./receiver.ts";
import type { TestUpblit } from "./upblit.ts";

export const SIGNING_SECRET = `whsec_${Buffer.from("a test signing secret of 32 bytes").toString("base64")}`;

export interface Delivered {
  path: string;
  type: string;
  data: Record<string, unknown> & { acknowledgeUrl: string | null; notificationId: string };
}

/**
 * A signed webhook channel delivering to `<receiver>/hooks/<name>` (or `<receiver><path>`), signed
 * with SIGNING_SECRET unless another `secret` is given; returns its id.
 */
export async function webhookChannel(
  up: TestUpblit,
  receiver: Receiver,
  name: string,
  options: { isDefault?: boolean; events?: string[]; path?: string; secret?: string } = {},
): Promise<string> {
  const res = await call(up, "POST", `${API}/channels`, {
    name,
    kind: "webhook",
    config: { url: `${receiver.origin}${options.path ?? `/hooks/${name}`}` },
    secrets: { signingSecret: options.secret ?? SIGNING_SECRET },
    isDefault: options.isDefault ?? false,
    events: options.events ?? ["down", "up"],
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

/** Creates an alert rule through the API and returns its id. */
export async function alertRule(up: TestUpblit, body: Record<string, unknown>): Promise<string> {
  const res = await call(up, "POST", `${API}/alert-rules`, { name: "rule", ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

/** A monitor that goes down on one failure and up on one success. */
export async function alertingMonitor(up: TestUpblit, name: string, tags: string[] = []): Promise<string> {
  const body = monitorBody("http", { name, tags, failuresBeforeDown: 1, successesBeforeUp: 1 });
  return (await createMonitor(up, body)).id;
}

let slot = 0;

/** Records one judged result for the monitor now (on the test's clock), through the evaluator's own service. */
export async function record(up: TestUpblit, clock: ManualClock, monitorId: string, status: ResultStatus) {
  slot++;
  const result: CheckResult = {
    monitorId,
    organizationId: up.organizationId,
    region: "local",
    slotAt: clock.now() - 1_000 + slot,
    startedAt: clock.now(),
    manual: false,
    status,
    statusCode: status === "down" ? 503 : 200,
    timings: { total: 12 },
    verdicts:
      status === "down" ? [{ assertion: "status in [200]", ok: false, severity: "hard", actual: 503 }] : [],
  };
  await recordResults(up.rt, [result]);
}

/** Every request the receiver got, verified against the signing secret, with its path. */
export function delivered(receiver: Receiver): Delivered[] {
  return receiver.requests.map((r: Received) => {
    const payload = new Webhook(SIGNING_SECRET).verify(r.body, r.headers as Record<string, string>) as {
      type: string;
      data: Delivered["data"];
    };
    return { path: r.path, type: payload.type, data: payload.data };
  });
}

/** `[path, type]` of every delivery so far, in arrival order, for compact assertions. */
export function deliveryLog(receiver: Receiver): Array<[string, string]> {
  return delivered(receiver).map((d) => [d.path.replace("/hooks/", ""), d.type]);
}

/**
 * Waits until the outbox holds nothing pending or being sent (every delivery recorded), so the
 * test may move the clock without a claim lapsing and a delivery going twice.
 */
export async function settled(up: TestUpblit): Promise<void> {
  await waitFor(
    () =>
      up.rt.db
        .selectFrom("notifications")
        .select("id")
        .where("status", "in", ["pending", "sending"])
        .execute(),
    (rows) => rows.length === 0,
  );
}

/** Waits for the receiver to have `n` requests in all, then for their deliveries to be recorded. */
export async function received(up: TestUpblit, receiver: Receiver, n: number): Promise<void> {
  await receiver.waitFor(n);
  await settled(up);
  // Nothing beyond what was expected arrives.
  expect(receiver.requests).toHaveLength(n);
}

/** The path of an acknowledge link (`/ack/<token>`), to send to the app under test. */
export function ackPath(url: string | null): string {
  expect(url).toMatch(/\/ack\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  return new URL(url!).pathname;
}
