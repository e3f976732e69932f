import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../../lib/clock.ts";
import { otherOrganization, type TestUser } from "../../../test/accounts.ts";
import { API, call, createMonitor, expectValidation, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// Saturday 2031-05-10 12:00 UTC.
const NOW = Date.UTC(2031, 4, 10, 12, 0);
const URL = `${API}/maintenance-windows`;

interface Span {
  startsAt: string;
  endsAt: string;
}

/** The calendar the dashboard draws: saved windows' occurrences in a range, and unsaved previews. */
describe.each(DB_KINDS)("maintenance calendar on %s", (kind) => {
  const clock = new ManualClock(NOW);
  let up: TestUpblit;
  let other: TestUser;
  let monitorA: string;
  let monitorB: string;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    other = await otherOrganization(up, "Other org");
    monitorA = (await createMonitor(up, monitorBody("tcp", { name: "db primary", tags: ["db"] }))).id;
    monitorB = (await createMonitor(up, monitorBody("tcp", { name: "web" }))).id;
  });
  afterAll(async () => up?.close());

  const create = async (body: Record<string, unknown>) => {
    const res = await call(up, "POST", URL, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<{ id: string }>().id;
  };

  it("previews a recurring schedule in its time zone across a DST change, saving nothing", async () => {
    const res = await call(up, "POST", `${URL}/preview`, {
      schedule: {
        type: "recurring",
        timezone: "America/New_York",
        startTime: "01:00",
        durationMinutes: 30,
        weekly: { days: ["sun"] },
        from: "2031-10-26",
      },
      count: 3,
    });
    expect(res.statusCode, res.body).toBe(200);
    // New York leaves daylight saving time on Sunday 2031-11-02: 01:00 is 05:00 UTC before, 06:00 after.
    expect(res.json<{ occurrences: Span[] }>().occurrences).toEqual([
      { startsAt: "2031-10-26T05:00:00.000Z", endsAt: "2031-10-26T05:30:00.000Z" },
      { startsAt: "2031-11-02T05:00:00.000Z", endsAt: "2031-11-02T05:30:00.000Z" },
      { startsAt: "2031-11-09T06:00:00.000Z", endsAt: "2031-11-09T06:30:00.000Z" },
    ]);
    const list = await call(up, "GET", URL);
    expect(list.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it("previews ten occurrences by default and refuses a broken schedule per field", async () => {
    const daily = await call(up, "POST", `${URL}/preview`, {
      schedule: { type: "recurring", timezone: "UTC", startTime: "23:00", durationMinutes: 60, daily: true },
    });
    expect(daily.json<{ occurrences: Span[] }>().occurrences).toHaveLength(10);
    expectValidation(
      await call(up, "POST", `${URL}/preview`, {
        schedule: {
          type: "recurring",
          timezone: "+02:00",
          startTime: "25:00",
          durationMinutes: 0,
          daily: true,
        },
      }),
      ["body.schedule.timezone", "body.schedule.startTime", "body.schedule.durationMinutes"],
    );
  });

  it("lists the occurrences of every window in a range with the monitors covered, only the organization's", async () => {
    const patching = await create({
      title: "Nightly patching",
      tags: ["db"],
      schedule: { type: "recurring", timezone: "UTC", startTime: "02:00", durationMinutes: 60, daily: true },
    });
    const upgrade = await create({
      title: "Web upgrade",
      monitorIds: [monitorB],
      schedule: { type: "once", startsAt: "2031-05-12T10:00:00Z", endsAt: "2031-05-12T11:00:00Z" },
    });
    const theirs = await call(
      up,
      "POST",
      URL,
      {
        title: "Theirs",
        schedule: { type: "once", startsAt: "2031-05-11T10:00:00Z", endsAt: "2031-05-11T11:00:00Z" },
        tags: ["db"],
      },
      other.headers,
    );
    expect(theirs.statusCode).toBe(201);

    const res = await call(
      up,
      "GET",
      `${URL}/occurrences?from=2031-05-11T00:00:00Z&until=2031-05-13T00:00:00Z`,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      items: [
        {
          windowId: patching,
          title: "Nightly patching",
          startsAt: "2031-05-11T02:00:00.000Z",
          endsAt: "2031-05-11T03:00:00.000Z",
          monitorIds: [monitorA],
        },
        {
          windowId: patching,
          title: "Nightly patching",
          startsAt: "2031-05-12T02:00:00.000Z",
          endsAt: "2031-05-12T03:00:00.000Z",
          monitorIds: [monitorA],
        },
        {
          windowId: upgrade,
          title: "Web upgrade",
          startsAt: "2031-05-12T10:00:00.000Z",
          endsAt: "2031-05-12T11:00:00.000Z",
          monitorIds: [monitorB],
        },
      ],
    });
    // Without a range: the next 28 days from now.
    const month = await call(up, "GET", `${URL}/occurrences`);
    expect(
      month.json<{ items: Span[] }>().items.filter((o) => o.startsAt.endsWith("02:00:00.000Z")),
    ).toHaveLength(28);
  });

  it("refuses a range that ends before it starts", async () => {
    expectValidation(
      await call(up, "GET", `${URL}/occurrences?from=2031-05-11T00:00:00Z&until=2031-05-10T00:00:00Z`),
      ["querystring.until"],
    );
  });
});
