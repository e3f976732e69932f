import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, otherOrganization } from "../../test/accounts.ts";
import {
  call,
  checkNowAndWait,
  createMonitor,
  expectProblem,
  monitorBody,
  startTarget,
  type TargetServer,
} from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";
import { parsePrometheusText, sample } from "./metrics.test-support.ts";

const METRICS_TOKEN = "operator-metrics-token-0123456789";

describe.each(DB_KINDS)("GET /metrics on %s", (kind) => {
  let up: TestUpblit;
  let target: TargetServer;

  beforeAll(async () => {
    // No scheduler: the only checks are the ones the test runs, so counts are exact.
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api,probe,evaluator", METRICS_TOKEN });
    target = await startTarget(200);
  });
  afterAll(async () => {
    await up?.close();
    await target?.close();
  });

  const scrape = async (authorization: string) => {
    const res = await call(up, "GET", "/metrics", undefined, { authorization });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(res.body);
  };

  it("is never public: 401 without a credential or with a wrong one, 403 for a key without metrics:read", async () => {
    expectProblem(
      await call(up, "GET", "/metrics", undefined, { authorization: "" }),
      401,
      "UNAUTHENTICATED",
    );
    expectProblem(
      await call(up, "GET", "/metrics", undefined, { authorization: "Bearer not-the-metrics-token-at-all" }),
      401,
      "UNAUTHENTICATED",
    );
    const other = await otherOrganization(up, "Readers");
    const readOnly = await apiKeyFor(other, ["monitors:read"]);
    expectProblem(
      await call(up, "GET", "/metrics", undefined, { authorization: `Bearer ${readOnly}` }),
      403,
      "FORBIDDEN",
    );
    await scrape(`Bearer ${await apiKeyFor(other, ["metrics:read"])}`);
    await scrape(`Bearer ${METRICS_TOKEN}`);
  });

  it("counts the checks run and their statuses, and shows each monitor's state and last latency", async () => {
    const before = await scrape(`Bearer ${METRICS_TOKEN}`);
    const upBefore = sample(before, "upblit_checks_total", { status: "up" }) ?? 0;
    const downBefore = sample(before, "upblit_checks_total", { status: "down" }) ?? 0;
    expect(sample(before, "process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sample(before, "upblit_queue_depth", { job: "check.run" })).toBe(0);
    const storedBefore = sample(before, "upblit_results_stored_total") ?? 0;
    const batchesBefore = sample(before, "upblit_result_batch_seconds") ?? 0;

    const monitor = await createMonitor(up, monitorBody("http", { name: "metered", target: target.url }));
    const first = await checkNowAndWait(up, monitor.id);
    target.setStatus(500);
    await checkNowAndWait(up, monitor.id);
    target.setStatus(200);

    const after = await scrape(`Bearer ${up.apiKey}`);
    expect(sample(after, "upblit_checks_total", { status: "up" })).toBe(upBefore + 1);
    expect(sample(after, "upblit_checks_total", { status: "down" })).toBe(downBefore + 1);
    expect(after.get("upblit_check_lateness_seconds")?.type).toBe("HISTOGRAM");
    expect(sample(after, "upblit_monitor_up", { monitor_id: monitor.id, type: "http" })).toBe(0);
    expect(sample(after, "upblit_monitor_latency_seconds", { monitor_id: monitor.id })).toBeGreaterThan(0);
    expect(first.status).toBe("up");
    // The evaluator wrote both results (checkNowAndWait waits until they are stored), in 1 or 2 batches.
    expect(sample(after, "upblit_results_stored_total")).toBe(storedBefore + 2);
    const batches = (sample(after, "upblit_result_batch_seconds") ?? 0) - batchesBefore;
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(2);
    expect(sample(after, "upblit_results_buffered")).toBe(0);
  });

  it("shows the PostgreSQL pool's connections (none for PGlite, which has no pool)", async () => {
    const families = await scrape(`Bearer ${METRICS_TOKEN}`);
    if (kind === "pglite") {
      expect(families.has("upblit_db_pool_connections")).toBe(false);
      return;
    }
    const total = sample(families, "upblit_db_pool_connections", { state: "total" }) ?? 0;
    const idle = sample(families, "upblit_db_pool_connections", { state: "idle" }) ?? -1;
    expect(total).toBeGreaterThanOrEqual(1);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThanOrEqual(total);
    expect(sample(families, "upblit_db_pool_connections", { state: "waiting" })).toBe(0);
  });

  it("an API key sees its own organization's monitors only; the operator's token sees every one", async () => {
    const mine = await createMonitor(up, monitorBody("http", { name: "mine", target: target.url }));
    const other = await otherOrganization(up, "Elsewhere");
    const theirKey = await apiKeyFor(other, ["metrics:read", "monitors:write"]);
    const theirs = await call(
      up,
      "POST",
      "/api/v1/monitors",
      monitorBody("http", { name: "theirs", target: target.url }),
      { authorization: `Bearer ${theirKey}` },
    );
    expect(theirs.statusCode, theirs.body).toBe(201);
    const theirId = theirs.json<{ id: string }>().id;

    const asThem = await scrape(`Bearer ${theirKey}`);
    const ids = (families: Map<string, { metrics: Array<{ labels?: Record<string, string> }> }>) =>
      (families.get("upblit_monitor_up")?.metrics ?? []).map((m) => m.labels?.monitor_id);
    expect(ids(asThem)).toEqual([theirId]);
    expect(sample(asThem, "upblit_monitors", { state: "pending" })).toBe(1);

    const asOperator = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(ids(asOperator)).toEqual(expect.arrayContaining([mine.id, theirId]));
  });

  it("every series the Grafana dashboard (docs/grafana-dashboard.json) queries is served", async () => {
    const dashboard = readFileSync(new URL("../../../docs/grafana-dashboard.json", import.meta.url), "utf8");
    const exprs = (
      JSON.parse(dashboard) as { panels: Array<{ targets: Array<{ expr: string }> }> }
    ).panels.flatMap((p) => p.targets.map((t) => t.expr));
    const names = new Set(exprs.flatMap((e) => e.match(/\b(?:upblit|process)_[a-z_]+/g) ?? []));
    const served = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) expect(served.has(name.replace(/_bucket$/, "")), name).toBe(true);
  });
});
