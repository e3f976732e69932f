import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/clock.ts";
import { otherOrganization, type TestUser } from "../../test/accounts.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import type { Ctx } from "../context.ts";
import { createMonitor } from "../monitors/create.ts";
import { deleteMonitor } from "../monitors/update.ts";
import { monitorsInMaintenance } from "./active.ts";
import { maintenanceBetween } from "./between.ts";
import { createMaintenanceWindow, getMaintenanceWindow, type MaintenanceWindowInput } from "./windows.ts";

// Saturday 2031-05-10 12:00 UTC.
const NOW = Date.UTC(2031, 4, 10, 12, 0);
const H = 3_600_000;
const DAY = 24 * H;

describe.each(DB_KINDS)("maintenance services on %s", (kind) => {
  const clock = new ManualClock(NOW);
  let up: TestUpblit;
  let ctx: Ctx;
  let other: TestUser;

  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" }, { clock });
    ctx = up.ctx;
    other = await otherOrganization(up, "Other");
  });
  afterAll(async () => up?.close());

  const monitor = async (c: Ctx, name: string, tags: string[] = []) =>
    (await createMonitor(c, monitorDefinition({ name, tags }))).id;
  const window = (
    c: Ctx,
    input: Partial<MaintenanceWindowInput> & Pick<MaintenanceWindowInput, "schedule">,
  ) => createMaintenanceWindow(c, { title: "w", description: null, monitorIds: [], tags: [], ...input });

  it("monitorsInMaintenance: listed or tagged, only while open, and never across organizations", async () => {
    const listed = await monitor(ctx, "listed");
    const tagged = await monitor(ctx, "tagged", ["edge", "db"]);
    const bystander = await monitor(ctx, "bystander", ["web"]);
    const theirs = await monitor(other.ctx, "theirs, same tag", ["db"]);
    await window(ctx, {
      monitorIds: [listed],
      tags: ["db"],
      schedule: { type: "once", startsAt: NOW, endsAt: NOW + H },
    });
    // Only later today: not open now.
    await window(ctx, {
      tags: ["web"],
      schedule: { type: "once", startsAt: NOW + 2 * H, endsAt: NOW + 3 * H },
    });
    const batch = [listed, tagged, bystander, theirs];

    expect(await monitorsInMaintenance(up.rt.db, batch, NOW)).toEqual(new Set([listed, tagged]));
    expect(await monitorsInMaintenance(up.rt.db, batch, NOW + H)).toEqual(new Set());
    expect(await monitorsInMaintenance(up.rt.db, batch, NOW + 2 * H)).toEqual(new Set([bystander]));
    expect(await monitorsInMaintenance(up.rt.db, [], NOW)).toEqual(new Set());
    expect(await monitorsInMaintenance(up.rt.db, ["mon_gone"], NOW)).toEqual(new Set());
  });

  it("a recurring window is open on its days only, in its own time zone", async () => {
    const id = await monitor(other.ctx, "nightly job", ["batch"]);
    // Berlin 13:30–14:30 on Saturdays = 11:30–12:30 UTC in May.
    await window(other.ctx, {
      tags: ["batch"],
      schedule: {
        type: "recurring",
        timezone: "Europe/Berlin",
        startTime: "13:30",
        durationMinutes: 60,
        repeat: { every: "weekly", days: ["sat"] },
      },
    });
    expect(await monitorsInMaintenance(up.rt.db, [id], NOW)).toEqual(new Set([id]));
    expect(await monitorsInMaintenance(up.rt.db, [id], NOW + H)).toEqual(new Set());
    expect(await monitorsInMaintenance(up.rt.db, [id], NOW + DAY)).toEqual(new Set());
    expect(await monitorsInMaintenance(up.rt.db, [id], NOW + 7 * DAY)).toEqual(new Set([id]));
  });

  it("maintenanceBetween lists occurrences in order with the monitors each covers, for one organization", async () => {
    const c: Ctx = {
      ...ctx,
      organizationId: (await otherOrganization(up, "Status page org")).organizationId,
    };
    const a = await monitor(c, "a", ["db"]);
    const b = await monitor(c, "b", ["db", "eu"]);
    const listedOnly = await monitor(c, "c");
    const gone = await monitor(c, "gone");
    const daily = await window(c, {
      title: "Backups",
      description: "nightly",
      monitorIds: [listedOnly],
      tags: ["db"],
      schedule: {
        type: "recurring",
        timezone: "UTC",
        startTime: "23:00",
        durationMinutes: 120,
        repeat: { every: "daily" },
        until: "2031-05-11",
      },
    });
    const once = await window(c, {
      title: "Upgrade",
      monitorIds: [gone],
      tags: ["eu"],
      schedule: { type: "once", startsAt: NOW + 2 * H, endsAt: NOW + 4 * H },
    });
    // Covers nothing once its only monitor is deleted: left out.
    const empty = await window(c, {
      monitorIds: [gone],
      schedule: { type: "once", startsAt: NOW, endsAt: NOW + H },
    });
    await deleteMonitor(c, gone);
    expect((await getMaintenanceWindow(c, empty.id)).monitorIds).toEqual([]);

    const got = await maintenanceBetween(up.rt.db, c.organizationId, NOW, NOW + 3 * DAY);
    const sorted = (ids: string[]) => [...ids].sort();
    expect(
      got.map((o) => [o.windowId, o.startsAt.toISOString(), o.endsAt.toISOString(), o.monitorIds]),
    ).toEqual([
      [once.id, "2031-05-10T14:00:00.000Z", "2031-05-10T16:00:00.000Z", [b]],
      [daily.id, "2031-05-10T23:00:00.000Z", "2031-05-11T01:00:00.000Z", sorted([a, b, listedOnly])],
      [daily.id, "2031-05-11T23:00:00.000Z", "2031-05-12T01:00:00.000Z", sorted([a, b, listedOnly])],
    ]);
    expect(got[1]).toMatchObject({ title: "Backups", description: "nightly" });
    // An ongoing occurrence counts: asked from 00:30, the one that began at 23:00 is first.
    const ongoing = await maintenanceBetween(up.rt.db, c.organizationId, NOW + 12.5 * H, NOW + 13 * H);
    expect(ongoing.map((o) => o.startsAt.toISOString())).toEqual(["2031-05-10T23:00:00.000Z"]);
    // Another organization's windows never show.
    const theirs = await maintenanceBetween(up.rt.db, up.organizationId, NOW, NOW + 3 * DAY);
    expect(theirs.map((o) => o.windowId)).not.toContain(daily.id);
    expect(await maintenanceBetween(up.rt.db, c.organizationId, NOW, NOW)).toEqual([]);
  });
});
