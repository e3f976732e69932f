import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MonitorDefinition } from "../../../domain/monitor.ts";
import { ManualClock } from "../../../lib/clock.ts";
import type { Ctx } from "../../../services/context.ts";
import { createMonitor as createMonitorService } from "../../../services/monitors/create.ts";
import { deleteMonitor } from "../../../services/monitors/update.ts";
import { otherOrganization, signInAs } from "../../../test/accounts.ts";
import {
  API,
  call,
  createMonitor,
  expectProblem,
  type MonitorJson,
  monitorBody,
  startTarget,
  type TargetServer,
} from "../../../test/api-helpers.ts";
import { allAuditPages, apiKeyIdOf, auditLogPage } from "../../../test/audit-log.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

// What the audit log records, and that a change and its row commit together. Reading the log
// (filters, pages, isolation, permission, validation) and retention are in audit-log.api.test.ts.

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

  const auditLog = (query: string, headers: Record<string, string> = {}) => auditLogPage(up, query, headers);
  const allPages = (query: string, headers: Record<string, string> = {}) => allAuditPages(up, query, headers);
  const keyIdOf = (token: string) => apiKeyIdOf(up, token);

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
});
