import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

type Keys = { items: Array<{ key: string; id: string }> };

/** Keys of config as code: set, move, list (without deleted resources), remove, refuse bad input. */
describe.each(DB_KINDS)("resource keys API on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  const keys = async (path: string) => (await call(up, "GET", `${API}/${path}/keys`)).json<Keys>().items;

  it("gives a monitor a key, moves the key, keeps one key per monitor, and forgets deleted monitors", async () => {
    const a = await createMonitor(up, monitorBody("tcp", { name: "a" }));
    const b = await createMonitor(up, monitorBody("tcp", { name: "b" }));
    const set = await call(up, "PUT", `${API}/monitors/keys/api`, { id: a.id });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toEqual({ key: "api", id: a.id });
    expect(await keys("monitors")).toEqual([{ key: "api", id: a.id }]);

    // Setting it again changes nothing; a second key for the same monitor replaces the first.
    expect((await call(up, "PUT", `${API}/monitors/keys/api`, { id: a.id })).statusCode).toBe(200);
    expect((await call(up, "PUT", `${API}/monitors/keys/api.v2`, { id: a.id })).statusCode).toBe(200);
    expect(await keys("monitors")).toEqual([{ key: "api.v2", id: a.id }]);

    // The key moves to another monitor.
    expect((await call(up, "PUT", `${API}/monitors/keys/api.v2`, { id: b.id })).statusCode).toBe(200);
    expect(await keys("monitors")).toEqual([{ key: "api.v2", id: b.id }]);

    // A deleted monitor's key is not listed, and the key can be given again.
    expect((await call(up, "DELETE", `${API}/monitors/${b.id}`)).statusCode).toBe(204);
    expect(await keys("monitors")).toEqual([]);
    expect((await call(up, "PUT", `${API}/monitors/keys/api.v2`, { id: a.id })).statusCode).toBe(200);
    expect(await keys("monitors")).toEqual([{ key: "api.v2", id: a.id }]);

    const removed = await call(up, "DELETE", `${API}/monitors/keys/api.v2`);
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await keys("monitors")).toEqual([]);
    expect((await call(up, "GET", `${API}/monitors/${a.id}`)).statusCode).toBe(200);
    expectProblem(await call(up, "DELETE", `${API}/monitors/keys/api.v2`), 404, "NOT_FOUND");

    const audit = await call(up, "GET", `${API}/audit-log?action=resource_key.`);
    const actions = audit.json<{ items: Array<{ action: string }> }>().items.map((e) => e.action);
    expect(actions).toContain("resource_key.set");
    expect(actions).toContain("resource_key.delete");
  });

  it("keeps each kind's keys apart", async () => {
    const channel = await call(up, "POST", `${API}/channels`, {
      name: "n",
      kind: "ntfy",
      config: { topic: "t" },
    });
    expect(channel.statusCode, channel.body).toBe(201);
    const id = channel.json<{ id: string }>().id;
    expect((await call(up, "PUT", `${API}/channels/keys/shared`, { id })).statusCode).toBe(200);
    // A channel's id is no monitor.
    expectProblem(await call(up, "PUT", `${API}/monitors/keys/shared`, { id }), 404, "NOT_FOUND");
    expect(await keys("channels")).toEqual([{ key: "shared", id }]);
    expect(await keys("alert-rules")).toEqual([]);
    expect(await keys("maintenance-windows")).toEqual([]);
    expect(await keys("status-pages")).toEqual([]);
  });

  it("refuses keys that are not lowercase names, and bodies without an id", async () => {
    const m = await createMonitor(up, monitorBody("tcp", { name: "c" }));
    for (const bad of ["Upper", "-dash-first", "a b", "x".repeat(101)]) {
      const res = await call(up, "PUT", `${API}/monitors/keys/${encodeURIComponent(bad)}`, { id: m.id });
      expectValidation(res, ["params.key"]);
    }
    expectValidation(await call(up, "PUT", `${API}/monitors/keys/ok`, {}), ["body.id"]);
    expectProblem(await call(up, "PUT", `${API}/monitors/keys/ok`, { id: "mon_missing" }), 404, "NOT_FOUND");
  });
});
