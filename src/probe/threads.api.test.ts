import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  call,
  createMonitor,
  getJson,
  type MonitorJson,
  monitorBody,
  startTarget,
  type TargetServer,
  waitFor,
} from "../test/api-helpers.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

interface ResultJson {
  slotAt: string;
  status: string;
  statusCode: number | null;
  timings: { connect: number | null; total: number };
  verdicts: Array<{ assertion: string; ok: boolean }>;
}

/** The whole path with PROBE_THREADS on: scheduled and manual checks run in threads, judged and stored. */
describe("checks in probe threads (PROBE_THREADS=2)", () => {
  let up: TestUpblit;
  let target: TargetServer;
  beforeAll(async () => {
    up = await startTestUpblit("pglite", { PROBE_THREADS: "2" });
    target = await startTarget(200);
  });
  afterAll(async () => {
    await up?.close();
    await target?.close();
  });

  const results = (id: string) => getJson<{ items: ResultJson[] }>(up, `${API}/monitors/${id}/results`);

  it("a check-now result is judged and stored, and a failing target takes the monitor down", async () => {
    const m = await createMonitor(
      up,
      monitorBody("json", {
        name: "threaded",
        target: target.url,
        intervalSeconds: 86_400,
        json: { path: "$.status", op: "==", expected: "ok" },
      }),
    );
    const checkNow = async () => {
      const res = await call(up, "POST", `${API}/monitors/${m.id}/check`);
      expect(res.statusCode, res.body).toBe(202);
      const { slotAt } = res.json<{ slotAt: string }>();
      const page = await waitFor(
        () => results(m.id),
        (p) => p.items.some((r) => r.slotAt === slotAt),
      );
      return page.items.find((r) => r.slotAt === slotAt)!;
    };

    const ok = await checkNow();
    expect(ok).toMatchObject({ status: "up", statusCode: 200 });
    expect(ok.timings.connect).not.toBeNull();
    expect(ok.verdicts.some((v) => v.assertion.includes("$.status") && v.ok)).toBe(true);

    target.setStatus(500);
    const failed = await checkNow();
    expect(failed).toMatchObject({ status: "down", statusCode: 500 });
    const monitor = await waitFor(
      () => getJson<MonitorJson>(up, `${API}/monitors/${m.id}`),
      (x) => x.state === "down",
    );
    expect(monitor.state).toBe("down");
  });
});
