import { describe, expect, it } from "vitest";
import { API, call, expectProblem, expectValidation, monitorBody } from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import type { TestUpblit } from "../../../test/upblit.ts";
import {
  type Channel,
  futureOnce,
  type Monitor,
  type Page,
  type Rule,
  upsertSuite,
  type Window,
} from "./upsert-by-key.test-support.ts";

/**
 * Upsert by key (docs/config-as-code.md#upsert-by-key) of alert rules, maintenance windows and status
 * pages: create-or-replace, atomically. Monitors and channels: upsert-by-key-monitors-channels.
 */
describe.each(DB_KINDS)("upsert by key on %s", (kind) => {
  let up: TestUpblit;
  const { keys, auditActions } = upsertSuite(kind, (started) => {
    up = started;
  });

  it("creates an alert rule with the key (201), then replaces it with the next body (200)", async () => {
    const channel = (
      await call(up, "POST", `${API}/channels`, { name: "rule target", kind: "ntfy", config: { topic: "r" } })
    ).json<Channel>();
    const body = { name: "prod rule", tags: ["prod"], channelIds: [channel.id], reminderMinutes: 30 };
    const first = await call(up, "PUT", `${API}/alert-rules/by-key/prod`, body);
    expect(first.statusCode, first.body).toBe(201);
    const created = first.json<Rule>();
    expect(first.headers.location).toBe(`/api/v1/alert-rules/${created.id}`);
    expect(created).toMatchObject({ name: "prod rule", tags: ["prod"], reminderMinutes: 30, enabled: true });
    expect(await keys("alert-rules")).toContainEqual({ key: "prod", id: created.id });

    const replaced = await call(up, "PUT", `${API}/alert-rules/by-key/prod`, {
      name: "prod rule v2",
      channelIds: [channel.id],
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.headers.location).toBeUndefined();
    // Fields left out return to their defaults.
    expect(replaced.json<Rule>()).toMatchObject({
      id: created.id,
      name: "prod rule v2",
      tags: [],
      events: ["down", "up"],
      reminderMinutes: null,
    });
    expect(await auditActions(created.id)).toEqual([
      "alert_rule.create",
      "alert_rule.update",
      "resource_key.set",
    ]);

    // A refusal (a channel that is not the organization's) changes nothing and binds nothing.
    const foreign = await call(up, "PUT", `${API}/alert-rules/by-key/prod`, {
      name: "nope",
      channelIds: ["chn_00000000000000000000000000"],
    });
    expectProblem(foreign, 404, "NOT_FOUND");
    const refusedNew = await call(up, "PUT", `${API}/alert-rules/by-key/never`, {
      name: "never",
      channelIds: [],
    });
    expectValidation(refusedNew, ["body.channelIds"]);
    expect((await keys("alert-rules")).some((k) => k.key === "never")).toBe(false);
    expect((await call(up, "GET", `${API}/alert-rules/${created.id}`)).json<Rule>().name).toBe(
      "prod rule v2",
    );
  });

  it("creates a maintenance window with the key, replaces it, and repeats an ended one-off window unchanged", async () => {
    const monitor = (
      await call(up, "POST", `${API}/monitors`, monitorBody("tcp", { name: "mw target" }))
    ).json<Monitor>();
    const now = Date.now();
    const schedule = {
      type: "once",
      startsAt: new Date(now + 3_600_000).toISOString(),
      endsAt: new Date(now + 7_200_000).toISOString(),
    };
    const body = { title: "db upgrade", description: "weekly", monitorIds: [monitor.id], schedule };
    const first = await call(up, "PUT", `${API}/maintenance-windows/by-key/db-upgrade`, body);
    expect(first.statusCode, first.body).toBe(201);
    const created = first.json<Window>();
    expect(first.headers.location).toBe(`/api/v1/maintenance-windows/${created.id}`);
    expect(created).toMatchObject({ title: "db upgrade", description: "weekly", monitorIds: [monitor.id] });
    expect(await keys("maintenance-windows")).toContainEqual({ key: "db-upgrade", id: created.id });

    const replaced = await call(up, "PUT", `${API}/maintenance-windows/by-key/db-upgrade`, {
      title: "db upgrade v2",
      tags: ["db"],
      schedule,
    });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.headers.location).toBeUndefined();
    expect(replaced.json<Window>()).toMatchObject({
      id: created.id,
      title: "db upgrade v2",
      description: null,
      monitorIds: [],
      tags: ["db"],
    });
    expect(await auditActions(created.id)).toEqual([
      "maintenance.create",
      "maintenance.update",
      "resource_key.set",
    ]);

    // A window that has ended: the same body again is accepted; a new past schedule is not.
    const ended = {
      title: "ended",
      tags: ["db"],
      schedule: {
        type: "once",
        startsAt: new Date(now + 60_000).toISOString(),
        endsAt: new Date(now + 120_000).toISOString(),
      },
    };
    expect((await call(up, "PUT", `${API}/maintenance-windows/by-key/ended`, ended)).statusCode).toBe(201);
    await up.rt.db
      .updateTable("maintenance_windows")
      .set({ starts_at: new Date(now - 120_000), ends_at: new Date(now - 60_000) } as never)
      .where("title", "=", "ended")
      .execute();
    const endedId = (await keys("maintenance-windows")).find((k) => k.key === "ended")!.id;
    const endedSchedule = (await call(up, "GET", `${API}/maintenance-windows/${endedId}`)).json<Window>()
      .schedule;
    const repeat = await call(up, "PUT", `${API}/maintenance-windows/by-key/ended`, {
      ...ended,
      schedule: endedSchedule,
    });
    expect(repeat.statusCode, repeat.body).toBe(200);
    const moved = await call(up, "PUT", `${API}/maintenance-windows/by-key/ended`, {
      ...ended,
      schedule: {
        type: "once",
        startsAt: new Date(now - 50_000).toISOString(),
        endsAt: new Date(now - 40_000).toISOString(),
      },
    });
    expectValidation(moved, ["body.schedule.endsAt"]);

    expectValidation(
      await call(up, "PUT", `${API}/maintenance-windows/by-key/never`, { title: "never", schedule }),
      ["body.monitorIds"],
    );
    expect((await keys("maintenance-windows")).some((k) => k.key === "never")).toBe(false);
  });

  it("creates a status page with the key, replaces it, and keeps its password write-only", async () => {
    const slug = `upsert-${Date.now().toString(36)}`;
    const body = {
      slug,
      title: "Status",
      visibility: "password",
      password: "open sesame please",
      historyDays: 30,
    };
    const first = await call(up, "PUT", `${API}/status-pages/by-key/main`, body);
    expect(first.statusCode, first.body).toBe(201);
    const created = first.json<Page>();
    expect(first.headers.location).toBe(`/api/v1/status-pages/${created.id}`);
    expect(created).toMatchObject({ slug, title: "Status", hasPassword: true, historyDays: 30 });
    expect(await keys("status-pages")).toContainEqual({ key: "main", id: created.id });
    const hash = async () =>
      (
        await up.rt.db
          .selectFrom("status_pages")
          .select("password_hash")
          .where("id", "=", created.id)
          .executeTakeFirstOrThrow()
      ).password_hash;
    const before = await hash();

    // The same body again: the same hash, so visitors keep their access.
    const again = await call(up, "PUT", `${API}/status-pages/by-key/main`, body);
    expect(again.statusCode, again.body).toBe(200);
    expect(await hash()).toBe(before);
    // Left out, the password is kept; fields left out return to their defaults.
    const { password: _p, historyDays: _h, ...noPassword } = body;
    const kept = await call(up, "PUT", `${API}/status-pages/by-key/main`, {
      ...noPassword,
      title: "Status v2",
    });
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json<Page>()).toMatchObject({
      id: created.id,
      title: "Status v2",
      hasPassword: true,
      historyDays: 90,
    });
    expect(await hash()).toBe(before);
    // A new password replaces it; public forgets it.
    await call(up, "PUT", `${API}/status-pages/by-key/main`, { ...body, password: "another long pass" });
    expect(await hash()).not.toBe(before);
    const open = await call(up, "PUT", `${API}/status-pages/by-key/main`, { slug, title: "Status" });
    expect(open.json<Page>()).toMatchObject({ visibility: "public", hasPassword: false });

    // Another page's slug: 409, nothing bound.
    const taken = await call(up, "PUT", `${API}/status-pages/by-key/other`, { slug, title: "Other" });
    expectProblem(taken, 409, "CONFLICT");
    expect((await keys("status-pages")).some((k) => k.key === "other")).toBe(false);
    const audit = await auditActions(created.id);
    expect(audit.filter((a) => a === "status_page.create")).toHaveLength(1);
    expect(audit).toContain("status_page.update");
    expect(audit).toContain("resource_key.set");
  });

  it.each([
    ["alert-rules", "alert rule", () => ({ name: "raced rule", channelIds: [] as string[], escalation: [] })],
    [
      "maintenance-windows",
      "window",
      () => ({ title: "raced window", tags: ["raced"], schedule: futureOnce() }),
    ],
    ["status-pages", "page", () => ({ slug: `raced-${process.pid}`, title: "raced page" })],
  ] as const)(
    "creates one %s when several requests race with the same new key",
    async (path, _what, make) => {
      let body: Record<string, unknown> = make();
      if (path === "alert-rules") {
        const channel = (
          await call(up, "POST", `${API}/channels`, {
            name: "raced rule target",
            kind: "ntfy",
            config: { topic: "rr" },
          })
        ).json<Channel>();
        body = { ...body, channelIds: [channel.id] };
      }
      const answers = await Promise.all(
        Array.from({ length: 6 }, () => call(up, "PUT", `${API}/${path}/by-key/raced`, body)),
      );
      expect(answers.map((r) => r.statusCode).sort(), answers.map((r) => r.body).join("\n")).toEqual([
        200, 200, 200, 200, 200, 201,
      ]);
      const ids = new Set(answers.map((r) => r.json<{ id: string }>().id));
      expect(ids.size).toBe(1);
      expect((await keys(path)).filter((k) => k.key === "raced")).toEqual([
        { key: "raced", id: [...ids][0] },
      ]);
      const list = (
        await call(up, "GET", `${API}/${path}${path === "status-pages" ? "" : "?limit=100"}`)
      ).json<{
        items: Array<{ id: string; name?: string; title?: string }>;
      }>().items;
      const named = list.filter((r) => (r.name ?? r.title ?? "").startsWith("raced"));
      expect(named.map((r) => r.id)).toEqual([...ids]);
    },
  );
});
