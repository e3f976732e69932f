import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { webhookChannel } from "../../../test/alert-routing.ts";
import {
  API,
  call,
  checkNowAndWait,
  createMonitor,
  getJson,
  monitorBody,
  type ResultJson,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { type Receiver, startReceiver } from "../../../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/**
 * Maintenance end to end: real checks (check-now, the probe and the evaluator in this process)
 * of an HTTP target that answers 500, a default webhook channel on a second local receiver, and a
 * controlled clock to step past the window's end.
 */
const SECRET = `whsec_${Buffer.from("a test signing secret of 32 bytes").toString("base64")}`;
// Saturday 2031-05-10 12:00 UTC.
const NOW = Date.UTC(2031, 4, 10, 12, 0);
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(DB_KINDS)("maintenance windows and alerts on %s", (kind) => {
  const clock = new ManualClock(NOW);
  let up: TestUpblit;
  let target: Receiver;
  let hooks: Receiver;

  beforeAll(async () => {
    // No scheduler: every check below is one check-now, so what each result does is exact.
    up = await startTestUpblit(
      kind,
      { UPBLIT_ROLES: "api,probe,evaluator,notifier" },
      { clock, notifierPollMs: 25 },
    );
    target = await startReceiver();
    target.answer(500, "failing");
    hooks = await startReceiver();
    await webhookChannel(up, hooks, "ops", {
      isDefault: true,
      events: ["down", "up"],
      path: "/hooks",
      secret: SECRET,
    });
  });
  afterAll(async () => {
    await up?.close();
    await target?.close();
    await hooks?.close();
  });
  beforeEach(() => {
    clock.set(NOW);
  });

  const monitor = async (name: string, tags: string[] = []) =>
    (
      await createMonitor(
        up,
        monitorBody("http", {
          name,
          tags,
          target: `${target.origin}/health`,
          failuresBeforeDown: 1,
          successesBeforeUp: 1,
          intervalSeconds: 86_400,
        }),
      )
    ).id;
  const results = async (id: string) =>
    (await getJson<{ items: ResultJson[] }>(up, `${API}/monitors/${id}/results`)).items;
  /** Runs one real check now (a second later than the last, so it is a new slot) and waits for it to be stored. */
  async function check(id: string): Promise<ResultJson> {
    clock.advance(1_000);
    return checkNowAndWait(up, id);
  }
  const state = async (id: string) => (await getJson<{ state: string }>(up, `${API}/monitors/${id}`)).state;
  const notifications = (id: string) =>
    up.rt.db
      .selectFrom("notifications")
      .select(["event", "message"])
      .where("monitor_id", "=", id)
      .orderBy("created_at")
      .execute();
  const window = async (body: Record<string, unknown>) => {
    const res = await call(up, "POST", `${API}/maintenance-windows`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string; active: boolean }>();
  };

  it("inside a window a failing monitor is checked and recorded, shows maintenance and alerts no one; after it, the next failure alerts", async () => {
    const id = await monitor("checkout");
    const w = await window({
      title: "Checkout deploy",
      monitorIds: [id],
      schedule: { type: "once", startsAt: iso(NOW), endsAt: iso(NOW + 30 * MIN) },
    });
    expect(w.active).toBe(true);

    const first = await check(id);
    expect(first).toMatchObject({ status: "down", statusCode: 500 });
    expect(await state(id)).toBe("maintenance");
    await check(id);
    expect((await results(id)).filter((r) => r.status === "down")).toHaveLength(2);
    expect(await state(id)).toBe("maintenance");
    expect(await notifications(id)).toEqual([]);
    const incidents = await getJson<{ items: unknown[] }>(up, `${API}/incidents?monitorId=${id}`);
    expect(incidents.items).toEqual([]);

    // The window ends; nothing happens until the next result.
    clock.set(NOW + 31 * MIN);
    expect((await getJson<{ active: boolean }>(up, `${API}/maintenance-windows/${w.id}`)).active).toBe(false);
    expect(await state(id)).toBe("maintenance");

    await check(id);
    expect(await state(id)).toBe("down");
    const written = await notifications(id);
    expect(written.map((n) => n.event)).toEqual(["down"]);
    expect(written[0]!.message).toMatchObject({ state: "down", previousState: "maintenance" });
    const [delivered] = await hooks.waitFor(1);
    expect(delivered!.headers["webhook-id"]).toBeDefined();
    expect(delivered!.json).toMatchObject({ type: "monitor.down", data: { monitor: { id } } });
  });

  it("a window covering a tag quiets the tagged monitors only", async () => {
    const tagged = await monitor("primary db", ["db", "eu"]);
    const untagged = await monitor("web");
    // Daily 11:30–12:30 UTC: open at NOW.
    const w = await window({
      title: "DB maintenance",
      tags: ["db"],
      schedule: { type: "recurring", timezone: "UTC", startTime: "11:30", durationMinutes: 60, daily: true },
    });
    expect(w.active).toBe(true);
    await check(tagged);
    await check(untagged);
    expect(await state(tagged)).toBe("maintenance");
    expect(await state(untagged)).toBe("down");
    expect(await notifications(tagged)).toEqual([]);
    expect((await notifications(untagged)).map((n) => n.event)).toEqual(["down"]);

    // 12:30 the next day is outside the window: the tagged monitor alerts on its next failure.
    clock.set(NOW + 24 * 60 * MIN + 31 * MIN);
    await check(tagged);
    expect(await state(tagged)).toBe("down");
    expect((await notifications(tagged)).map((n) => n.event)).toEqual(["down"]);
  });

  it("entering a window resolves the open incident without an alert; a window deleted stops covering", async () => {
    const id = await monitor("api");
    await check(id);
    expect(await state(id)).toBe("down");
    const open = await getJson<{ items: Array<{ status: string }> }>(up, `${API}/incidents?monitorId=${id}`);
    expect(open.items.map((i) => i.status)).toEqual(["open"]);

    const w = await window({
      title: "Emergency fix",
      monitorIds: [id],
      schedule: { type: "once", startsAt: iso(NOW), endsAt: iso(NOW + 60 * MIN) },
    });
    await check(id);
    expect(await state(id)).toBe("maintenance");
    const resolved = await getJson<{ items: Array<{ status: string }> }>(
      up,
      `${API}/incidents?monitorId=${id}`,
    );
    expect(resolved.items.map((i) => i.status)).toEqual(["resolved"]);
    expect((await notifications(id)).map((n) => n.event)).toEqual(["down"]);

    expect((await call(up, "DELETE", `${API}/maintenance-windows/${w.id}`)).statusCode).toBe(204);
    await check(id);
    expect(await state(id)).toBe("down");
    expect((await notifications(id)).map((n) => n.event)).toEqual(["down", "down"]);
    // Every move is a state-change event, newest first.
    const events = await getJson<{ items: Array<{ from: string; to: string }> }>(
      up,
      `${API}/monitors/${id}/events`,
    );
    expect(events.items.map((e) => [e.from, e.to])).toEqual([
      ["maintenance", "down"],
      ["down", "maintenance"],
      ["pending", "down"],
    ]);
  });
});
