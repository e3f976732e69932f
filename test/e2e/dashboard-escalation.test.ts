import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Received, type Receiver, startReceiver } from "../../src/test/receiver.ts";
import {
  api,
  type Dashboard,
  expectAccessible,
  START_TIMEOUT_MS,
  scaledTimeout,
  screenshots,
  startDashboard,
  UI_TIMEOUT_MS,
  waitFor,
} from "./dashboard/harness.ts";
import { freePort, httpMonitor, incidentsOf } from "./helpers.ts";

/** The parts of a webhook channel's payload (Standard Webhooks JSON) this test reads. */
interface Alert {
  type: string;
  data: {
    monitor: { id: string; name: string };
    incident: { id: string; startedAt: string } | null;
    escalation?: { level: number; afterMinutes: number };
  };
}
const alertOf = (r: Received) => r.json as Alert;
const alertsFor = (receiver: Receiver, incidentId: string) =>
  receiver.requests.map(alertOf).filter((a) => a.data.incident?.id === incidentId);
const escalation = (receiver: Receiver, incidentId: string, level: number) =>
  receiver.requests.find((r) => {
    const a = alertOf(r);
    return a.data.incident?.id === incidentId && a.data.escalation?.level === level;
  });

/** The monitor's incident, once it has opened. */
async function openIncidentOf(d: Dashboard, monitorId: string) {
  const open = await waitFor(
    `monitor ${monitorId}'s incident to open`,
    async () => (await incidentsOf(d.base, monitorId)).find((i) => i.status === "open"),
    UI_TIMEOUT_MS * 2,
  );
  return open!;
}

/**
 * Watches an escalation arrive: a routing policy built in the dashboard (down → the chat channel;
 * 1 min unacknowledged → the pager; 3 min → the pager again, level 2), real webhook receivers on
 * 127.0.0.1, monitors taken down by pointing them at a closed port. The first alert reaches the
 * chat receiver, then the escalation reaches the pager, and the open deliveries screen shows it
 * without a reload. Acknowledged in the dashboard, the incident escalates no further: a second,
 * unacknowledged incident opened later is the control whose level-2 step proves the sweep ran
 * past the first one's time (1 minute is the API's shortest escalation step; the evaluator looks
 * every second here, ALERT_SWEEP_SECONDS=1).
 */
describe("dashboard: an escalation arrives, and stops when acknowledged", () => {
  let d: Dashboard;
  let page: Page;
  let chat: Receiver;
  let pager: Receiver;

  beforeAll(async () => {
    chat = await startReceiver();
    pager = await startReceiver();
    d = await startDashboard({ env: { ALERT_SWEEP_SECONDS: "1" } });
    page = (await d.signedIn()).page;
  }, START_TIMEOUT_MS + 60_000);
  afterAll(async () => {
    await d?.close();
    await chat?.close();
    await pager?.close();
  });

  it(
    "down → chat, 1 min unacknowledged → pager; the deliveries screen follows live; acknowledging stops it",
    async () => {
      const wait = { timeout: UI_TIMEOUT_MS };
      for (const [name, receiver] of [
        ["Chat #ops", chat],
        ["Pager", pager],
      ] as const) {
        await api(d.base, "POST", "/api/v1/channels", {
          name,
          kind: "webhook",
          config: { url: `${receiver.origin}/hook` },
          events: ["down", "up"],
        });
      }

      // The policy, built in the routing screen.
      await page.goto("/routing");
      await page.getByText("No routing rule yet").waitFor(wait);
      await page.getByRole("button", { name: "New rule" }).click();
      await page.getByLabel("Rule name").fill("checkout on-call");
      await page.getByLabel(/^Monitors tagged/).fill("checkout");
      await page.getByRole("group", { name: "Send to", exact: true }).getByLabel("Chat #ops").check();
      for (const [n, minutes] of [
        [1, "1"],
        [2, "3"],
      ] as const) {
        await page.getByRole("button", { name: "Add an escalation step" }).click();
        await page.getByLabel(`Step ${n}: minutes unacknowledged`).fill(minutes);
        await page
          .getByRole("group", { name: `Step ${n}: send to`, exact: true })
          .getByLabel("Pager")
          .check();
      }
      await page.getByRole("button", { name: "Create rule" }).click();
      const card = page.getByRole("article", { name: "checkout on-call" });
      await card.waitFor(wait);
      const steps = await card.locator(".policy-steps li").allTextContents();
      expect(steps.map((s) => s.replace(/\s+/g, " "))).toEqual([
        "Down, Up → goes to Chat #ops",
        "1 min unacknowledged → goes to Pager",
        "3 min unacknowledged → goes to Pager",
      ]);

      // The outage: a monitor on a closed port; its incident opens and the first alert reaches chat.
      const closed = `http://127.0.0.1:${await freePort()}/`;
      const checkout = await api<{ id: string }>(
        d.base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("Checkout", closed, { tags: ["checkout"] }),
      );
      const incident = await openIncidentOf(d, checkout.id);
      const first = (await waitFor(
        "the down alert at the chat receiver",
        () => chat.requests.find((r) => alertOf(r).data.incident?.id === incident.id),
        UI_TIMEOUT_MS * 2,
      ))!;
      expect(alertOf(first)).toMatchObject({ type: "monitor.down", data: { monitor: { name: "Checkout" } } });
      expect(alertOf(first).data.escalation).toBeUndefined();
      expect(alertsFor(pager, incident.id)).toEqual([]);

      // The control: a second incident opened after the first, left unacknowledged.
      const replica = await api<{ id: string }>(
        d.base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("Checkout replica", closed, { tags: ["checkout"] }),
      );
      const control = await openIncidentOf(d, replica.id);

      // The deliveries screen, open before the escalation is due: it must show it without a reload.
      await page.goto("/deliveries");
      await page.locator(".delivery").first().waitFor(wait);
      await page.evaluate(() => {
        (window as unknown as { stayed: boolean }).stayed = true;
      });
      expect(await page.locator(".delivery", { hasText: "Pager" }).count()).toBe(0);

      // A minute unacknowledged: the pager gets the down alert again, as escalation level 1.
      const escalated = (await waitFor(
        "the level-1 escalation at the pager",
        () => escalation(pager, incident.id, 1),
        120_000,
      ))!;
      const startedAt = Date.parse(alertOf(escalated).data.incident!.startedAt);
      expect(escalated.at - startedAt).toBeGreaterThanOrEqual(60_000);
      expect(escalated.at).toBeGreaterThan(first.at);
      expect(alertOf(escalated)).toMatchObject({
        type: "monitor.down",
        data: { monitor: { name: "Checkout" }, escalation: { level: 1, afterMinutes: 1 } },
      });
      await page.locator(".delivery", { hasText: "Pager" }).first().waitFor(wait);
      expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
      await expectAccessible(page);
      await screenshots(page, "alerting-deliveries-live");

      // Acknowledged in the dashboard before the 3-minute step.
      await page.goto(`/incidents/${incident.id}`);
      await page.getByRole("button", { name: "Acknowledge", exact: true }).click(wait);
      await page
        .getByText(/Acknowledged by/)
        .first()
        .waitFor(wait);
      const ackedAt = Date.now();
      expect(ackedAt - startedAt, "acknowledged before the 3-minute step was due").toBeLessThan(180_000);

      // The control's level-2 step arrives: the sweep has run past the acknowledged incident's
      // 3 minutes too (it opened earlier), and sent it nothing more.
      await waitFor(
        "the control incident's level-2 escalation at the pager",
        () => escalation(pager, control.id, 2),
        240_000,
      );
      expect(escalation(pager, incident.id, 2)).toBeUndefined();
      expect(
        pager.requests.filter((r) => alertOf(r).data.incident?.id === incident.id && r.at > ackedAt),
      ).toEqual([]);
      expect(alertsFor(pager, incident.id).map((a) => a.data.escalation?.level)).toEqual([1]);
    },
    scaledTimeout(600_000),
  );
});
