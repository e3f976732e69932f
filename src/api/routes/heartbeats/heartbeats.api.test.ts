import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { sweepHeartbeats } from "../../../services/heartbeats/sweep.ts";
import { API, call, createMonitor, getJson, type MonitorJson, waitFor } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface PingJson {
  id: string;
  kind: string;
  exitStatus: number | null;
  rid: string | null;
  durationMs: number | null;
  bodyBytes: number;
  excerpt: string;
  sourceIp: string | null;
  userAgent: string | null;
}

const T0 = Date.parse("2026-06-01T10:00:00Z");

/** Heartbeat monitors end to end: pings in, results through the evaluator, deadlines swept. */
describe.each(DB_KINDS)("heartbeat monitors on %s", (kind) => {
  let up: TestUpblit;
  const clock = new ManualClock(T0);
  beforeAll(async () => {
    // The sweeper runs by hand here (sweepHeartbeats), as two schedulers would.
    up = await startTestUpblit(kind, {}, { clock, heartbeatSweepMs: 3_600_000 });
  });
  afterAll(async () => up?.close());

  async function heartbeat(name: string, extra: Record<string, unknown> = {}) {
    const m = await createMonitor(up, {
      type: "heartbeat",
      name,
      heartbeat: { periodSeconds: 3_600, graceSeconds: 600, ...extra },
      ...(extra.assertions
        ? { assertions: extra.assertions, heartbeat: { periodSeconds: 3_600, graceSeconds: 600 } }
        : {}),
    });
    const token = (m as unknown as { heartbeat: { token: string } }).heartbeat.token;
    return { id: m.id, token };
  }
  const ping = (path: string, method: "GET" | "POST" | "HEAD" = "GET", payload?: string) =>
    up.app!.inject({
      method,
      url: path,
      payload,
      headers: { "user-agent": "curl/8.5.0", "content-type": "text/plain" },
    });
  const stateOf = (id: string, want: string) =>
    waitFor(
      () => getJson<MonitorJson>(up, `${API}/monitors/${id}`),
      (m) => m.state === want,
    );
  const judgements = async (id: string) =>
    (await up.rt.db.selectFrom("heartbeat_judgements").selectAll().where("monitor_id", "=", id).execute())
      .length;
  const pings = async (id: string) =>
    (await getJson<{ items: PingJson[] }>(up, `${API}/monitors/${id}/pings`)).items;

  it("is created with a secret token and no target, and a success ping makes it up", async () => {
    const { id, token } = await heartbeat("nightly backup");
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const method of ["GET", "POST", "HEAD"] as const) {
      const res = await ping(`/ping/${token}`, method);
      expect(res.statusCode).toBe(200);
      expect(res.headers["ping-body-limit"]).toBe("100000");
      if (method !== "HEAD") expect(res.body).toBe("OK");
      clock.advance(1_000);
    }
    expect((await stateOf(id, "up")).state).toBe("up");
    const listed = await pings(id);
    expect(listed.map((p) => p.kind)).toEqual(["success", "success", "success"]);
    expect(listed[0]).toMatchObject({ userAgent: "curl/8.5.0", sourceIp: "127.0.0.1" });
  });

  it("answers an unknown token or signal like Healthchecks: 404 not found, and nothing else", async () => {
    for (const path of ["/ping/AAAAAAAAAAAAAAAAAAAAAA", "/ping/nope", "/ping/AAAAAAAAAAAAAAAAAAAAAA/start"]) {
      const res = await ping(path);
      expect([res.statusCode, res.body]).toEqual([404, "not found"]);
    }
    const { token } = await heartbeat("signals");
    for (const bad of ["256", "-1", "01", "stop"]) {
      expect((await ping(`/ping/${token}/${bad}`)).statusCode).toBe(404);
    }
  });

  it("fail and non-zero exit statuses make it down, exit 0 up again", async () => {
    const { id, token } = await heartbeat("exit codes");
    await ping(`/ping/${token}`);
    await stateOf(id, "up");
    clock.advance(1_000);
    await ping(`/ping/${token}/fail`);
    await stateOf(id, "down");
    clock.advance(1_000);
    await ping(`/ping/${token}/0`);
    await stateOf(id, "up");
    clock.advance(1_000);
    await ping(`/ping/${token}/3`);
    await stateOf(id, "down");
    const results = await getJson<{
      items: Array<{ status: string; verdicts: Array<{ assertion: string; actual: unknown }> }>;
    }>(up, `${API}/monitors/${id}/results`);
    expect(results.items[0]!.verdicts[0]).toMatchObject({
      assertion: "heartbeat.exitStatus == 0",
      actual: 3,
    });
  });

  it("pairs starts with their ends by rid, two runs overlapping", async () => {
    const { id, token } = await heartbeat("overlapping");
    await ping(`/ping/${token}/start?rid=a`);
    clock.advance(10_000);
    await ping(`/ping/${token}/start?rid=b`);
    clock.advance(20_000);
    await ping(`/ping/${token}?rid=a`); // a ran 30 s
    clock.advance(25_000);
    await ping(`/ping/${token}/0?rid=b`); // b ran 45 s
    const ends = (await pings(id)).filter((p) => p.kind !== "start");
    expect(ends.map((p) => [p.rid, p.durationMs])).toEqual([
      ["b", 45_000],
      ["a", 30_000],
    ]);
  });

  it("stores a body up to the limit, the query of a GET, and /log pings change nothing", async () => {
    const { id, token } = await heartbeat("bodies");
    const big = "x".repeat(150_000);
    expect((await ping(`/ping/${token}/log`, "POST", big)).statusCode).toBe(200);
    clock.advance(1);
    await ping(`/ping/${token}/log?msg=hello`);
    const [query, body] = await pings(id);
    expect(body).toMatchObject({ kind: "log", bodyBytes: 150_000 });
    expect(query).toMatchObject({ kind: "log", excerpt: "msg=hello" });
    const full = await getJson<{ body: string }>(up, `${API}/monitors/${id}/pings/${body!.id}`);
    expect(full.body.length).toBe(100_000);
    expect((await getJson<MonitorJson>(up, `${API}/monitors/${id}`)).state).toBe("pending");
  });

  it("judges run durations: too slow, too fast, and too often", async () => {
    const { id, token } = await heartbeat("durations");
    const res = await call(up, "PATCH", `${API}/monitors/${id}`, {
      assertions: [
        { subject: "heartbeat.duration", op: "<", value: 600_000 },
        { subject: "heartbeat.duration", op: ">", value: 30_000, severity: "soft" },
        { subject: "heartbeat.runsInWindow", op: "<=", value: 1 },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const run = async (ms: number) => {
      await ping(`/ping/${token}/start`);
      clock.advance(ms);
      await ping(`/ping/${token}`);
    };
    await run(5_000); // too fast: degraded
    await stateOf(id, "degraded");
    clock.advance(2 * 3_600_000);
    await run(60_000); // fine
    await stateOf(id, "up");
    clock.advance(60_000);
    await run(60_000); // a second run within the hour: too often
    await stateOf(id, "down");
    clock.advance(2 * 3_600_000);
    await run(20 * 60_000); // too slow
    const results = await getJson<{
      items: Array<{ status: string; verdicts: Array<{ assertion: string; ok: boolean }> }>;
    }>(up, `${API}/monitors/${id}/results`);
    const last = await waitFor(
      async () => (await getJson<typeof results>(up, `${API}/monitors/${id}/results`)).items[0]!,
      (r) => r.verdicts.some((v) => v.assertion === "heartbeat.duration < 600000" && !v.ok),
    );
    expect(last.status).toBe("down");
  });

  it("a missed deadline is judged once by two schedulers sweeping together: one incident", async () => {
    const { id, token } = await heartbeat("missed");
    await ping(`/ping/${token}`);
    await stateOf(id, "up");
    clock.advance(3_600_000 + 599_000); // inside the grace
    await sweepHeartbeats(up.rt);
    expect(await judgements(id)).toBe(0);
    clock.advance(2_000);
    // Two schedulers sweep at once (other tests' monitors are judged too: count this one's).
    await Promise.all([sweepHeartbeats(up.rt), sweepHeartbeats(up.rt)]);
    expect(await judgements(id)).toBe(1);
    await stateOf(id, "down");
    clock.advance(60_000);
    await sweepHeartbeats(up.rt);
    expect(await judgements(id)).toBe(1);
    const missed = await up.rt.db
      .selectFrom("check_history")
      .select("slot_at")
      .where("monitor_id", "=", id)
      .where("status", "=", "down")
      .execute();
    expect(missed).toHaveLength(1);
    const incidents = await up.rt.db
      .selectFrom("incidents")
      .select("id")
      .where("monitor_id", "=", id)
      .execute();
    expect(incidents).toHaveLength(1);
    await ping(`/ping/${token}`);
    await stateOf(id, "up");
  });

  it("a run started and never finished is down after the grace", async () => {
    const { id, token } = await heartbeat("stuck");
    await ping(`/ping/${token}`);
    await stateOf(id, "up");
    await ping(`/ping/${token}/start`);
    clock.advance(601_000);
    await sweepHeartbeats(up.rt);
    expect(await judgements(id)).toBe(1);
    await stateOf(id, "down");
    const results = await getJson<{ items: Array<{ error: { message: string } | null }> }>(
      up,
      `${API}/monitors/${id}/results`,
    );
    expect(results.items[0]!.error?.message).toMatch(/never finished/);
  });

  it("a failure pinged during maintenance is recorded but opens no incident", async () => {
    const { id, token } = await heartbeat("maintained");
    await ping(`/ping/${token}`);
    await stateOf(id, "up");
    const now = clock.now();
    const res = await call(up, "POST", `${API}/maintenance-windows`, {
      title: "Upgrade",
      monitorIds: [id],
      schedule: {
        type: "once",
        startsAt: new Date(now - 60_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    clock.advance(1_000);
    await ping(`/ping/${token}/fail`);
    await stateOf(id, "maintenance");
    const incidents = await up.rt.db
      .selectFrom("incidents")
      .select("id")
      .where("monitor_id", "=", id)
      .execute();
    expect(incidents).toHaveLength(0);
  });

  it("has nothing to check now or test", async () => {
    const { id } = await heartbeat("no probe");
    expect((await call(up, "POST", `${API}/monitors/${id}/check`)).statusCode).toBe(409);
    const test = await call(up, "POST", `${API}/monitors/test`, {
      type: "heartbeat",
      name: "t",
      heartbeat: {},
    });
    expect(test.statusCode, test.body).toBe(409);
  });

  it("keeps the token on update and refuses a target", async () => {
    const { id, token } = await heartbeat("keep token");
    const res = await call(up, "PATCH", `${API}/monitors/${id}`, {
      heartbeat: { token: "B".repeat(22), graceSeconds: 60 },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<{ heartbeat: { token: string; graceSeconds: number } }>().heartbeat).toMatchObject({
      token,
      graceSeconds: 60,
    });
    const bad = await call(up, "POST", `${API}/monitors`, {
      type: "heartbeat",
      name: "x",
      target: "example.com",
      heartbeat: {},
    });
    expect(bad.statusCode).toBe(400);
  });
});
