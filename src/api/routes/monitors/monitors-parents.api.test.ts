import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherOrganization } from "../../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  getJson,
  type MonitorJson,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

/** `parents` and `certExpiryDays` on the monitors API: stored, shown, validated, audited. */
describe.each(DB_KINDS)("monitor parents and certificate thresholds on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  const monitor = async (name: string, extra: Record<string, unknown> = {}) =>
    createMonitor(up, monitorBody("tcp", { name, ...extra }));
  const patch = (id: string, body: unknown) => call(up, "PATCH", `${API}/monitors/${id}`, body);
  const parentsOf = async (id: string) => (await getJson<MonitorJson>(up, `${API}/monitors/${id}`)).parents;

  it("creates with parents, shows them in id order, and keeps them across other changes", async () => {
    const db = await monitor("database");
    const cache = await monitor("cache");
    const app = await monitor("app", { parents: [db.id, cache.id] });
    const sorted = [db.id, cache.id].sort();
    expect(app.parents).toEqual(sorted);
    expect(await parentsOf(app.id)).toEqual(sorted);
    const list = await getJson<{ items: MonitorJson[] }>(up, `${API}/monitors?q=app`);
    expect(list.items.find((m) => m.id === app.id)?.parents).toEqual(sorted);
    expect(db.parents).toEqual([]);

    const renamed = await patch(app.id, { name: "app v2" });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json<MonitorJson>().parents).toEqual(sorted);

    const replaced = await patch(app.id, { parents: [cache.id] });
    expect(replaced.json<MonitorJson>().parents).toEqual([cache.id]);
    const cleared = await patch(app.id, { parents: [] });
    expect(cleared.json<MonitorJson>().parents).toEqual([]);

    const audit = await getJson<{ items: Array<{ summary: { fields: string[] } }> }>(
      up,
      `${API}/audit-log?action=monitor.update&targetId=${app.id}`,
    );
    expect(audit.items.map((a) => a.summary.fields)).toEqual([["parents"], ["parents"], ["name"]]);
  });

  it("refuses a monitor as its own parent, with the field", async () => {
    const m = await monitor("selfish");
    const res = await patch(m.id, { parents: [m.id] });
    const problem = expectProblem(res, 422, "PRECONDITION_FAILED");
    expect(problem.errors).toEqual([
      { path: "body.parents.0", message: "a monitor cannot depend on itself" },
    ]);
    expect(await parentsOf(m.id)).toEqual([]);
  });

  it("refuses an edge that closes a cycle, directly or through several monitors", async () => {
    const a = await monitor("a");
    const b = await monitor("b", { parents: [a.id] });
    const c = await monitor("c", { parents: [b.id] });
    const direct = expectProblem(await patch(a.id, { parents: [b.id] }), 422, "PRECONDITION_FAILED");
    expect(direct.errors).toEqual([
      { path: "body.parents.0", message: `would close a cycle: ${a.id} → ${b.id} → ${a.id}` },
    ]);
    const unrelated = await monitor("unrelated");
    const long = expectProblem(
      await patch(a.id, { parents: [unrelated.id, c.id] }),
      422,
      "PRECONDITION_FAILED",
    );
    expect(long.errors).toEqual([
      { path: "body.parents.1", message: `would close a cycle: ${a.id} → ${c.id} → ${b.id} → ${a.id}` },
    ]);
    expect(await parentsOf(a.id)).toEqual([]);
    // A diamond is not a cycle.
    const d = await monitor("d", { parents: [b.id, c.id] });
    expect(d.parents).toEqual([b.id, c.id].sort());
  });

  it("a parent of another organization looks exactly like one that does not exist", async () => {
    const other = await otherOrganization(up, "Other org");
    const theirs = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("tcp", { name: "theirs" }),
      other.headers,
    );
    expect(theirs.statusCode, theirs.body).toBe(201);
    const foreignId = theirs.json<MonitorJson>().id;
    const missingId = "mon_00000000000000000000000000";
    const foreign = await call(up, "POST", `${API}/monitors`, monitorBody("tcp", { parents: [foreignId] }));
    const missing = await call(up, "POST", `${API}/monitors`, monitorBody("tcp", { parents: [missingId] }));
    const f = expectProblem(foreign, 422, "PRECONDITION_FAILED");
    const m = expectProblem(missing, 422, "PRECONDITION_FAILED");
    expect(f.errors).toEqual([
      { path: "body.parents.0", message: `no monitor ${foreignId} in this organization` },
    ]);
    expect({ ...f, requestId: "", errors: [] }).toEqual({ ...m, requestId: "", errors: [] });
    expect(m.errors[0]!.message.replace(missingId, foreignId)).toBe(f.errors[0]!.message);
    // Nothing was created by the refused request.
    const list = await getJson<{ items: MonitorJson[] }>(up, `${API}/monitors?q=tcp%20monitor`);
    expect(list.items).toEqual([]);
  });

  it("validates the list itself: at most 10, no repeats, ids only", async () => {
    const m = await monitor("many");
    const eleven = Array.from({ length: 11 }, (_, i) => `mon_${String(i).padStart(26, "0")}`);
    expectValidation(await patch(m.id, { parents: eleven }), ["body.parents"]);
    expectValidation(await patch(m.id, { parents: [m.id, m.id] }), ["body.parents"]);
    expectValidation(await patch(m.id, { parents: "mon_x" }), ["body.parents"]);
    expectValidation(await call(up, "POST", `${API}/monitors`, monitorBody("tcp", { parents: [""] })), [
      "body.parents.0",
    ]);
  });

  it("deleting a parent removes the edge from its dependents", async () => {
    const parent = await monitor("short-lived parent");
    const child = await monitor("child", { parents: [parent.id] });
    expect((await call(up, "DELETE", `${API}/monitors/${parent.id}`)).statusCode).toBe(204);
    expect(await parentsOf(child.id)).toEqual([]);
    const rows = await up.rt.db
      .selectFrom("monitor_dependencies")
      .selectAll()
      .where("parent_id", "=", parent.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it("certExpiryDays: null means the server default; a list replaces it; each threshold is checked", async () => {
    const m = await createMonitor(up, monitorBody("tls", { name: "cert" }));
    expect(m.certExpiryDays).toBeNull();
    const set = await patch(m.id, { certExpiryDays: [21, 3] });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json<MonitorJson>().certExpiryDays).toEqual([21, 3]);
    expect((await getJson<MonitorJson>(up, `${API}/monitors/${m.id}`)).certExpiryDays).toEqual([21, 3]);
    expect((await patch(m.id, { certExpiryDays: [] })).json<MonitorJson>().certExpiryDays).toEqual([]);
    expect((await patch(m.id, { certExpiryDays: null })).json<MonitorJson>().certExpiryDays).toBeNull();

    expectValidation(await patch(m.id, { certExpiryDays: [0] }), ["body.certExpiryDays.0"]);
    expectValidation(await patch(m.id, { certExpiryDays: [30, 366] }), ["body.certExpiryDays.1"]);
    expectValidation(await patch(m.id, { certExpiryDays: [1.5] }), ["body.certExpiryDays.0"]);
    expectValidation(await patch(m.id, { certExpiryDays: [1, 2, 3, 4, 5, 6] }), ["body.certExpiryDays"]);
    expectValidation(await patch(m.id, { certExpiryDays: [7, 7] }), ["body.certExpiryDays"]);
    const audit = await getJson<{ items: Array<{ summary: { fields: string[] } }> }>(
      up,
      `${API}/audit-log?action=monitor.update&targetId=${m.id}`,
    );
    expect(audit.items.map((a) => a.summary.fields)).toEqual([
      ["certExpiryDays"],
      ["certExpiryDays"],
      ["certExpiryDays"],
    ]);
  });
});
