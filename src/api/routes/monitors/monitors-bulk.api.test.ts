import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { otherOrganization, signInAs } from "../../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  getJson,
  type MonitorJson,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface Outcome {
  changed: string[];
  unchanged: string[];
}

/** POST /monitors/bulk: one action on many monitors, all or none, audited per monitor. */
describe.each(DB_KINDS)("bulk monitor changes on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, API_ONLY);
  });
  afterAll(async () => up?.close());

  const bulk = (ids: string[], action: Record<string, unknown>, headers: Record<string, string> = {}) =>
    call(up, "POST", `${API}/monitors/bulk`, { ids, action }, headers);
  const ok = async (ids: string[], action: Record<string, unknown>) => {
    const res = await bulk(ids, action);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Outcome>();
  };
  const three = async (prefix: string) =>
    Promise.all([1, 2, 3].map((i) => createMonitor(up, monitorBody("tcp", { name: `${prefix} ${i}` }))));
  const get = (id: string) => getJson<MonitorJson>(up, `${API}/monitors/${id}`);
  const auditCount = async (action: string, id: string) =>
    (await getJson<{ items: unknown[] }>(up, `${API}/audit-log?action=${action}&targetId=${id}`)).items
      .length;

  it("pauses and resumes many monitors, reports which changed, and audits each", async () => {
    const ms = await three("pausable");
    const ids = ms.map((m) => m.id).sort();
    await ok([ids[0]!], { type: "pause" });
    const paused = await ok(ids, { type: "pause" });
    expect(paused).toEqual({ changed: ids.slice(1), unchanged: [ids[0]] });
    for (const id of ids) expect(await get(id)).toMatchObject({ paused: true, state: "paused" });
    for (const id of ids) expect(await auditCount("monitor.pause", id)).toBe(1);
    const resumed = await ok(ids, { type: "resume" });
    expect(resumed.changed).toEqual(ids);
    for (const id of ids) expect(await get(id)).toMatchObject({ paused: false, state: "pending" });
  });

  it("adds and removes tags without touching the others, and refuses more than 20", async () => {
    const ms = await three("taggable");
    const ids = ms.map((m) => m.id).sort();
    await call(up, "PATCH", `${API}/monitors/${ids[0]}`, { tags: ["keep", "db"] });
    const added = await ok(ids, { type: "addTags", tags: ["db", "eu"] });
    expect(added.changed).toEqual(ids);
    expect((await get(ids[0]!)).tags).toEqual(["keep", "db", "eu"]);
    expect((await get(ids[1]!)).tags).toEqual(["db", "eu"]);
    const removed = await ok(ids, { type: "removeTags", tags: ["db", "absent"] });
    expect(removed.changed).toEqual(ids);
    expect((await get(ids[0]!)).tags).toEqual(["keep", "eu"]);
    expect(await auditCount("monitor.update", ids[1]!)).toBe(2);
    const again = await ok(ids, { type: "removeTags", tags: ["db"] });
    expect(again).toEqual({ changed: [], unchanged: ids });

    const many = Array.from({ length: 19 }, (_, i) => `t${i}`);
    const res = await bulk(ids, { type: "addTags", tags: many });
    const problem = expectProblem(res, 400, "VALIDATION");
    expect(problem.errors[0]?.path).toBe("body.action.tags");
    expect((await get(ids[1]!)).tags).toEqual(["eu"]);
  });

  it("adds and removes alert channels, refusing a channel of another organization", async () => {
    const ms = await three("alerting");
    const ids = ms.map((m) => m.id).sort();
    const channel = await call(up, "POST", `${API}/channels`, {
      name: "hook",
      kind: "webhook",
      config: { url: "https://hooks.example.com/x" },
      secrets: { signingSecret: "whsec_K3YLKG1bnE9fihyaHYNEy9BmuJZoyy2CbbtMKTgs+II=" },
    });
    expect(channel.statusCode, channel.body).toBe(201);
    const channelId = channel.json<{ id: string }>().id;
    const channelsOf = async (id: string) =>
      (await getJson<{ channelIds: string[] }>(up, `${API}/monitors/${id}/channels`)).channelIds;
    expect((await ok(ids, { type: "addChannels", channelIds: [channelId] })).changed).toEqual(ids);
    for (const id of ids) expect(await channelsOf(id)).toEqual([channelId]);
    expect((await ok(ids, { type: "addChannels", channelIds: [channelId] })).unchanged).toEqual(ids);
    expect(await auditCount("monitor.channels_set", ids[2]!)).toBe(1);
    expect((await ok(ids.slice(0, 2), { type: "removeChannels", channelIds: [channelId] })).changed).toEqual(
      ids.slice(0, 2),
    );
    expect(await channelsOf(ids[0]!)).toEqual([]);
    expect(await channelsOf(ids[2]!)).toEqual([channelId]);

    const other = await otherOrganization(up, "Channel owners");
    const theirs = await call(
      up,
      "POST",
      `${API}/channels`,
      {
        name: "theirs",
        kind: "webhook",
        config: { url: "https://hooks.example.com/y" },
        secrets: { signingSecret: "whsec_K3YLKG1bnE9fihyaHYNEy9BmuJZoyy2CbbtMKTgs+II=" },
      },
      other.headers,
    );
    const foreign = await bulk(ids, { type: "addChannels", channelIds: [theirs.json<{ id: string }>().id] });
    expectProblem(foreign, 404, "NOT_FOUND");
    expect(await channelsOf(ids[0]!)).toEqual([]);
  });

  it("deletes many monitors with their history", async () => {
    const ms = await three("doomed");
    const ids = ms.map((m) => m.id).sort();
    expect((await ok(ids, { type: "delete" })).changed).toEqual(ids);
    for (const id of ids) expect((await call(up, "GET", `${API}/monitors/${id}`)).statusCode).toBe(404);
    expect(await auditCount("monitor.delete", ids[0]!)).toBe(1);
  });

  it("refuses the whole change for another organization's or a missing monitor, alike", async () => {
    const mine = await three("mine");
    const other = await otherOrganization(up, "Other org");
    const theirs = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("tcp", { name: "theirs" }),
      other.headers,
    );
    expect(theirs.statusCode, theirs.body).toBe(201);
    const theirId = theirs.json<MonitorJson>().id;
    const missing = "mon_00000000000000000000000000";
    const ids = mine.map((m) => m.id);
    const a = expectProblem(await bulk([...ids, theirId], { type: "pause" }), 404, "NOT_FOUND");
    const b = expectProblem(await bulk([...ids, missing], { type: "pause" }), 404, "NOT_FOUND");
    expect(a.errors).toEqual([{ path: "body.ids.3", message: `no monitor ${theirId} in this organization` }]);
    expect(b.errors).toEqual([{ path: "body.ids.3", message: `no monitor ${missing} in this organization` }]);
    for (const id of ids) expect((await get(id)).paused).toBe(false);
    expect(
      (await call(up, "GET", `${API}/monitors/${theirId}`, undefined, other.headers)).json(),
    ).toMatchObject({
      paused: false,
    });
    // The other organization's delete of our ids is refused the same way.
    expectProblem(await bulk(ids, { type: "delete" }, other.headers), 404, "NOT_FOUND");
    for (const id of ids) expect((await call(up, "GET", `${API}/monitors/${id}`)).statusCode).toBe(200);
  });

  it("validates the body and needs monitors:write", async () => {
    const [m] = await three("validated");
    expect((await bulk([], { type: "pause" })).statusCode).toBe(400);
    expect((await bulk([m!.id], { type: "explode" })).statusCode).toBe(400);
    expect((await bulk([m!.id], { type: "addTags", tags: [] })).statusCode).toBe(400);
    const tooMany = Array.from({ length: 501 }, (_, i) => `mon_${i}`);
    expect((await bulk(tooMany, { type: "pause" })).statusCode).toBe(400);
    const viewer = await signInAs(up, "viewer");
    const refused = await bulk([m!.id], { type: "pause" }, viewer.headers);
    expect(refused.statusCode).toBe(403);
  });
});
