import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CheckResult } from "../domain/check-result.ts";
import { recordResults } from "../services/checks/record-results.ts";
import { webhookChannel } from "../test/alert-routing.ts";
import {
  API,
  call,
  createMonitor,
  getJson,
  type MonitorJson,
  monitorBody,
  waitFor,
} from "../test/api-helpers.ts";
import { DB_KINDS } from "../test/db.ts";
import { type Receiver, startReceiver } from "../test/receiver.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

/**
 * Dependencies stop alert storms, end to end: real checks (probe → evaluator) of monitors whose
 * targets are local receivers, and a default webhook channel whose receiver counts the alerts.
 */
const SECRET = `whsec_${Buffer.from("a test signing secret of 32 bytes").toString("base64")}`;

interface Incident {
  id: string;
  monitorId: string;
  affectedDependents: Array<{ monitorId: string; name: string; since: string }>;
}

describe.each(DB_KINDS)("dependencies and alerts on %s", (kind) => {
  let up: TestUpblit;
  let hooks: Receiver;
  let targets: Receiver;
  /** Status each target path answers; unknown paths answer 200. */
  const statusOf = new Map<string, number>();

  beforeAll(async () => {
    up = await startTestUpblit(
      kind,
      { UPBLIT_ROLES: "api,probe,evaluator,notifier" },
      { notifierPollMs: 25 },
    );
    hooks = await startReceiver();
    targets = await startReceiver();
    targets.respond((req, res) => {
      res.writeHead(statusOf.get(req.path) ?? 200);
      res.end("");
    });
    await webhookChannel(up, hooks, "on call", {
      isDefault: true,
      events: ["down", "up"],
      path: "/alerts",
      secret: SECRET,
    });
  });
  afterAll(async () => {
    await up?.close();
    await hooks?.close();
    await targets?.close();
  });
  beforeEach(() => {
    hooks.requests.length = 0;
  });

  /** An http monitor of `targets` at `/<path>`, checked only when a test asks (no scheduler runs). */
  async function monitor(path: string, parents: string[] = []): Promise<string> {
    const body = monitorBody("http", {
      name: path,
      target: `${targets.origin}/${path}`,
      intervalSeconds: 3600,
      timeoutMs: 2_000,
      parents,
    });
    return (await createMonitor(up, body)).id;
  }
  const stateOf = async (id: string) => (await getJson<MonitorJson>(up, `${API}/monitors/${id}`)).state;
  /** Runs one real check of each monitor and waits until each reached `state`. */
  async function checkUntil(ids: string[], state: string): Promise<void> {
    for (const id of ids) {
      const res = await call(up, "POST", `${API}/monitors/${id}/check`);
      expect(res.statusCode, res.body).toBe(202);
    }
    for (const id of ids)
      await waitFor(
        () => stateOf(id),
        (s) => s === state,
        15_000,
      );
  }
  const alerts = () =>
    hooks.requests.map((r) => {
      const payload = new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>) as {
        type: string;
        data: { monitor: { id: string } };
      };
      return `${payload.type} ${payload.data.monitor.id}`;
    });
  const notificationsOf = (ids: string[]) =>
    up.rt.db
      .selectFrom("notifications")
      .select(["monitor_id", "event"])
      .where("monitor_id", "in", ids)
      .execute();
  /** Lets the notifier deliver whatever is due, so that "nothing more" is a real observation. */
  const settle = () => new Promise((r) => setTimeout(r, 600));
  const openIncidentOf = async (monitorId: string) => {
    const list = await getJson<{ items: Array<{ id: string }> }>(
      up,
      `${API}/incidents?monitorId=${monitorId}&status=open`,
    );
    return getJson<Incident>(up, `${API}/incidents/${list.items[0]!.id}`);
  };

  it("parent down, ten dependents failing: one alert (the parent's), ten affected, listed on its incident", async () => {
    const parent = await monitor("storm/db");
    const children = [];
    for (let i = 0; i < 10; i++) {
      children.push(await monitor(`storm/svc-${i}`, [parent]));
      statusOf.set(`/storm/svc-${i}`, 500);
    }
    statusOf.set("/storm/db", 503);

    await checkUntil([parent], "down");
    await hooks.waitFor(1);
    await checkUntil(children, "affected");
    await settle();

    expect(alerts()).toEqual([`monitor.down ${parent}`]);
    const rows = await notificationsOf([parent, ...children]);
    expect(rows).toEqual([{ monitor_id: parent, event: "down" }]);
    const incident = await openIncidentOf(parent);
    expect(incident.affectedDependents.map((d) => d.monitorId).sort()).toEqual([...children].sort());
    expect(incident.affectedDependents.map((d) => d.name).sort()).toEqual(
      children.map((_, i) => `storm/svc-${i}`).sort(),
    );
    for (const c of children) {
      const own = await getJson<{ items: unknown[] }>(up, `${API}/incidents?monitorId=${c}`);
      expect(own.items).toEqual([]);
    }

    // The parent recovers while one dependent keeps failing: that one now goes down and alerts.
    statusOf.set("/storm/db", 200);
    await checkUntil([parent], "up");
    await checkUntil([children[0]!], "down");
    await hooks.waitFor(3);
    await settle();
    expect(alerts()).toEqual([
      `monitor.down ${parent}`,
      `monitor.up ${parent}`,
      `monitor.down ${children[0]}`,
    ]);
    // The resolved incident still lists all ten.
    const resolved = await getJson<Incident>(up, `${API}/incidents/${incident.id}`);
    expect(resolved.affectedDependents).toHaveLength(10);
  });

  it("a dependent recovering while affected sends nothing", async () => {
    const parent = await monitor("quiet/db");
    const child = await monitor("quiet/app", [parent]);
    statusOf.set("/quiet/db", 500);
    statusOf.set("/quiet/app", 500);
    await checkUntil([parent], "down");
    await checkUntil([child], "affected");
    statusOf.set("/quiet/app", 200);
    await checkUntil([child], "up");
    await hooks.waitFor(1);
    await settle();
    expect(alerts()).toEqual([`monitor.down ${parent}`]);
    expect(await notificationsOf([child])).toEqual([]);
  });

  it("parent and dependent failing in the same batch: only the parent alerts", async () => {
    const parent = await monitor("batch/router");
    const child = await monitor("batch/site", [parent]);
    const now = Date.now();
    const failing = (monitorId: string, slotAt: number): CheckResult => ({
      monitorId,
      organizationId: up.organizationId,
      region: "local",
      slotAt,
      startedAt: now,
      manual: false,
      status: "down",
      statusCode: 502,
      timings: { total: 3 },
      verdicts: [],
    });
    // The child's result is first and has the earlier slot.
    await recordResults(up.rt, [failing(child, now - 2), failing(parent, now - 1)]);
    expect(await stateOf(child)).toBe("affected");
    await hooks.waitFor(1);
    await settle();
    expect(alerts()).toEqual([`monitor.down ${parent}`]);
    expect((await openIncidentOf(parent)).affectedDependents.map((d) => d.monitorId)).toEqual([child]);
  });
});
