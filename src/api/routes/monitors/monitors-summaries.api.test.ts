import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherOrganization } from "../../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  getJson,
  type MonitorJson,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface Summary {
  monitorId: string;
  recent: Array<{ at: string; status: string; totalMs: number | null }>;
  uptime24h: number | null;
  uptime30d: number | null;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** GET /monitors/summaries: a page of rows' last checks and uptime in one request. */
describe.each(DB_KINDS)("monitor summaries on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  const result = (
    organizationId: string,
    monitorId: string,
    at: number,
    status: string,
    region = "local",
  ) => ({
    organization_id: organizationId,
    monitor_id: monitorId,
    region,
    slot_at: new Date(at),
    lateness_ms: 0,
    manual: false,
    status,
    status_code: null,
    dns_ms: null,
    connect_ms: null,
    tls_ms: null,
    ttfb_ms: null,
    total_ms: status === "down" ? 0 : 100 + ((at / MINUTE) % 7),
    error_kind: status === "down" ? "timeout" : null,
    error: status === "down" ? "timed out" : null,
    verdicts: null,
  });
  const summaries = (ids: string[], headers: Record<string, string> = {}) =>
    call(up, "GET", `${API}/monitors/summaries?ids=${ids.join(",")}`, undefined, headers);

  it("gives each monitor its last 30 checks (oldest first, worst region wins) and its uptime", async () => {
    const now = up.rt.clock.now();
    const a = await createMonitor(up, monitorBody("tcp", { name: "busy" }));
    const quiet = await createMonitor(up, monitorBody("tcp", { name: "quiet" }));
    // 35 checks a minute apart, the last 35 minutes; every 7th is down.
    const rows = Array.from({ length: 35 }, (_, i) =>
      result(up.organizationId, a.id, now - (35 - i) * MINUTE, i % 7 === 0 ? "down" : "up"),
    );
    // A second region reports the newest slot down: the slot shows down.
    await up.rt.db
      .updateTable("monitors")
      .set({ regions: ["local", "eu"] })
      .where("id", "=", a.id)
      .execute();
    rows.push(result(up.organizationId, a.id, now - MINUTE, "down", "eu"));
    await up.rt.db.insertInto("check_results").values(rows).execute();
    // Rolled-up history: 90 up and 10 down ten days ago; the watermark two hours back.
    await up.rt.db
      .insertInto("rollups_daily")
      .values({
        organization_id: up.organizationId,
        monitor_id: a.id,
        bucket: new Date(Math.floor((now - 10 * DAY) / DAY) * DAY),
        checks: 100,
        up: 90,
        degraded: 0,
        down: 10,
        unknown: 0,
        latency_samples: 90,
        latency_min: 1,
        latency_avg: 2,
        latency_p95: 3,
        latency_max: 4,
      })
      .execute();
    await up.rt.db
      .insertInto("rollup_watermark")
      .values({ id: 1, hourly_until: new Date(Math.floor(now / HOUR) * HOUR - HOUR) })
      .onConflict((oc) =>
        oc.column("id").doUpdateSet({ hourly_until: new Date(Math.floor(now / HOUR) * HOUR - HOUR) }),
      )
      .execute();

    const res = await summaries([a.id, quiet.id]);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json<{ items: Summary[] }>().items;
    const busy = items.find((s) => s.monitorId === a.id)!;
    expect(busy.recent).toHaveLength(30);
    const times = busy.recent.map((r) => Date.parse(r.at));
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(times.at(-1)).toBe(now - MINUTE);
    expect(times[0]).toBe(now - 30 * MINUTE);
    expect(busy.recent.at(-1)).toMatchObject({ status: "down", totalMs: expect.any(Number) });
    expect(busy.recent.at(-2)?.status).toBe("up");
    expect(busy.recent.filter((r) => r.status === "down" && r.totalMs === null).length).toBe(4);
    // Raw: 35 local checks, 5 down, plus the eu slot down. 24 h: raw only; 30 d: rollups + raw.
    expect(busy.uptime24h).toBeCloseTo(30 / 36, 6);
    expect(busy.uptime30d).toBeCloseTo(120 / 136, 6);
    expect(items.find((s) => s.monitorId === quiet.id)).toEqual({
      monitorId: quiet.id,
      recent: [],
      uptime24h: null,
      uptime30d: null,
    });
  });

  it("leaves out another organization's and missing monitors, and their results", async () => {
    const mine = await createMonitor(up, monitorBody("tcp", { name: "mine" }));
    const other = await otherOrganization(up, "Other org");
    const theirs = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("tcp", { name: "theirs" }),
      other.headers,
    );
    const theirId = theirs.json<MonitorJson>().id;
    await up.rt.db
      .insertInto("check_results")
      .values(result(other.organizationId, theirId, up.rt.clock.now() - MINUTE, "up"))
      .execute();
    const res = await summaries([mine.id, theirId, "mon_00000000000000000000000000"]);
    expect(res.json<{ items: Summary[] }>().items.map((s) => s.monitorId)).toEqual([mine.id]);
    const own = await summaries([theirId], other.headers);
    expect(own.json<{ items: Summary[] }>().items[0]?.recent).toHaveLength(1);
  });

  it("takes 1 to 200 ids", async () => {
    expect((await call(up, "GET", `${API}/monitors/summaries?ids=`)).statusCode).toBe(400);
    const many = Array.from({ length: 201 }, (_, i) => `mon_${i}`);
    expect((await summaries(many)).statusCode).toBe(400);
    const ok = await getJson<{ items: Summary[] }>(
      up,
      `${API}/monitors/summaries?ids=${many.slice(0, 200).join(",")}`,
    );
    expect(ok.items).toEqual([]);
  });
});
