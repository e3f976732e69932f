import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../../services/api-keys/api-keys.ts";
import {
  API,
  API_ONLY,
  call,
  createMonitor,
  expectProblem,
  expectValidation,
  getJson,
  monitorBody,
  type ResultJson,
  startTarget,
  type TargetServer,
  waitFor,
} from "../../../test/api-helpers.ts";
import { DB_KINDS } from "../../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

const ASSERTIONS = [
  { subject: "status", op: "==", value: 200 },
  { subject: "json", path: "$.status", op: "==", value: "ok" },
  { subject: "latency.total", op: "<", value: 60_000, severity: "soft" },
  { subject: "header", path: "x-missing", op: "exists", severity: "soft" },
];

/** A definition of an http monitor of the test target, with assertions that pass and one that fails. */
const definition = (target: TargetServer, overrides: Record<string, unknown> = {}) =>
  monitorBody("http", {
    name: "tested",
    target: target.url,
    intervalSeconds: 60,
    timeoutMs: 10_000,
    assertions: ASSERTIONS,
    ...overrides,
  });

function expectFullResult(r: Omit<ResultJson, "monitorId">): void {
  expect(r).toMatchObject({ status: "degraded", statusCode: 200, error: null, manual: true });
  expect(r.timings.connect).toEqual(expect.any(Number));
  expect(r.timings.firstByte).toEqual(expect.any(Number));
  expect(r.timings.total).toBeGreaterThan(0);
  expect(r.verdicts).toEqual([
    { assertion: expect.stringContaining("status"), ok: true, severity: "hard", actual: 200 },
    { assertion: expect.stringContaining("$.status"), ok: true, severity: "hard", actual: "ok" },
    {
      assertion: expect.stringContaining("latency.total"),
      ok: true,
      severity: "soft",
      actual: expect.any(Number),
    },
    { assertion: expect.stringContaining("x-missing"), ok: false, severity: "soft", actual: null },
  ]);
}

describe.each(DB_KINDS)("check now with wait, and test checks, on %s", (kind) => {
  let up: TestUpblit;
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget(200);
    up = await startTestUpblit(kind);
  });
  afterAll(async () => {
    await up?.close();
    await target?.close();
  });

  const count = async (path: string) => (await getJson<{ items: unknown[] }>(up, path)).items.length;

  it("check?wait=true answers 200 with the recorded result, as the results endpoint shows it", async () => {
    const m = await createMonitor(up, definition(target, { paused: true }));
    const hits = target.hits();
    const res = await call(up, "POST", `${API}/monitors/${m.id}/check?wait=true`);
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json<ResultJson>();
    expect(result.monitorId).toBe(m.id);
    expectFullResult(result);
    expect(target.hits()).toBe(hits + 1);
    const listed = await getJson<{ items: ResultJson[] }>(up, `${API}/monitors/${m.id}/results`);
    expect(listed.items.find((r) => r.slotAt === result.slotAt)).toEqual(result);
  });

  it("check without wait still answers 202 at once", async () => {
    const m = await createMonitor(up, definition(target, { paused: true }));
    const res = await call(up, "POST", `${API}/monitors/${m.id}/check`);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ monitorId: m.id, slotAt: expect.any(String) });
    // The check still runs: let it finish before the next test counts the target's hits.
    await waitFor(
      () => getJson<{ items: ResultJson[] }>(up, `${API}/monitors/${m.id}/results`),
      (page) => page.items.some((r) => r.slotAt === res.json().slotAt),
      60_000,
    );
    expectValidation(await call(up, "POST", `${API}/monitors/${m.id}/check?wait=soon`), ["querystring.wait"]);
  });

  it("/monitors/test runs one check of an unsaved definition and saves nothing", async () => {
    const monitors = await count(`${API}/monitors?limit=100`);
    const audit = await count(`${API}/audit-log?limit=100`);
    const hits = target.hits();
    const res = await call(up, "POST", `${API}/monitors/test`, definition(target, { name: "never saved" }));
    expect(res.statusCode, res.body).toBe(200);
    const result = res.json<Omit<ResultJson, "monitorId"> & { monitorId: null }>();
    expect(result.monitorId).toBeNull();
    expectFullResult(result);
    expect(target.hits()).toBe(hits + 1);
    expect(target.lastHeaders()["user-agent"]).toMatch(/Upblit/);
    expect(await count(`${API}/monitors?limit=100`)).toBe(monitors);
    expect(await count(`${API}/monitors?q=never%20saved`)).toBe(0);
    expect(await count(`${API}/audit-log?limit=100`)).toBe(audit);
  });

  it("/monitors/test reports a failed exchange like a check does", async () => {
    const closed = await startTarget(200);
    await closed.close();
    const res = await call(up, "POST", `${API}/monitors/test`, definition(closed));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: "down", verdicts: [], error: { kind: "refused" } });
  });

  it("/monitors/test validates the body as create does", async () => {
    expectValidation(
      await call(up, "POST", `${API}/monitors/test`, monitorBody("http", { target: "ftp://x", colour: 1 })),
      ["body.target", "body.colour"],
    );
    expectValidation(
      await call(
        up,
        "POST",
        `${API}/monitors/test`,
        monitorBody("tcp", { intervalSeconds: 2, timeoutMs: 5_000 }),
      ),
      ["body.timeoutMs"],
    );
  });

  it("/monitors/test needs the permission create needs", async () => {
    const { token } = await createApiKey(up.ctx, { name: "reader", scopes: ["monitors:read"] });
    const res = await call(up, "POST", `${API}/monitors/test`, definition(target), {
      authorization: `Bearer ${token}`,
    });
    expectProblem(res, 403, "FORBIDDEN");
  });
});

describe.each(DB_KINDS)("test checks with private targets off, on %s", (kind) => {
  let up: TestUpblit;
  let target: TargetServer;
  beforeAll(async () => {
    target = await startTarget(200);
    up = await startTestUpblit(kind, { ...API_ONLY, ALLOW_PRIVATE_TARGETS: "false" });
  });
  afterAll(async () => {
    await up?.close();
    await target?.close();
  });

  it("refuses a loopback target without connecting to it", async () => {
    const res = await call(up, "POST", `${API}/monitors/test`, definition(target));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      monitorId: null,
      status: "down",
      verdicts: [],
      error: { kind: "blocked", message: "target address is not allowed" },
    });
    const tcp = await call(up, "POST", `${API}/monitors/test`, monitorBody("tcp", { target: "127.0.0.1:9" }));
    expect(tcp.json()).toMatchObject({ status: "down", error: { kind: "blocked" } });
    expect(target.hits()).toBe(0);
  });

  it("is limited per organization", async () => {
    const body = monitorBody("tcp", { target: "10.255.255.1:9" });
    // 30 a minute (the test above took two): a 429 comes, with the wait, by the 31st at the latest.
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    let allowed = 0;
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await call(up, "POST", `${API}/monitors/test`, body);
      if (res.statusCode === 200) allowed++;
      else refused = res;
    }
    expect(allowed).toBeLessThanOrEqual(30);
    expectProblem(refused!, 429, "LIMIT_EXCEEDED");
    expect(refused?.headers["retry-after"]).toMatch(/^\d+$/);
  });
});
