import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherOrganization, signInAs } from "../../../test/accounts.ts";
import {
  API,
  call,
  createMonitor,
  getJson,
  monitorBody,
  type ResultJson,
  waitFor,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/**
 * Issue 17, second slice, on both databases: protocol versions (the current one and one back, a
 * clear problem for anything else), a remote region's private-target setting (admins only, told
 * to the probe in the assignments) and offline results (no claim, on the monitor's slot grid,
 * bounded in age, stored once and history only). Real processes: test/e2e/remote-probe*.test.ts.
 */
describe.each(DB_KINDS)("the remote-probe protocol, versions and offline results, on %s", (kind) => {
  let up: TestUpblit;
  let token: string;
  let otherToken: string;
  const probe = (version?: string) => ({
    authorization: `Bearer ${token}`,
    "user-agent": "upblit-probe/9.9.9",
    ...(version === undefined ? {} : { "upblit-probe-protocol": version }),
  });
  const result = (monitorId: string, slotAt: number, status = "up", extra: object = {}) => ({
    monitorId,
    slotAt,
    startedAt: slotAt + 40,
    status,
    timings: { total: 12 },
    verdicts: [],
    ...extra,
  });
  /** A monitor's slot grid as the server keeps it. */
  const gridOf = async (monitorId: string) => {
    const row = await up.rt.db
      .selectFrom("monitor_schedules")
      .select(["interval_seconds", "offset_ms"])
      .where("monitor_id", "=", monitorId)
      .executeTakeFirstOrThrow();
    const intervalMs = row.interval_seconds * 1000;
    const latest = Math.floor((Date.now() - row.offset_ms) / intervalMs) * intervalMs + row.offset_ms;
    return { intervalMs, latest };
  };
  const results = async (monitorId: string) =>
    (await getJson<{ items: ResultJson[] }>(up, `${API}/monitors/${monitorId}/results`)).items;

  beforeAll(async () => {
    // The API and the evaluator: results are recorded; no scheduler or probe of ours runs `office`.
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,evaluator" });
    const region = await call(up, "POST", `${API}/regions`, { name: "office", kind: "remote" });
    expect(region.statusCode, region.body).toBe(201);
    expect(region.json<{ allowPrivateTargets: boolean }>().allowPrivateTargets).toBe(false);
    const made = await call(up, "POST", `${API}/probe-tokens`, { name: "office", region: "office" });
    expect(made.statusCode, made.body).toBe(201);
    token = made.json<{ token: string }>().token;
    const b = await otherOrganization(up, "B");
    await call(up, "POST", `${API}/regions`, { name: "office", kind: "remote" }, b.headers);
    const bMade = await call(up, "POST", `${API}/probe-tokens`, { name: "b", region: "office" }, b.headers);
    otherToken = bMade.json<{ token: string }>().token;
  });
  afterAll(async () => up?.close());

  it("answers protocol 2 and the version before it, and refuses any other with a problem naming both", async () => {
    await createMonitor(
      up,
      monitorBody("http", { name: "versions", regions: ["office"], intervalSeconds: 60 }),
    );
    const v2 = await call(up, "GET", `${API}/probe/assignments`, undefined, probe("2"));
    expect(v2.statusCode, v2.body).toBe(200);
    const body2 = v2.json<Record<string, unknown> & { monitors: Array<Record<string, unknown>> }>();
    expect(body2).toMatchObject({ protocol: 2, allowPrivateTargets: false, offlineMaxSeconds: 86_400 });
    expect(body2.monitors[0]).toMatchObject({ intervalSeconds: 60 });
    // Version 1, with the header or without it (the first agents): the shape it knew.
    for (const version of ["1", undefined]) {
      const v1 = await call(up, "GET", `${API}/probe/assignments`, undefined, probe(version));
      expect(v1.statusCode, v1.body).toBe(200);
      const body1 = v1.json<Record<string, unknown> & { monitors: Array<Record<string, unknown>> }>();
      expect(body1.protocol).toBe(1);
      expect(body1).not.toHaveProperty("allowPrivateTargets");
      expect(body1.monitors[0]).not.toHaveProperty("intervalSeconds");
      const claim = await call(up, "POST", `${API}/probe/claims`, { max: 5 }, probe(version));
      expect(claim.json<{ protocol: number }>().protocol).toBe(1);
    }
    // An offline result is a version-2 word.
    const old = await call(
      up,
      "POST",
      `${API}/probe/results`,
      { results: [result("mon_x", Date.now(), "up", { offline: true })] },
      probe("1"),
    );
    expect(old.statusCode, old.body).toBe(400);
    for (const version of ["3", "0", "two"]) {
      const refused = await call(up, "POST", `${API}/probe/claims`, {}, probe(version));
      expect(refused.statusCode, refused.body).toBe(400);
      const problem = refused.json<{ detail: string; errors: Array<{ path: string }> }>();
      expect(problem.detail).toMatch(/speaks probe protocol 1 and 2/);
      expect(problem.errors[0]?.path).toBe("headers.upblit-probe-protocol");
    }
  });

  it("lets only admins allow private targets, only for remote regions, and tells the probes", async () => {
    const editor = await signInAs(up, "editor");
    const denied = await call(
      up,
      "PATCH",
      `${API}/regions/office`,
      { allowPrivateTargets: true },
      editor.headers,
    );
    expect(denied.statusCode, denied.body).toBe(403);
    const before = await call(up, "GET", `${API}/probe/assignments`, undefined, probe("2"));
    const local = await call(up, "POST", `${API}/regions`, {
      name: "lab",
      kind: "local",
      allowPrivateTargets: true,
    });
    expect(local.statusCode, local.body).toBe(422);
    const allowed = await call(up, "PATCH", `${API}/regions/office`, { allowPrivateTargets: true });
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json<{ allowPrivateTargets: boolean }>().allowPrivateTargets).toBe(true);
    const after = await call(up, "GET", `${API}/probe/assignments`, undefined, {
      ...probe("2"),
      "if-none-match": before.headers.etag as string,
    });
    expect(after.statusCode).toBe(200);
    expect(after.json<{ allowPrivateTargets: boolean }>().allowPrivateTargets).toBe(true);
    // Turning the region local turns the setting off with it.
    const toLocal = await call(up, "PATCH", `${API}/regions/office`, { kind: "local" });
    expect(toLocal.json<{ allowPrivateTargets: boolean }>().allowPrivateTargets).toBe(false);
    const back = await call(up, "PATCH", `${API}/regions/office`, { kind: "remote" });
    expect(back.json<{ allowPrivateTargets: boolean }>().allowPrivateTargets).toBe(false);
  });

  it("stores an offline result once, with its real time, as history only; refuses one off the grid, too old or foreign", async () => {
    const m = await createMonitor(
      up,
      monitorBody("http", { name: "offline", regions: ["office"], intervalSeconds: 60 }),
    );
    // The monitor is up, from an ordinary claimed slot.
    await up.rt.db
      .updateTable("monitor_schedules")
      .set({ next_due_at: new Date(Date.now() - 500) })
      .where("monitor_id", "=", m.id)
      .execute();
    const claimed = await call(up, "POST", `${API}/probe/claims`, { max: 50 }, probe("2"));
    const slot = claimed
      .json<{ slots: Array<{ monitorId: string; slotAt: number }> }>()
      .slots.find((s) => s.monitorId === m.id)!;
    const first = await call(
      up,
      "POST",
      `${API}/probe/results`,
      { results: [result(m.id, slot.slotAt)] },
      probe("2"),
    );
    expect(first.json()).toEqual({ accepted: 1, refused: [] });
    await waitFor(
      () => getJson<{ state: string }>(up, `${API}/monitors/${m.id}`),
      (s) => s.state === "up",
    );

    // Down for three slots an hour ago while the probe could not reach us: stored, moves nothing.
    const { intervalMs, latest } = await gridOf(m.id);
    const past = [60, 59, 58].map((k) => latest - k * intervalMs);
    const offline = past.map((at) => result(m.id, at, "down", { offline: true }));
    const sent = await call(
      up,
      "POST",
      `${API}/probe/results`,
      {
        results: [
          ...offline,
          result(m.id, latest - 3 * intervalMs + 1, "down", { offline: true }),
          result(m.id, latest - 25 * 60 * intervalMs, "down", { offline: true }),
          result(m.id, latest - 2 * intervalMs, "down"),
        ],
      },
      probe("2"),
    );
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toEqual({
      accepted: 3,
      refused: [
        { index: 3, reason: "not a slot of this monitor" },
        { index: 4, reason: "offline result older than the offline limit" },
        { index: 5, reason: "no open claim of this region for this monitor and slot" },
      ],
    });
    // Sent again (an upload retried after a lost answer): stored once.
    await call(up, "POST", `${API}/probe/results`, { results: offline }, probe("2"));
    const stored = await waitFor(
      () => results(m.id),
      (items) => items.filter((r) => r.status === "down").length >= 3,
    );
    const downs = stored.filter((r) => r.status === "down");
    expect(downs.map((r) => Date.parse(r.slotAt)).sort()).toEqual([...past].sort());
    expect(downs.every((r) => r.region === "office" && r.latenessMs === 40)).toBe(true);
    // The evaluator has had them (they are stored) and the monitor is still up: no incident.
    const monitor = await getJson<{ state: string }>(up, `${API}/monitors/${m.id}`);
    expect(monitor.state).toBe("up");
    const incidents = await getJson<{ items: Array<{ monitorId: string }> }>(up, `${API}/incidents`);
    expect(incidents.items.filter((i) => i.monitorId === m.id)).toEqual([]);

    // Another organization's token cannot file offline results for this monitor.
    const foreign = await call(
      up,
      "POST",
      `${API}/probe/results`,
      { results: [result(m.id, latest - 10 * intervalMs, "down", { offline: true })] },
      { ...probe("2"), authorization: `Bearer ${otherToken}` },
    );
    expect(foreign.json()).toMatchObject({ accepted: 0, refused: [{ index: 0 }] });
    expect((await results(m.id)).filter((r) => r.status === "down")).toHaveLength(3);
  });
});
