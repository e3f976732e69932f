import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../lib/clock.ts";
import { sweepFollowUps } from "../services/alerts/reminders.ts";
import {
  alertingMonitor,
  alertRule,
  delivered,
  deliveryLog,
  received,
  record,
  settled,
  webhookChannel,
} from "../test/alert-routing.ts";
import { API, call } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { type Receiver, startReceiver } from "../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

const MIN = 60_000;

/**
 * Reminders and escalation, with a controlled clock: the sweep (the evaluator's periodic task,
 * called directly here) writes due reminders and escalation steps of open, unacknowledged
 * incidents to the outbox, and the notifier delivers them to a real local receiver.
 */
describe.each(DB_KINDS)("reminders and escalation on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 3, 1));
  let up: TestUpblit;
  let receiver: Receiver;
  const ch: Record<string, string> = {};
  const open: string[] = [];

  /** Sweeps at `minutes` after `start` and waits until what it wrote is delivered. */
  async function sweepAt(start: number, minutes: number): Promise<number> {
    clock.set(start + minutes * MIN);
    const written = await sweepFollowUps(up.rt);
    await settled(up);
    return written;
  }
  async function goDown(name: string, tags: string[]): Promise<{ id: string; start: number }> {
    const id = await alertingMonitor(up, name, tags);
    const start = clock.now();
    await record(up, clock, id, "down");
    open.push(id);
    return { id, start };
  }

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,notifier" }, { clock, notifierPollMs: 25 });
    receiver = await startReceiver();
    ch.oncall = await webhookChannel(up, receiver, "oncall", { events: ["down", "up", "acknowledged"] });
    ch.lead = await webhookChannel(up, receiver, "lead", { events: ["down", "up", "acknowledged"] });
    ch.cto = await webhookChannel(up, receiver, "cto");
    await alertRule(up, {
      tags: ["db"],
      channelIds: [ch.oncall],
      reminderMinutes: 5,
      escalation: [
        { afterMinutes: 12, channelIds: [ch.lead] },
        { afterMinutes: 30, channelIds: [ch.cto] },
      ],
    });
  });
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
  });
  afterEach(async () => {
    // Recover what a test left down, so later sweeps concern only the next test's incident.
    for (const id of open.splice(0)) await record(up, clock, id, "up");
    await settled(up);
  });

  it("reminds every N minutes while down, escalates step by step, and stops on recovery", async () => {
    const { id, start } = await goDown("orders db", ["db"]);
    await received(up, receiver, 1);
    expect(await sweepAt(start, 4.9)).toBe(0);
    expect(await sweepAt(start, 5)).toBe(1);
    expect(await sweepAt(start, 6)).toBe(0); // the same reminder is not sent twice
    await received(up, receiver, 2);
    expect(await sweepAt(start, 10)).toBe(1);
    expect(await sweepAt(start, 12)).toBe(1); // escalation step 1
    expect(await sweepAt(start, 14)).toBe(0);
    await received(up, receiver, 4);
    expect(deliveryLog(receiver)).toEqual([
      ["oncall", "monitor.down"],
      ["oncall", "incident.reminder"],
      ["oncall", "incident.reminder"],
      ["lead", "monitor.down"],
    ]);
    const [down, reminder, , escalation] = delivered(receiver);
    expect(reminder!.data).toMatchObject({ state: "down", monitor: { id } });
    expect(reminder!.data.incident).toEqual(down!.data.incident);
    expect(escalation!.data.incident).toEqual(down!.data.incident);
    for (const d of [reminder!, escalation!]) expect(d.data.acknowledgeUrl).toMatch(/\/ack\//);
    expect(escalation!.data.acknowledgeUrl).not.toBe(reminder!.data.acknowledgeUrl);

    clock.set(start + 16 * MIN);
    await record(up, clock, id, "up");
    open.splice(open.indexOf(id), 1);
    await received(up, receiver, 5);
    expect(deliveryLog(receiver)[4]).toEqual(["oncall", "monitor.up"]);
    for (const minutes of [20, 30, 45]) expect(await sweepAt(start, minutes)).toBe(0);
    expect(receiver.requests).toHaveLength(5);
  });

  it("after missed sweeps sends the latest reminder once, and every escalation step that is due", async () => {
    const { start } = await goDown("cache db", ["db"]);
    await received(up, receiver, 1);
    expect(await sweepAt(start, 31)).toBe(3); // reminder 6, step 1 (12 min), step 2 (30 min)
    await received(up, receiver, 4);
    expect(deliveryLog(receiver).slice(1).sort()).toEqual([
      ["cto", "monitor.down"],
      ["lead", "monitor.down"],
      ["oncall", "incident.reminder"],
    ]);
    const rows = await up.rt.db
      .selectFrom("notifications")
      .select("event_id")
      .where("event", "=", "reminder")
      .execute();
    expect(rows.filter((r) => r.event_id?.endsWith(":6"))).toHaveLength(1);
    expect(rows.filter((r) => r.event_id?.includes(":5"))).toHaveLength(0);
  });

  it("acknowledging stops reminders and escalation, and tells the channels that were alerted", async () => {
    const { start } = await goDown("billing db", ["db"]);
    await received(up, receiver, 1);
    expect(await sweepAt(start, 5)).toBe(1);
    await received(up, receiver, 2);
    const incidentId = (delivered(receiver)[0]!.data.incident as { id: string }).id;
    clock.set(start + 7 * MIN);
    const ack = await call(up, "POST", `${API}/incidents/${incidentId}/acknowledge`, { note: "on it" });
    expect(ack.statusCode, ack.body).toBe(200);
    await received(up, receiver, 3);
    expect(deliveryLog(receiver)[2]).toEqual(["oncall", "incident.acknowledged"]);
    for (const minutes of [10, 12, 15, 30, 60]) expect(await sweepAt(start, minutes)).toBe(0);
    expect(receiver.requests).toHaveLength(3);
  });

  it("escalation does not happen when someone acknowledged before its time", async () => {
    const { start } = await goDown("search db", ["db"]);
    await received(up, receiver, 1);
    const incidentId = (delivered(receiver)[0]!.data.incident as { id: string }).id;
    clock.set(start + 2 * MIN);
    expect((await call(up, "POST", `${API}/incidents/${incidentId}/acknowledge`)).statusCode).toBe(200);
    await received(up, receiver, 2);
    expect(await sweepAt(start, 12)).toBe(0);
    expect(await sweepAt(start, 31)).toBe(0);
    expect(deliveryLog(receiver)).toEqual([
      ["oncall", "monitor.down"],
      ["oncall", "incident.acknowledged"],
    ]);
  });

  it("a silenced monitor gets no reminders and no escalation", async () => {
    const { id, start } = await goDown("quiet db", ["db"]);
    await received(up, receiver, 1);
    const silence = await call(up, "PUT", `${API}/monitors/${id}/silence`, {
      reason: "migrating",
      untilRecovery: true,
    });
    expect(silence.statusCode, silence.body).toBe(200);
    expect(await sweepAt(start, 5)).toBe(0);
    expect(await sweepAt(start, 31)).toBe(0);
    expect(receiver.requests).toHaveLength(1);
  });

  it("a monitor no rule covers gets no reminders", async () => {
    const { start } = await goDown("web frontend", ["web"]);
    expect(await sweepAt(start, 31)).toBe(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it("two sweeps at the same time send each reminder and escalation once", async () => {
    const { start } = await goDown("ledger db", ["db"]);
    await received(up, receiver, 1);
    clock.set(start + 12 * MIN);
    const counts = await Promise.all([sweepFollowUps(up.rt), sweepFollowUps(up.rt), sweepFollowUps(up.rt)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(2); // reminder 2 to oncall, step 1 to lead
    await received(up, receiver, 3);
    expect(deliveryLog(receiver).slice(1).sort()).toEqual([
      ["lead", "monitor.down"],
      ["oncall", "incident.reminder"],
    ]);
    const ids = delivered(receiver).map((d) => d.data.notificationId);
    expect(new Set(ids).size).toBe(3);
  });
});

describe.each(DB_KINDS)("the evaluator's sweep timer on %s", (kind) => {
  it("runs the sweep every ALERT_SWEEP_SECONDS on its own", async () => {
    const clock = new ManualClock(Date.UTC(2031, 4, 1));
    const up = await startTestUpblit(
      kind,
      { UPBLIT_ROLES: "api,evaluator,notifier", ALERT_SWEEP_SECONDS: "1" },
      { clock, notifierPollMs: 25 },
    );
    const receiver = await startReceiver();
    try {
      const channel = await webhookChannel(up, receiver, "pager");
      await alertRule(up, { tags: ["db"], channelIds: [channel], reminderMinutes: 5 });
      const id = await alertingMonitor(up, "timed db", ["db"]);
      await record(up, clock, id, "down");
      await received(up, receiver, 1);
      clock.advance(5 * MIN);
      await receiver.waitFor(2, 5_000);
      expect(deliveryLog(receiver)).toEqual([
        ["pager", "monitor.down"],
        ["pager", "incident.reminder"],
      ]);
    } finally {
      await up.close();
      await receiver.close();
    }
  });
});
