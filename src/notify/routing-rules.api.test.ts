import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../lib/clock.ts";
import {
  alertingMonitor,
  alertRule,
  delivered,
  deliveryLog,
  received,
  record,
  webhookChannel,
} from "../test/alert-routing.ts";
import { API, call } from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { type Receiver, startReceiver } from "../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

/**
 * Tag rules end to end: a state change committed by the evaluator's service is routed to the
 * default channels, the monitor's own and the channels of every enabled rule whose tags cover it,
 * each once, and delivered by the notifier to a real local receiver.
 */
describe.each(DB_KINDS)("alert rules route by tag on %s", (kind) => {
  const clock = new ManualClock(Date.UTC(2031, 2, 1));
  let up: TestUpblit;
  let receiver: Receiver;
  const ch: Record<string, string> = {};

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,notifier" }, { clock, notifierPollMs: 25 });
    receiver = await startReceiver();
    ch.everyone = await webhookChannel(up, receiver, "everyone", { isDefault: true });
    ch.dba = await webhookChannel(up, receiver, "dba");
    ch.web = await webhookChannel(up, receiver, "web", { events: ["down", "up", "degraded"] });
    ch.all = await webhookChannel(up, receiver, "all");
  });
  afterAll(async () => {
    await up?.close();
    await receiver?.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
  });

  it("sends a tagged monitor's alerts to the rule's channels, and only for the rule's events", async () => {
    await alertRule(up, { tags: ["db", "cache"], events: ["down"], channelIds: [ch.dba] });
    const db = await alertingMonitor(up, "orders db", ["db", "eu"]);
    const web = await alertingMonitor(up, "shop", ["web"]);
    const untagged = await alertingMonitor(up, "untagged");

    await record(up, clock, db, "down");
    await received(up, receiver, 2);
    expect(deliveryLog(receiver).sort()).toEqual([
      ["dba", "monitor.down"],
      ["everyone", "monitor.down"],
    ]);
    await record(up, clock, web, "down");
    await record(up, clock, untagged, "down");
    await received(up, receiver, 4);
    expect(deliveryLog(receiver).slice(2)).toEqual([
      ["everyone", "monitor.down"],
      ["everyone", "monitor.down"],
    ]);
    // The rule's events are down only: the recovery goes to the default channel alone.
    await record(up, clock, db, "up");
    await received(up, receiver, 5);
    expect(deliveryLog(receiver)[4]).toEqual(["everyone", "monitor.up"]);
    for (const id of [web, untagged]) await record(up, clock, id, "up");
    await received(up, receiver, 7);
  });

  it("a rule without tags covers every monitor; a disabled rule routes nothing", async () => {
    const rule = await alertRule(up, { channelIds: [ch.all], enabled: false });
    const m = await alertingMonitor(up, "anything", ["misc"]);
    await record(up, clock, m, "down");
    await received(up, receiver, 1);
    expect(deliveryLog(receiver)).toEqual([["everyone", "monitor.down"]]);

    const enabled = await call(up, "PATCH", `${API}/alert-rules/${rule}`, { enabled: true });
    expect(enabled.statusCode, enabled.body).toBe(200);
    await record(up, clock, m, "up");
    await received(up, receiver, 3);
    expect(deliveryLog(receiver).slice(1).sort()).toEqual([
      ["all", "monitor.up"],
      ["everyone", "monitor.up"],
    ]);
    await call(up, "DELETE", `${API}/alert-rules/${rule}`);
  });

  it("a channel reached several ways hears each alert once, and only events it subscribes to", async () => {
    await alertRule(up, {
      tags: ["storefront"],
      events: ["down", "up", "degraded"],
      channelIds: [ch.web, ch.dba],
    });
    await alertRule(up, { tags: ["payments"], events: ["down", "degraded"], channelIds: [ch.web] });
    const m = await alertingMonitor(up, "checkout", ["storefront", "payments"]);
    const own = await call(up, "PUT", `${API}/monitors/${m}/channels`, { channelIds: [ch.web] });
    expect(own.statusCode, own.body).toBe(200);

    await record(up, clock, m, "degraded");
    await received(up, receiver, 1);
    // dba is routed degraded alerts by the rule but does not subscribe to them itself.
    expect(deliveryLog(receiver)).toEqual([["web", "monitor.degraded"]]);
    await record(up, clock, m, "down");
    await received(up, receiver, 4);
    expect(deliveryLog(receiver).slice(1).sort()).toEqual([
      ["dba", "monitor.down"],
      ["everyone", "monitor.down"],
      ["web", "monitor.down"],
    ]);
    await record(up, clock, m, "up");
    await received(up, receiver, 7);
  });

  it("a down alert carries an acknowledge link for its own notification; a recovery carries none", async () => {
    const m = await alertingMonitor(up, "linked");
    await record(up, clock, m, "down");
    await received(up, receiver, 1);
    await record(up, clock, m, "up");
    await received(up, receiver, 2);
    const [down, recovered] = delivered(receiver);
    expect(down!.data.acknowledgeUrl).toMatch(/\/ack\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(recovered!.data.acknowledgeUrl).toBeNull();
  });

  it("a rule cannot route to another organization's channel: refused whole, nothing created", async () => {
    const other = await call(up, "GET", `${API}/alert-rules`);
    const before = other.json<{ items: unknown[] }>().items.length;
    const res = await call(up, "POST", `${API}/alert-rules`, {
      name: "sneaky",
      channelIds: [ch.dba, "chn_00000000000000000000000000"],
    });
    expect(res.statusCode, res.body).toBe(404);
    expect(res.json<{ errors: Array<{ path: string }> }>().errors.map((e) => e.path)).toEqual([
      "body.channelIds",
    ]);
    const after = await call(up, "GET", `${API}/alert-rules`);
    expect(after.json<{ items: unknown[] }>().items).toHaveLength(before);
  });
});
