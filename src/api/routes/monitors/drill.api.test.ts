import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DRILL_LIMITS } from "../../../services/alerts/drill.ts";
import { API, call, createMonitor, expectProblem, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { type Receiver, startReceiver } from "../../../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/**
 * Fire drills through the real pipeline: routing, the outbox, the notifier role and the adapters
 * deliver to local receivers, and the report says what each answered. Nothing about the monitor's
 * state or incidents may change.
 */
const SECRET = `whsec_${Buffer.from("a drill signing secret of 32 b.").toString("base64")}`;

interface Report {
  drillId: string;
  monitorId: string;
  channels: Array<{
    channelId: string;
    name: string;
    kind: string;
    down: Record<string, unknown> | null;
    up: Record<string, unknown> | null;
  }>;
  hints: string[];
}

describe.each(DB_KINDS)("fire drills on %s", (kind) => {
  let up: TestUpblit;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,notifier" }, { notifierPollMs: 25 });
  });
  afterAll(async () => {
    await up?.close();
    await Promise.all(receivers.map((r) => r.close()));
  });

  const receiver = async () => {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  };
  const webhook = async (name: string, r: Receiver, events = ["down", "up"]) => {
    const res = await call(up, "POST", `${API}/channels`, {
      name,
      kind: "webhook",
      config: { url: `${r.origin}/drill` },
      secrets: { signingSecret: SECRET },
      events,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };
  const monitorWith = async (name: string, channelIds: string[]) => {
    const { id } = await createMonitor(up, monitorBody("http", { name }));
    const res = await call(up, "PUT", `${API}/monitors/${id}/channels`, { channelIds });
    expect(res.statusCode, res.body).toBe(200);
    return id;
  };
  const drill = (monitorId: string) => call(up, "POST", `${API}/monitors/${monitorId}/drill`);
  const report = async (monitorId: string) => {
    const res = await drill(monitorId);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Report>();
  };
  const verify = (r: { body: string; headers: Record<string, unknown> }) =>
    new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>) as {
      type: string;
      data: Record<string, unknown>;
    };
  /** What a drill must never touch: the monitor's state row, its events and its incidents. */
  const footprint = async (monitorId: string) => ({
    state: await up.rt.db
      .selectFrom("monitor_state")
      .selectAll()
      .where("monitor_id", "=", monitorId)
      .execute(),
    events: await up.rt.db
      .selectFrom("monitor_events")
      .select("id")
      .where("monitor_id", "=", monitorId)
      .execute(),
    incidents: await up.rt.db
      .selectFrom("incidents")
      .select("id")
      .where("monitor_id", "=", monitorId)
      .execute(),
    shown: (await call(up, "GET", `${API}/monitors/${monitorId}`)).json<{ state: string }>().state,
  });

  it("sends a drill-marked down then up to a webhook and reports the 200s; state and incidents unchanged", async () => {
    const r = await receiver();
    const channelId = await webhook("drill hook", r);
    const monitorId = await monitorWith("Checkout API", [channelId]);
    const before = await footprint(monitorId);

    const result = await report(monitorId);
    expect(result.drillId).toMatch(/^drl_/);
    expect(result.monitorId).toBe(monitorId);
    expect(result.hints).toEqual([]);
    expect(result.channels).toEqual([
      {
        channelId,
        name: "drill hook",
        kind: "webhook",
        down: {
          notificationId: expect.stringMatching(/^ntf_/),
          outcome: "sent",
          statusCode: 200,
          error: null,
          latencyMs: expect.any(Number),
          attempts: 1,
        },
        up: expect.objectContaining({ outcome: "sent", statusCode: 200, attempts: 1, error: null }),
      },
    ]);

    expect(r.requests).toHaveLength(2);
    const [down, recovered] = r.requests.map(verify);
    expect(down!.type).toBe("monitor.down");
    expect(recovered!.type).toBe("monitor.up");
    for (const payload of [down!, recovered!]) {
      expect(payload.data).toMatchObject({ drill: true, monitor: { id: monitorId, name: "Checkout API" } });
      expect((payload.data.incident as { id: string }).id).toBe(result.drillId);
    }
    expect(down!.data).toMatchObject({ state: "down", previousState: "up" });
    expect(recovered!.data).toMatchObject({ state: "up", previousState: "down" });
    const ids = r.requests.map((q) => q.headers["webhook-id"]);
    expect(new Set(ids).size).toBe(2);
    expect(ids).toEqual([result.channels[0]!.down!.notificationId, result.channels[0]!.up!.notificationId]);
    expect(r.requests[0]!.at).toBeLessThanOrEqual(r.requests[1]!.at);

    expect(await footprint(monitorId)).toEqual(before);
    const rows = await up.rt.db
      .selectFrom("notifications")
      .select(["event_id", "drill", "monitor_id"])
      .where("monitor_id", "=", monitorId)
      .orderBy("event_id")
      .execute();
    expect(rows).toEqual([
      { event_id: `drill:${result.drillId}:down`, drill: true, monitor_id: monitorId },
      { event_id: `drill:${result.drillId}:up`, drill: true, monitor_id: monitorId },
    ]);
    const audit = await call(up, "GET", `${API}/audit-log?targetId=${monitorId}`);
    expect(audit.body).toContain("monitor.drill");
  });

  it("reports a receiver answering 500 as pending (to be retried) and one answering 400 as failed", async () => {
    const failing = await receiver();
    failing.answer(500, "boom");
    const refusing = await receiver();
    refusing.answer(400, "bad");
    const fine = await receiver();
    const ids = [
      await webhook("a failing", failing),
      await webhook("b refusing", refusing),
      await webhook("c down only", fine, ["down"]),
    ];
    const monitorId = await monitorWith("Payments", ids);
    const before = await footprint(monitorId);
    const result = await report(monitorId);
    const byName = Object.fromEntries(result.channels.map((c) => [c.name, c]));
    expect(byName["a failing"]!.down).toMatchObject({
      outcome: "pending",
      statusCode: 500,
      error: "HTTP 500: boom",
      attempts: 1,
    });
    expect(byName["a failing"]!.up).toMatchObject({ outcome: "pending", statusCode: 500 });
    expect(byName["b refusing"]!.down).toMatchObject({ outcome: "failed", statusCode: 400, attempts: 1 });
    expect(byName["c down only"]!.down).toMatchObject({ outcome: "sent", statusCode: 200 });
    expect(byName["c down only"]!.up).toBeNull();
    expect(fine.requests).toHaveLength(1);
    expect(result.hints.join(" ")).toMatch(/retried with back-off/);
    expect(result.hints.join(" ")).toMatch(/refused the message for good/);
    expect(await footprint(monitorId)).toEqual(before);
  });

  it("returns an empty report with a hint when no channel is routed", async () => {
    const monitorId = await monitorWith("Lonely", []);
    const result = await report(monitorId);
    expect(result.channels).toEqual([]);
    expect(result.hints).toEqual([expect.stringMatching(/^No channel is routed to this monitor/)]);
  });

  it("runs one drill per monitor at a time: a second one meanwhile is a 409", async () => {
    const slow = await receiver();
    slow.respond((_req, res) => {
      setTimeout(() => {
        res.writeHead(200);
        res.end("late");
      }, 1_500);
    });
    const monitorId = await monitorWith("Slow receiver", [await webhook("slow", slow)]);
    const first = drill(monitorId);
    await slow.waitFor(1);
    expectProblem(await drill(monitorId), 409, "CONFLICT");
    const done = await first;
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json<Report>().channels[0]!.up).toMatchObject({ outcome: "sent" });
    // Another monitor is not held up by it, and the monitor can be drilled again afterwards.
    expect((await drill(await monitorWith("Other", []))).statusCode).toBe(200);
    expect((await drill(monitorId)).statusCode).toBe(200);
  });

  it(`allows ${DRILL_LIMITS.perMonitorPerHour} drills of a monitor an hour, then 429 with Retry-After`, async () => {
    const monitorId = await monitorWith("Drilled often", []);
    for (let i = 0; i < DRILL_LIMITS.perMonitorPerHour; i++)
      expect((await drill(monitorId)).statusCode).toBe(200);
    const refused = await drill(monitorId);
    expectProblem(refused, 429, "LIMIT_EXCEEDED");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(3_000);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(3_600);
  });

  it("is a 404 for a monitor that does not exist", async () => {
    expectProblem(await drill("mon_00000000000000000000000000"), 404, "NOT_FOUND");
  });
});
