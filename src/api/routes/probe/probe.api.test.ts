import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beatProbe, livenessOf, regionKey } from "../../../services/regions/presence.ts";
import { otherOrganization, type TestUser } from "../../../test/accounts.ts";
import { API, API_ONLY, call, createMonitor, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/**
 * The probe protocol's rules on both databases: claims are exclusive, results are accepted only
 * for the token's own open claims (never another organization's), assignments travel only when
 * they changed. Real processes: test/e2e/remote-probe.test.ts.
 */
describe.each(DB_KINDS)("the remote-probe protocol on %s", (kind) => {
  let up: TestUpblit;
  let b: TestUser;
  let aToken: string;
  let bToken: string;

  const asProbe = (token: string) => ({
    authorization: `Bearer ${token}`,
    "user-agent": "upblit-probe/9.9.9",
  });
  const makeDue = (monitorId: string) =>
    up.rt.db
      .updateTable("monitor_schedules")
      .set({ next_due_at: new Date(Date.now() - 500) })
      .where("monitor_id", "=", monitorId)
      .execute();
  const resultFor = (monitorId: string, slotAt: number) => ({
    monitorId,
    slotAt,
    startedAt: slotAt,
    status: "up",
    timings: { total: 12 },
    verdicts: [],
  });

  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
    b = await otherOrganization(up, "B");
    const remote = { name: "office", kind: "remote" };
    expect((await call(up, "POST", `${API}/regions`, remote)).statusCode).toBe(201);
    expect((await call(up, "POST", `${API}/regions`, remote, b.headers)).statusCode).toBe(201);
    const a = await call(up, "POST", `${API}/probe-tokens`, { name: "A office", region: "office" });
    expect(a.statusCode, a.body).toBe(201);
    aToken = a.json<{ token: string }>().token;
    const made = await call(
      up,
      "POST",
      `${API}/probe-tokens`,
      { name: "B office", region: "office" },
      b.headers,
    );
    expect(made.statusCode, made.body).toBe(201);
    bToken = made.json<{ token: string }>().token;
  });
  afterAll(async () => up?.close());

  it("hands each due slot to one of two concurrent claims", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      ids.push(
        (await createMonitor(up, monitorBody("http", { name: `office ${i}`, regions: ["office"] }))).id,
      );
    }
    for (const id of ids) await makeDue(id);
    const [one, two] = await Promise.all(
      [0, 1].map(() => call(up, "POST", `${API}/probe/claims`, { max: 12 }, asProbe(aToken))),
    );
    const slots = [one!, two!].flatMap((r) => {
      expect(r.statusCode, r.body).toBe(200);
      return r.json<{ slots: Array<{ monitorId: string; slotAt: number }> }>().slots;
    });
    expect(slots.map((s) => s.monitorId).sort()).toEqual([...ids].sort());
    // B's token sees none of A's slots.
    const forB = await call(up, "POST", `${API}/probe/claims`, {}, asProbe(bToken));
    expect(forB.json<{ slots: unknown[] }>().slots).toEqual([]);

    const stored = await call(
      up,
      "POST",
      `${API}/probe/results`,
      { results: slots.map((s) => resultFor(s.monitorId, s.slotAt)) },
      asProbe(aToken),
    );
    expect(stored.statusCode, stored.body).toBe(200);
    expect(stored.json()).toEqual({ accepted: 12, refused: [] });
  });

  it("refuses a result for another organization's monitor, even for a slot claimed by that organization", async () => {
    const bMonitor = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("http", { regions: ["office"] }),
      b.headers,
    );
    expect(bMonitor.statusCode, bMonitor.body).toBe(201);
    const id = bMonitor.json<{ id: string }>().id;
    await makeDue(id);
    const claimed = await call(up, "POST", `${API}/probe/claims`, {}, asProbe(bToken));
    const [slot] = claimed.json<{ slots: Array<{ monitorId: string; slotAt: number }> }>().slots;
    expect(slot?.monitorId).toBe(id);

    const byA = await call(
      up,
      "POST",
      `${API}/probe/results`,
      { results: [resultFor(id, slot!.slotAt)] },
      asProbe(aToken),
    );
    expect(byA.json()).toMatchObject({ accepted: 0, refused: [{ index: 0 }] });
    const byB = await call(
      up,
      "POST",
      `${API}/probe/results`,
      { results: [resultFor(id, slot!.slotAt)] },
      asProbe(bToken),
    );
    expect(byB.json()).toEqual({ accepted: 1, refused: [] });
    // A forged organization is not even a field.
    const forged = await call(
      up,
      "POST",
      `${API}/probe/results`,
      { results: [{ ...resultFor(id, slot!.slotAt), organizationId: "org_x" }] },
      asProbe(bToken),
    );
    expect(forged.statusCode, forged.body).toBe(400);
  });

  it("sends the assignments again only after they changed", async () => {
    const first = await call(up, "GET", `${API}/probe/assignments`, undefined, asProbe(aToken));
    expect(first.statusCode, first.body).toBe(200);
    const etag = first.headers.etag as string;
    const body = first.json<{
      region: string;
      monitors: Array<{ monitorId: string; organizationId: string }>;
    }>();
    expect(body.region).toBe("office");
    expect(body.monitors.every((m) => m.organizationId === up.organizationId)).toBe(true);
    const same = await call(up, "GET", `${API}/probe/assignments`, undefined, {
      ...asProbe(aToken),
      "if-none-match": etag,
    });
    expect(same.statusCode).toBe(304);

    const edited = await call(up, "PATCH", `${API}/monitors/${body.monitors[0]!.monitorId}`, {
      name: "renamed",
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const changed = await call(up, "GET", `${API}/probe/assignments`, undefined, {
      ...asProbe(aToken),
      "if-none-match": etag,
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it("lists tokens with the agent's version and refuses a revoked one at once", async () => {
    const list = await call(up, "GET", `${API}/probe-tokens`);
    const mine = list.json<{
      items: Array<{ id: string; lastVersion: string | null; revokedAt: string | null }>;
    }>().items;
    expect(mine).toHaveLength(1);
    expect(mine[0]!.lastVersion).toBe("9.9.9");
    const revoke = await call(up, "DELETE", `${API}/probe-tokens/${mine[0]!.id}`);
    expect(revoke.statusCode, revoke.body).toBe(204);
    const after = await call(up, "POST", `${API}/probe/claims`, {}, asProbe(aToken));
    expect(after.statusCode).toBe(401);
    const again = await call(up, "DELETE", `${API}/probe-tokens/${mine[0]!.id}`);
    expect(again.statusCode).toBe(204);
  });

  it("makes tokens for declared remote regions only, and a claiming probe makes its region live", async () => {
    const undeclared = await call(up, "POST", `${API}/probe-tokens`, { name: "x", region: "mars" });
    expect(undeclared.statusCode, undeclared.body).toBe(422);
    const local = await call(up, "POST", `${API}/probe-tokens`, { name: "x", region: "local" });
    expect(local.statusCode, local.body).toBe(422);
    expect(local.json<{ errors: Array<{ path: string }> }>().errors[0]?.path).toBe("body.region");

    const claimed = await call(up, "POST", `${API}/probe/claims`, {}, asProbe(bToken));
    expect(claimed.statusCode, claimed.body).toBe(200);
    const region = await call(up, "GET", `${API}/regions/office`, undefined, b.headers);
    const liveness = region.json<{ probes: number; status: string }>();
    expect(liveness.status).toBe("live");
    // B's own probe only: A's probes of its own "office" are A's.
    expect(liveness.probes).toBe(1);
  });

  it("counts a remote probe for its own organization's region only, never another's of the same name", async () => {
    // A's and B's remote probes of their "office" regions are live now (A's first token was revoked).
    const a2 = await call(up, "POST", `${API}/probe-tokens`, { name: "A office 2", region: "office" });
    expect(a2.statusCode, a2.body).toBe(201);
    for (const token of [a2.json<{ token: string }>().token, bToken]) {
      const claimed = await call(up, "POST", `${API}/probe/claims`, {}, asProbe(token));
      expect(claimed.statusCode, claimed.body).toBe(200);
    }
    // C declares "office" too: remote, with no probe of its own. It stays silent.
    const c = await otherOrganization(up, "C");
    const regionOf = async (who: Record<string, string> | undefined, name: string) => {
      const res = await call(up, "GET", `${API}/regions/${name}`, undefined, who);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ probes: number; status: string; lastSeen: string | null }>();
    };
    const remote = { name: "office", kind: "remote" };
    expect((await call(up, "POST", `${API}/regions`, remote, c.headers)).statusCode).toBe(201);
    expect(await regionOf(c.headers, "office")).toMatchObject({
      probes: 0,
      status: "silent",
      lastSeen: null,
    });
    expect(await regionOf(b.headers, "office")).toMatchObject({ probes: 1, status: "live" });
    expect(await regionOf(undefined, "office")).toMatchObject({ status: "live" });

    // D declares "office" as a local region: the installation's probes serve it, not remote ones.
    const d = await otherOrganization(up, "D");
    const local = { name: "office", kind: "local" };
    expect((await call(up, "POST", `${API}/regions`, local, d.headers)).statusCode).toBe(201);
    expect(await regionOf(d.headers, "office")).toMatchObject({ probes: 0, status: "silent" });
    // An in-cluster probe process of region "office" starts: D's local region is live; the
    // remote regions of that name still count their own organization's probes only.
    const now = Date.now();
    await beatProbe(up.rt.db, { probeId: "prc_office", region: "office", host: "h", startedAt: now }, now);
    expect(await regionOf(d.headers, "office")).toMatchObject({ probes: 1, status: "live" });
    expect(await regionOf(c.headers, "office")).toMatchObject({ probes: 0, status: "silent" });
    expect(await regionOf(b.headers, "office")).toMatchObject({ probes: 1 });

    // The quorum and the silence alert read the same presence: C's region is the silent one.
    const silentNow = await livenessOf(up.rt.db, Date.now(), [
      { organizationId: c.organizationId, region: "office" },
      { organizationId: d.organizationId, region: "office" },
      { organizationId: b.organizationId, region: "office" },
    ]);
    expect(silentNow.get(regionKey(c.organizationId, "office"))).toBeUndefined();
    expect(silentNow.get(regionKey(d.organizationId, "office"))?.probes).toBe(1);
    expect(silentNow.get(regionKey(b.organizationId, "office"))?.probes).toBe(1);
  });
});
