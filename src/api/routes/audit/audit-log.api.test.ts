import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Evaluator } from "../../../evaluator/evaluator.ts";
import { ManualClock } from "../../../lib/clock.ts";
import { audit } from "../../../services/audit/record.ts";
import { applyAuditRetention } from "../../../services/audit/retention.ts";
import type { Ctx } from "../../../services/context.ts";
import { apiKeyFor, otherOrganization, signInAs, type TestUser } from "../../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  type MonitorJson,
  monitorBody,
  waitFor,
} from "../../../test/api-helpers.ts";
import { allAuditPages, apiKeyIdOf, auditLogPage } from "../../../test/audit-log.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// Reading the audit log: filters, pages, isolation, permission, validation; and retention. What
// it records is in audit.api.test.ts.

const DAY = 86_400_000;

describe.each(DB_KINDS)("audit log on %s", (kind) => {
  let up: TestUpblit;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    up = await startTestUpblit(kind, API_ONLY, { clock });
  });
  afterAll(async () => {
    await up?.close();
  });

  const auditLog = (query: string, headers: Record<string, string> = {}) => auditLogPage(up, query, headers);
  const allPages = (query: string, headers: Record<string, string> = {}) => allAuditPages(up, query, headers);
  const keyIdOf = (token: string) => apiKeyIdOf(up, token);

  describe("filters and pages", () => {
    let org: TestUser;
    let keyId: string;
    const ids: Record<string, string> = {};
    const times: number[] = [];
    const as = (query: string) => allPages(query, org.headers);

    beforeAll(async () => {
      org = await otherOrganization(up, "Filtered");
      const token = await apiKeyFor(org, ["monitors:read", "monitors:write"]);
      keyId = await keyIdOf(token);
      const key = { authorization: `Bearer ${token}` };
      const step = async (
        method: "POST" | "PATCH" | "DELETE",
        url: string,
        headers: Record<string, string>,
        body?: object,
      ) => {
        clock.advance(60_000);
        times.push(clock.now());
        const res = await call(up, method, `${API}${url}`, body, headers);
        expect(res.statusCode, res.body).toBeLessThan(300);
        return res;
      };
      ids.a = (
        await step("POST", "/monitors", org.headers, monitorBody("tcp", { name: "a" }))
      ).json<MonitorJson>().id;
      ids.b = (
        await step("POST", "/monitors", key, monitorBody("tcp", { name: "b" }))
      ).json<MonitorJson>().id;
      await step("PATCH", `/monitors/${ids.a}`, key, { name: "a2" });
      await step("POST", `/monitors/${ids.b}/pause`, org.headers);
      await step("DELETE", `/monitors/${ids.a}`, org.headers);
    });

    it("by action, exact or by prefix", async () => {
      expect((await as("action=monitor.create")).map((e) => e.target?.id)).toEqual([ids.b, ids.a]);
      expect((await as("action=monitor.")).map((e) => e.action)).toEqual([
        "monitor.delete",
        "monitor.pause",
        "monitor.update",
        "monitor.create",
        "monitor.create",
      ]);
      expect(await as("action=monitor")).toEqual([]);
      expect((await as("action=api_key.")).map((e) => e.action)).toEqual(["api_key.create"]);
    });

    it("by actor and by target", async () => {
      expect((await as(`actor=${keyId}`)).map((e) => e.action)).toEqual(["monitor.update", "monitor.create"]);
      expect((await as(`actor=${org.userId}&action=monitor.`)).map((e) => e.action)).toEqual([
        "monitor.delete",
        "monitor.pause",
        "monitor.create",
      ]);
      expect((await as(`targetType=monitor&targetId=${ids.a}`)).map((e) => e.action)).toEqual([
        "monitor.delete",
        "monitor.update",
        "monitor.create",
      ]);
      expect(await as(`targetType=api_key&targetId=${ids.a}`)).toEqual([]);
    });

    it("by time: from inclusive, to exclusive", async () => {
      const iso = (i: number) => new Date(times[i]!).toISOString();
      const window = await as(`from=${iso(1)}&to=${iso(3)}`);
      expect(window.map((e) => e.action)).toEqual(["monitor.update", "monitor.create"]);
      expect(window.map((e) => e.at)).toEqual([iso(2), iso(1)]);
      expect((await as(`from=${iso(4)}`)).map((e) => e.action)).toEqual(["monitor.delete"]);
    });

    it("pages newest first, without gaps or repeats", async () => {
      const whole = await auditLog("limit=200", org.headers);
      expect(whole.nextCursor).toBeNull();
      // user.create (its owner), api_key.create and the five monitor changes.
      expect(whole.items).toHaveLength(7);
      const sorted = [...whole.items.map((e) => e.id)].sort().reverse();
      expect(whole.items.map((e) => e.id)).toEqual(sorted);
      for (const limit of [1, 2, 4]) {
        const first = await auditLog(`limit=${limit}`, org.headers);
        expect(first.items).toHaveLength(limit);
        expect(first.nextCursor).not.toBeNull();
        expect((await as(`limit=${limit}`)).map((e) => e.id)).toEqual(sorted);
      }
      const exact = await auditLog("limit=7", org.headers);
      expect(exact.nextCursor).toBeNull();
    });
  });

  it("lists only the caller's organization's entries", async () => {
    const other = await otherOrganization(up);
    await createMonitor(up, monitorBody("tcp", { name: "ours" }));
    const theirs = await call(
      up,
      "POST",
      `${API}/monitors`,
      monitorBody("tcp", { name: "theirs" }),
      other.headers,
    );
    const theirId = theirs.json<MonitorJson>().id;
    // A person's own account change belongs to no organization and is in no organization's list.
    await audit(
      up.rt.db,
      { ...up.rt, user: { id: up.ownerId, email: "owner@example.com", sessionId: null } },
      {
        action: "user.password_change",
      },
    );

    const ours = await allPages("limit=200");
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.filter((e) => e.target?.id === theirId || e.actor.id === other.userId)).toEqual([]);
    expect(ours.map((e) => e.action)).not.toContain("user.password_change");
    expect(await allPages(`targetId=${theirId}`)).toEqual([]);
    expect(await allPages(`actor=${other.userId}`)).toEqual([]);

    const theirList = await allPages("limit=200", other.headers);
    expect(theirList.map((e) => e.action)).toEqual(["monitor.create", "user.create"]);
    const ourIds = new Set(ours.map((e) => e.id));
    expect(theirList.filter((e) => ourIds.has(e.id))).toEqual([]);
  });

  it("needs audit:read: admins and keys with the scope, not editors or keys without it", async () => {
    const admin = await signInAs(up, "admin");
    expect((await call(up, "GET", `${API}/audit-log`, undefined, admin.headers)).statusCode).toBe(200);
    const reader = await apiKeyFor(admin, ["audit:read"]);
    expect(
      (await call(up, "GET", `${API}/audit-log`, undefined, { authorization: `Bearer ${reader}` }))
        .statusCode,
    ).toBe(200);
    const editor = await signInAs(up, "editor");
    expectProblem(await call(up, "GET", `${API}/audit-log`, undefined, editor.headers), 403, "FORBIDDEN");
    const noScope = await apiKeyFor(admin, ["monitors:read", "org:admin"]);
    expectProblem(
      await call(up, "GET", `${API}/audit-log`, undefined, { authorization: `Bearer ${noScope}` }),
      403,
      "FORBIDDEN",
    );
    expectProblem(
      await call(up, "GET", `${API}/audit-log`, undefined, { authorization: "" }),
      401,
      "UNAUTHENTICATED",
    );
  });

  it("validates its filters", async () => {
    const cases: Array<[string, string]> = [
      ["action=Monitor%20Create", "querystring.action"],
      ["action=monitor..x", "querystring.action"],
      ["from=yesterday", "querystring.from"],
      ["to=2024-13-01T00:00:00Z", "querystring.to"],
      ["limit=0", "querystring.limit"],
      ["limit=1000", "querystring.limit"],
      ["ip=127.0.0.1", "querystring.ip"],
    ];
    for (const [query, path] of cases) {
      const body = expectProblem(await call(up, "GET", `${API}/audit-log?${query}`), 400, "VALIDATION");
      expect(
        body.errors.map((e) => e.path),
        query,
      ).toContain(path);
    }
  });

  it("retention: the evaluator deletes entries past AUDIT_RETENTION_DAYS in every organization, and keeps newer ones", async () => {
    const other = await otherOrganization(up);
    const at = (daysAgo: number): Ctx => ({ ...up.ctx, clock: { now: () => clock.now() - daysAgo * DAY } });
    await audit(up.rt.db, at(31), { action: "test.old", target: { type: "test", id: "old-ours" } });
    await audit(
      up.rt.db,
      { ...other.ctx, clock: at(45).clock },
      { action: "test.old", target: { type: "test", id: "old-theirs" } },
    );
    await audit(up.rt.db, at(29), { action: "test.recent", target: { type: "test", id: "recent" } });
    const rows = () =>
      up.rt.db
        .selectFrom("audit_log")
        .select("target_id")
        .where("action", "like", "test.%")
        .orderBy("target_id")
        .execute();
    expect((await rows()).map((r) => r.target_id)).toEqual(["old-ours", "old-theirs", "recent"]);

    const evaluator = new Evaluator(up.rt, {
      retention: { rawDays: 30, rollupDays: 400, auditDays: 30 },
      retentionEveryMs: 50,
    });
    evaluator.start();
    try {
      await waitFor(rows, (r) => r.length === 1);
    } finally {
      await evaluator.stop(1_000);
    }
    expect((await rows()).map((r) => r.target_id)).toEqual(["recent"]);
    expect((await auditLog("action=monitor.create")).items.length).toBeGreaterThan(0);
    expect(await applyAuditRetention(up.rt, 30)).toBe(0);
  });
});
