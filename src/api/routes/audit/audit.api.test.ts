import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MonitorDefinition } from "../../../domain/monitor.ts";
import { Evaluator } from "../../../evaluator/evaluator.ts";
import { ManualClock } from "../../../lib/clock.ts";
import { audit } from "../../../services/audit/record.ts";
import { applyAuditRetention } from "../../../services/audit/retention.ts";
import type { Ctx } from "../../../services/context.ts";
import { createMonitor as createMonitorService } from "../../../services/monitors/create.ts";
import { deleteMonitor } from "../../../services/monitors/update.ts";
import { apiKeyFor, otherOrganization, signInAs, type TestUser } from "../../../test/accounts.ts";
import {
  API,
  call,
  createMonitor,
  expectProblem,
  type MonitorJson,
  monitorBody,
  startTarget,
  type TargetServer,
  waitFor,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

interface EntryJson {
  id: string;
  at: string;
  actor: { type: string; id: string | null; label: string | null };
  action: string;
  target: { type: string; id: string } | null;
  ip: string | null;
  userAgent: string | null;
  summary: Record<string, unknown>;
}
interface Page {
  items: EntryJson[];
  nextCursor: string | null;
}

const DAY = 86_400_000;
const SECRETS = ["s3cr3t-bearer", "s3cr3t-header", "n3w-s3cr3t", "p4ssw0rd"];

describe.each(DB_KINDS)("audit log on %s", (kind) => {
  let up: TestUpblit;
  let clock: ManualClock;
  let target: TargetServer;

  beforeAll(async () => {
    clock = new ManualClock(Date.now());
    // A probe runs in this process so check-now is accepted; no scheduler runs any check on its own.
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,probe" }, { clock });
    target = await startTarget(200);
  });
  afterAll(async () => {
    await up?.close();
    await target?.close();
  });

  const auditLog = async (query: string, headers: Record<string, string> = {}): Promise<Page> => {
    const res = await call(up, "GET", `${API}/audit-log?${query}`, undefined, headers);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<Page>();
  };
  /** Every entry the query matches, following nextCursor page by page. */
  const allPages = async (query: string, headers: Record<string, string> = {}) => {
    const items: EntryJson[] = [];
    let cursor: string | null = null;
    do {
      const page = await auditLog(`${query}${cursor ? `&cursor=${cursor}` : ""}`, headers);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  };
  const keyIdOf = async (token: string) =>
    (
      await up.rt.db
        .selectFrom("api_keys")
        .select("id")
        .where("lookup", "=", token.slice(0, 12))
        .executeTakeFirstOrThrow()
    ).id;

  it("monitor changes with an API key name the key, the IP, the user agent and the changed fields, never secrets", async () => {
    const from = { "user-agent": "audit-tests/1.0", authorization: `Bearer ${up.apiKey}` };
    const send = (method: "POST" | "PATCH" | "DELETE", url: string, payload?: object) =>
      up.app!.inject({ method, url: `${API}${url}`, headers: from, payload, remoteAddress: "198.51.100.4" });

    const created = await send(
      "POST",
      "/monitors",
      monitorBody("http", {
        name: "audited",
        target: target.url,
        http: { headers: { "X-Api-Key": "s3cr3t-header" }, auth: { type: "bearer", token: "s3cr3t-bearer" } },
      }),
    );
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<MonitorJson>().id;
    const patched = await send("PATCH", `/monitors/${id}`, {
      name: "audited, renamed",
      http: {
        headers: { "X-Api-Key": "n3w-s3cr3t" },
        auth: { type: "basic", username: "u", password: "p4ssw0rd" },
      },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    // Nothing changes: no row. Only `paused` changes: a pause row, no update row.
    expect((await send("PATCH", `/monitors/${id}`, { name: "audited, renamed" })).statusCode).toBe(200);
    expect((await send("PATCH", `/monitors/${id}`, { paused: true })).statusCode).toBe(200);
    expect((await send("POST", `/monitors/${id}/resume`)).statusCode).toBe(200);
    const checked = await send("POST", `/monitors/${id}/check`);
    expect(checked.statusCode, checked.body).toBe(202);
    expect((await send("DELETE", `/monitors/${id}`)).statusCode).toBe(204);

    const page = await auditLog(`targetId=${id}`);
    expect(page.items.map((e) => e.action)).toEqual([
      "monitor.delete",
      "monitor.check_now",
      "monitor.resume",
      "monitor.pause",
      "monitor.update",
      "monitor.create",
    ]);
    const keyId = await keyIdOf(up.apiKey);
    for (const entry of page.items) {
      expect(entry).toMatchObject({
        actor: { type: "api_key", id: keyId, label: up.apiKey.slice(0, 12) },
        target: { type: "monitor", id },
        ip: "198.51.100.4",
        userAgent: "audit-tests/1.0",
        at: new Date(clock.now()).toISOString(),
      });
    }
    const summaries = Object.fromEntries(page.items.map((e) => [e.action, e.summary]));
    expect(summaries["monitor.create"]).toEqual({ name: "audited", type: "http", paused: false });
    expect(summaries["monitor.update"]).toEqual({ fields: ["name", "http.auth", "http.headers"] });
    expect(summaries["monitor.delete"]).toEqual({ name: "audited, renamed", type: "http" });

    const stored = JSON.stringify(
      await up.rt.db.selectFrom("audit_log").selectAll().where("target_id", "=", id).execute(),
    );
    for (const secret of SECRETS) {
      expect(JSON.stringify(page)).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });

  it("a signed-in person is named by id and email", async () => {
    const editor = await signInAs(up, "editor");
    const m = await createMonitor(up, monitorBody("tcp", { name: "by a person" }));
    const res = await call(up, "PATCH", `${API}/monitors/${m.id}`, { intervalSeconds: 120 }, editor.headers);
    expect(res.statusCode, res.body).toBe(200);
    const [entry] = (await auditLog(`targetId=${m.id}&action=monitor.update`)).items;
    expect(entry).toMatchObject({
      actor: { type: "user", id: editor.userId, label: editor.email },
      summary: { fields: ["intervalSeconds"] },
      ip: "127.0.0.1",
    });
  });

  describe("the change and its audit row commit together", () => {
    it("a refused create (over the limit, invalid) writes no row", async () => {
      const other = await otherOrganization(up);
      await up.rt.db
        .updateTable("organizations")
        .set({ monitor_count: up.rt.limits.maxMonitorsPerOrg })
        .where("id", "=", other.organizationId)
        .execute();
      const full = await call(up, "POST", `${API}/monitors`, monitorBody("tcp"), other.headers);
      expectProblem(full, 429, "LIMIT_EXCEEDED");
      const invalid = await call(
        up,
        "POST",
        `${API}/monitors`,
        monitorBody("tcp", { intervalSeconds: 0 }),
        other.headers,
      );
      expectProblem(invalid, 400, "VALIDATION");
      expect(await allPages("action=monitor.", other.headers)).toEqual([]);
    });

    it("when the audit row cannot be written, the change is rolled back", async () => {
      // PostgreSQL refuses NUL in text: the audit insert fails after the monitor's own writes.
      const broken: Ctx = { ...up.ctx, origin: { ip: "127.0.0.1", userAgent: "bad\u0000agent" } };
      const before = await up.rt.db
        .selectFrom("organizations")
        .select("monitor_count")
        .where("id", "=", up.organizationId)
        .executeTakeFirstOrThrow();
      const def: MonitorDefinition = {
        type: "tcp",
        name: "never audited",
        target: "db.example.com:5432",
        intervalSeconds: 60,
        timeoutMs: 5_000,
        regions: [up.rt.region],
        assertions: [],
        failuresBeforeDown: 1,
        successesBeforeUp: 1,
        tags: [],
        description: null,
        runbookUrl: null,
      };
      await expect(createMonitorService(broken, def)).rejects.toThrow(/0x00/);
      const found = await call(up, "GET", `${API}/monitors?q=never%20audited`);
      expect(found.json<{ items: unknown[] }>().items).toEqual([]);
      const after = await up.rt.db
        .selectFrom("organizations")
        .select("monitor_count")
        .where("id", "=", up.organizationId)
        .executeTakeFirstOrThrow();
      expect(after.monitor_count).toBe(before.monitor_count);

      // The same definition with a writable audit row goes through.
      const kept = await createMonitorService(up.ctx, { ...def, name: "kept" });
      await expect(deleteMonitor(broken, kept.id)).rejects.toThrow(/0x00/);
      expect((await call(up, "GET", `${API}/monitors/${kept.id}`)).statusCode).toBe(200);
      expect((await auditLog(`targetId=${kept.id}`)).items.map((e) => e.action)).toEqual(["monitor.create"]);
    });
  });

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
