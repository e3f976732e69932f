import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { newId } from "../../../lib/ids.ts";
import { apiKeyFor, otherOrganization, type TestUser } from "../../../test/accounts.ts";
import {
  API,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  getJson,
  monitorBody,
} from "../../../test/api-helpers.ts";
import { auditLogPage } from "../../../test/audit-log.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface WindowJson {
  id: string;
  title: string;
  description: string | null;
  monitorIds: string[];
  tags: string[];
  schedule: Record<string, unknown>;
  active: boolean;
  nextOccurrences: Array<{ startsAt: string; endsAt: string }>;
  createdAt: string;
  updatedAt: string;
}

// Saturday 2031-05-10 12:00 UTC.
const NOW = Date.UTC(2031, 4, 10, 12, 0);
const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const URL = `${API}/maintenance-windows`;

describe.each(DB_KINDS)("maintenance windows API on %s", (kind) => {
  const clock = new ManualClock(NOW);
  let up: TestUpblit;
  let other: TestUser;
  let monitorA: string;
  let monitorB: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    other = await otherOrganization(up, "Other org");
    monitorA = (await createMonitor(up, monitorBody("tcp", { name: "db primary" }))).id;
    monitorB = (await createMonitor(up, monitorBody("tcp", { name: "db replica" }))).id;
  });
  afterAll(async () => up?.close());

  const create = async (body: Record<string, unknown>) => {
    const res = await call(up, "POST", URL, body);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe(`${URL}/${res.json<WindowJson>().id}`);
    return res.json<WindowJson>();
  };
  const once = (startsAt: number, endsAt: number) => ({
    type: "once",
    startsAt: iso(startsAt),
    endsAt: iso(endsAt),
  });

  it("creates, reads, lists, changes and deletes a one-off window, each change audited", async () => {
    const w = await create({
      title: "Database upgrade",
      description: "Postgres 17\nexpect short blips",
      monitorIds: [monitorA, monitorA],
      schedule: { type: "once", startsAt: "2031-05-10T14:00:00+02:00", endsAt: "2031-05-10T16:00:00+02:00" },
    });
    expect(w).toMatchObject({
      title: "Database upgrade",
      description: "Postgres 17\nexpect short blips",
      monitorIds: [monitorA],
      tags: [],
      schedule: { type: "once", startsAt: "2031-05-10T12:00:00.000Z", endsAt: "2031-05-10T14:00:00.000Z" },
      active: true,
      nextOccurrences: [{ startsAt: "2031-05-10T12:00:00.000Z", endsAt: "2031-05-10T14:00:00.000Z" }],
    });
    expect(w.id).toMatch(/^mnt_[0-9a-z]{26}$/);
    expect(await getJson<WindowJson>(up, `${URL}/${w.id}`)).toEqual(w);
    const list = await getJson<{ items: WindowJson[] }>(up, URL);
    expect(list.items.find((x) => x.id === w.id)).toEqual(w);

    const patched = await call(up, "PATCH", `${URL}/${w.id}`, {
      title: "Database upgrade, part 2",
      description: null,
      monitorIds: [monitorB],
      tags: ["db"],
      schedule: once(NOW + 2 * H, NOW + 3 * H),
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json<WindowJson>()).toMatchObject({
      title: "Database upgrade, part 2",
      description: null,
      monitorIds: [monitorB],
      tags: ["db"],
      active: false,
      nextOccurrences: [{ startsAt: iso(NOW + 2 * H), endsAt: iso(NOW + 3 * H) }],
    });
    // A partial change keeps the rest.
    const renamed = await call(up, "PATCH", `${URL}/${w.id}`, { title: "renamed" });
    expect(renamed.json<WindowJson>()).toMatchObject({
      title: "renamed",
      monitorIds: [monitorB],
      tags: ["db"],
    });

    expect((await call(up, "DELETE", `${URL}/${w.id}`)).statusCode).toBe(204);
    expectProblem(await call(up, "GET", `${URL}/${w.id}`), 404, "NOT_FOUND");
    expectProblem(await call(up, "DELETE", `${URL}/${w.id}`), 404, "NOT_FOUND");

    const audit = await auditLogPage(up, `targetId=${w.id}`);
    expect(audit.items.map((e) => e.action)).toEqual([
      "maintenance.delete",
      "maintenance.update",
      "maintenance.update",
      "maintenance.create",
    ]);
    expect(audit.items.at(-1)?.summary).toMatchObject({
      title: "Database upgrade",
      schedule: "once",
      monitorCount: 1,
    });
  });

  it("a recurring window shows its rule, ten next occurrences by id and one in the list", async () => {
    const w = await create({
      title: "Weekly patching",
      tags: ["db"],
      schedule: {
        type: "recurring",
        timezone: "europe/berlin",
        startTime: "02:30",
        durationMinutes: 90,
        weekly: { days: ["sun", "wed"] },
        from: "2031-05-01",
      },
    });
    expect(w.schedule).toEqual({
      type: "recurring",
      timezone: "Europe/Berlin",
      startTime: "02:30",
      durationMinutes: 90,
      weekly: { days: ["sun", "wed"] },
      from: "2031-05-01",
    });
    expect(w.active).toBe(false);
    const one = await getJson<WindowJson>(up, `${URL}/${w.id}`);
    expect(one.nextOccurrences).toHaveLength(10);
    // Sunday May 11, 02:30 CEST.
    expect(one.nextOccurrences[0]).toEqual({
      startsAt: "2031-05-11T00:30:00.000Z",
      endsAt: "2031-05-11T02:00:00.000Z",
    });
    expect(one.nextOccurrences[1]?.startsAt).toBe("2031-05-14T00:30:00.000Z");
    const listed = (await getJson<{ items: WindowJson[] }>(up, URL)).items.find((x) => x.id === w.id);
    expect(listed?.nextOccurrences).toEqual([one.nextOccurrences[0]]);

    const monthly = await create({
      title: "Monthly",
      tags: ["db"],
      schedule: {
        type: "recurring",
        timezone: "UTC",
        startTime: "11:30",
        durationMinutes: 60,
        monthly: { dayOfMonth: 10 },
      },
    });
    expect(monthly.active).toBe(true);
    const daily = await create({
      title: "Nightly",
      tags: ["db"],
      schedule: {
        type: "recurring",
        timezone: "UTC",
        startTime: "23:00",
        durationMinutes: 120,
        daily: true,
        until: "2031-05-10",
      },
    });
    expect(daily.nextOccurrences).toEqual([
      { startsAt: "2031-05-10T23:00:00.000Z", endsAt: "2031-05-11T01:00:00.000Z" },
    ]);
    expect(daily.schedule).toMatchObject({ daily: true, until: "2031-05-10" });
  });

  it("refuses what makes no sense, naming every field at fault", async () => {
    const post = (body: Record<string, unknown>) => call(up, "POST", URL, body);
    const base = { title: "x", monitorIds: [monitorA] };
    const rec = (over: Record<string, unknown>) => ({
      ...base,
      schedule: {
        type: "recurring",
        timezone: "UTC",
        startTime: "02:00",
        durationMinutes: 60,
        daily: true,
        ...over,
      },
    });
    expectValidation(await post({ ...base, schedule: once(NOW + 2 * H, NOW + H) }), ["body.schedule.endsAt"]);
    expectValidation(await post({ ...base, schedule: once(NOW, NOW + 32 * 24 * H) }), [
      "body.schedule.endsAt",
    ]);
    expectValidation(await post({ ...base, schedule: once(NOW - 2 * H, NOW - H) }), ["body.schedule.endsAt"]);
    expectValidation(
      await post({ ...base, schedule: { type: "once", startsAt: "tomorrow", endsAt: iso(NOW + H) } }),
      ["body.schedule.startsAt"],
    );
    expectValidation(await post(rec({ timezone: "Mars/Olympus_Mons" })), ["body.schedule.timezone"]);
    expectValidation(await post(rec({ timezone: "+02:00" })), ["body.schedule.timezone"]);
    expectValidation(await post(rec({ startTime: "24:00" })), ["body.schedule.startTime"]);
    expectValidation(await post(rec({ startTime: "2:30" })), ["body.schedule.startTime"]);
    expectValidation(await post(rec({ durationMinutes: 0 })), ["body.schedule.durationMinutes"]);
    expectValidation(await post(rec({ durationMinutes: 1441 })), ["body.schedule.durationMinutes"]);
    expectValidation(await post(rec({ daily: undefined })), ["body.schedule.daily"]);
    expectValidation(await post(rec({ monthly: { dayOfMonth: 1 } })), ["body.schedule.daily"]);
    expectValidation(await post(rec({ daily: undefined, monthly: { dayOfMonth: 32 } })), [
      "body.schedule.monthly.dayOfMonth",
    ]);
    expectValidation(await post(rec({ daily: undefined, weekly: { days: ["funday"] } })), [
      "body.schedule.weekly.days.0",
    ]);
    expectValidation(await post(rec({ daily: undefined, weekly: { days: [] } })), [
      "body.schedule.weekly.days",
    ]);
    expectValidation(await post(rec({ from: "2031-06-01", until: "2031-05-01" })), ["body.schedule.until"]);
    expectValidation(await post(rec({ from: "2031-02-30" })), ["body.schedule.from"]);
    expectValidation(await post({ ...base, schedule: { type: "sometimes" } }), ["body.schedule.type"]);
    expectValidation(await post({ title: "x", schedule: once(NOW, NOW + H) }), ["body.monitorIds"]);
    expectValidation(await post({ ...base, title: "", schedule: once(NOW, NOW + H) }), ["body.title"]);
    expectValidation(await post({ ...base, title: "bidi \u202e", schedule: once(NOW, NOW + H) }), [
      "body.title",
    ]);
    expectValidation(await post({ ...base, extra: 1, schedule: once(NOW, NOW + H) }), ["body.extra"]);
    expectValidation(
      await post({
        ...base,
        monitorIds: Array.from({ length: 501 }, (_, i) => `mon_${i}`),
        schedule: once(NOW, NOW + H),
      }),
      ["body.monitorIds"],
    );
    expectValidation(
      await post({
        ...base,
        tags: Array.from({ length: 21 }, (_, i) => `t${i}`),
        schedule: once(NOW, NOW + H),
      }),
      ["body.tags"],
    );

    // Another organization's monitor reads exactly like one that does not exist.
    const foreign = (await createMonitor(up, monitorBody("tcp"))).id;
    await call(up, "DELETE", `${API}/monitors/${foreign}`);
    const otherMonitor = await call(up, "POST", `${API}/monitors`, monitorBody("tcp"), other.headers);
    const refused = expectValidation(
      await post({
        ...base,
        monitorIds: [monitorA, otherMonitor.json<{ id: string }>().id, foreign],
        schedule: once(NOW, NOW + H),
      }),
      ["body.monitorIds.1", "body.monitorIds.2"],
    );
    expect(new Set(refused.errors.map((e) => e.message)).size).toBe(1);

    // A patch is checked as a whole after merging.
    const w = await create({ ...base, schedule: once(NOW, NOW + H) });
    expectValidation(await call(up, "PATCH", `${URL}/${w.id}`, { monitorIds: [] }), ["body.monitorIds"]);
    expectValidation(await call(up, "PATCH", `${URL}/${w.id}`, { schedule: once(NOW - 2 * H, NOW - H) }), [
      "body.schedule.endsAt",
    ]);
    expectValidation(await call(up, "PATCH", `${URL}/${w.id}`, { description: "bad \u0007" }), [
      "body.description",
    ]);
  });

  it("another organization's window reads as missing, for every verb, and stays as it was", async () => {
    const theirs = await call(
      up,
      "POST",
      URL,
      { title: "theirs", tags: ["x"], schedule: once(NOW, NOW + H) },
      other.headers,
    );
    expect(theirs.statusCode, theirs.body).toBe(201);
    const id = theirs.json<WindowJson>().id;
    const missing = newId("mnt");
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { title: "taken over" }],
      ["DELETE", undefined],
    ] as const) {
      const foreign = expectProblem(await call(up, method, `${URL}/${id}`, body), 404, "NOT_FOUND");
      const none = expectProblem(await call(up, method, `${URL}/${missing}`, body), 404, "NOT_FOUND");
      expect(foreign.detail?.replace(id, "<id>")).toBe(none.detail?.replace(missing, "<id>"));
    }
    expect((await getJson<{ items: WindowJson[] }>(up, URL)).items.map((w) => w.id)).not.toContain(id);
    const still = await call(up, "GET", `${URL}/${id}`, undefined, other.headers);
    expect(still.json<WindowJson>().title).toBe("theirs");
  });

  it("reading needs monitors:read and changing needs monitors:write", async () => {
    const readOnly = { authorization: `Bearer ${await apiKeyFor(other, ["monitors:read"])}` };
    expect((await call(up, "GET", URL, undefined, readOnly)).statusCode).toBe(200);
    expectProblem(
      await call(up, "POST", URL, { title: "x", tags: ["x"], schedule: once(NOW, NOW + H) }, readOnly),
      403,
      "FORBIDDEN",
    );
    expectProblem(await call(up, "GET", URL, undefined, { authorization: "" }), 401, "UNAUTHENTICATED");
  });

  it("holds at most 200 windows per organization", async () => {
    const org = await otherOrganization(up, "Busy org");
    const existing = Array.from({ length: 199 }, (_, i) => ({
      id: newId("mnt"),
      organization_id: org.organizationId,
      title: `w${i}`,
      tags: ["x"],
      kind: "once" as const,
      starts_at: new Date(NOW),
      ends_at: new Date(NOW + H),
      created_at: new Date(NOW),
      updated_at: new Date(NOW),
    }));
    await up.rt.db.insertInto("maintenance_windows").values(existing).execute();
    const body = { title: "one more", tags: ["x"], schedule: once(NOW, NOW + H) };
    expect((await call(up, "POST", URL, body, org.headers)).statusCode).toBe(201);
    expectProblem(await call(up, "POST", URL, body, org.headers), 429, "LIMIT_EXCEEDED");
    // Other organizations are not affected.
    expect((await call(up, "POST", URL, body)).statusCode).toBe(201);
  });
});
