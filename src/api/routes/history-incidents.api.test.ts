import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  authHeaders,
  createMonitor,
  getJson,
  type MonitorJson,
  monitorBody,
  startTarget,
  type TargetServer,
  waitFor,
} from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

interface EventJson {
  id: string;
  monitorId: string;
  from: string;
  to: string;
  reason: string | null;
  incidentId: string | null;
  at: string;
}
interface IncidentJson {
  id: string;
  monitorId: string;
  status: "open" | "resolved";
  cause: string | null;
  startedAt: string;
  resolvedAt: string | null;
  durationMs: number | null;
}
interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const STATUS_FAILED = /^assertion failed: status < 400 \(actual 500\)$/;

describe.each(DB_KINDS)("incidents and events of a checked monitor on %s", (kind) => {
  let up: TestUpblit;
  let target: TargetServer;
  beforeAll(async () => {
    up = await startTestUpblit(kind);
    target = await startTarget(200);
  });
  afterAll(async () => {
    await up?.close();
    await target?.close();
  });

  const stateOf = (id: string) => async () => (await getJson<MonitorJson>(up, `${API}/monitors/${id}`)).state;
  const incidents = (query: string) => getJson<Page<IncidentJson>>(up, `${API}/incidents?${query}`);

  it("pending → up → down opens an incident; back to 200 resolves it", async () => {
    target.setStatus(200);
    const m = await createMonitor(
      up,
      // A timeout close to the interval: a check of a healthy local target that misses a short
      // timeout on a busy machine would flap the monitor and add an incident this test does not expect.
      monitorBody("http", { name: "lifecycle", target: target.url, intervalSeconds: 3, timeoutMs: 2_900 }),
    );
    expect(m.state).toBe("pending");
    expect((await incidents("status=open")).items).toEqual([]);

    await waitFor(stateOf(m.id), (s) => s === "up");
    const upNow = await getJson<MonitorJson>(up, `${API}/monitors/${m.id}`);
    expect(upNow.lastStatus).toBe("up");
    expect(upNow.lastCheckedAt).not.toBeNull();

    target.setStatus(500);
    await waitFor(stateOf(m.id), (s) => s === "down");

    const open = await incidents("status=open");
    expect(open.items).toHaveLength(1);
    const incident = open.items[0]!;
    expect(incident).toEqual({
      id: expect.stringMatching(/^inc_[0-9a-z]{26}$/),
      monitorId: m.id,
      status: "open",
      workflowStatus: "investigating",
      assigneeId: null,
      cause: expect.stringMatching(STATUS_FAILED),
      startedAt: expect.any(String),
      resolvedAt: null,
      durationMs: null,
      regions: null,
    });
    expect(open.nextCursor).toBeNull();

    target.setStatus(200);
    await waitFor(stateOf(m.id), (s) => s === "up");
    // The monitor keeps being checked; stop it so later assertions see a fixed history.
    const paused = await up.app!.inject({
      headers: authHeaders(up),
      method: "POST",
      url: `${API}/monitors/${m.id}/pause`,
    });
    expect(paused.statusCode).toBe(200);

    expect((await incidents("status=open")).items).toEqual([]);
    const detail = await getJson<IncidentJson & { timeline: EventJson[] }>(
      up,
      `${API}/incidents/${incident.id}`,
    );
    expect(detail.status).toBe("resolved");
    expect(detail.cause).toBe(incident.cause);
    expect(detail.startedAt).toBe(incident.startedAt);
    expect(detail.resolvedAt).not.toBeNull();
    const duration = Date.parse(detail.resolvedAt!) - Date.parse(detail.startedAt);
    expect(detail.durationMs).toBeGreaterThan(0);
    expect(detail.durationMs).toBe(duration);
    expect(detail.timeline.map((e) => [e.from, e.to, e.incidentId])).toEqual([
      ["up", "down", incident.id],
      ["down", "up", incident.id],
    ]);
    expect(detail.timeline[0]!.reason).toBe(incident.cause);
    expect(detail.timeline[0]!.at).toBe(detail.startedAt);
    expect(detail.timeline[1]!.at).toBe(detail.resolvedAt);

    const resolved = await incidents(`status=resolved&monitorId=${m.id}`);
    expect(resolved.items.map((i) => i.id)).toEqual([incident.id]);
    expect((await incidents("monitorId=mon_other")).items).toEqual([]);

    // Transitions, newest first.
    const events = await getJson<Page<EventJson>>(up, `${API}/monitors/${m.id}/events`);
    expect(events.items.map((e) => [e.from, e.to])).toEqual([
      ["up", "paused"],
      ["down", "up"],
      ["up", "down"],
      ["pending", "up"],
    ]);
    expect(events.nextCursor).toBeNull();
    for (const e of events.items) expect(e.monitorId).toBe(m.id);
    const times = events.items.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(events.items[2]!.reason).toBe(incident.cause);
    expect(events.items[3]!.reason).toBeNull();
    expect(events.items[3]!.incidentId).toBeNull();

    // The same list, one event per page.
    const paged: EventJson[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = cursor ? `&cursor=${cursor}` : "";
      const page: Page<EventJson> = await getJson<Page<EventJson>>(
        up,
        `${API}/monitors/${m.id}/events?limit=1${qs}`,
      );
      paged.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor && paged.length < 10);
    expect(paged).toEqual(events.items);
  });

  it("pausing a down monitor resolves its open incident", async () => {
    const failing = await startTarget(503);
    try {
      const m = await createMonitor(
        up,
        monitorBody("http", { name: "pause-down", target: failing.url, intervalSeconds: 1, timeoutMs: 800 }),
      );
      await waitFor(stateOf(m.id), (s) => s === "down");
      const open = await incidents(`status=open&monitorId=${m.id}`);
      expect(open.items).toHaveLength(1);
      expect(open.items[0]!.cause).toMatch(/^assertion failed: status < 400 \(actual 503\)$/);

      const res = await up.app!.inject({
        headers: authHeaders(up),
        method: "POST",
        url: `${API}/monitors/${m.id}/pause`,
      });
      expect(res.json()).toMatchObject({ state: "paused", paused: true });
      expect((await incidents(`status=open&monitorId=${m.id}`)).items).toEqual([]);
      const detail = await getJson<IncidentJson & { timeline: EventJson[] }>(
        up,
        `${API}/incidents/${open.items[0]!.id}`,
      );
      expect(detail.status).toBe("resolved");
      expect(detail.timeline.map((e) => [e.from, e.to, e.reason])).toEqual([
        ["pending", "down", open.items[0]!.cause],
        ["down", "paused", "paused"],
      ]);
    } finally {
      await failing.close();
    }
  });
});
