import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API,
  checkNowAndWait,
  createMonitor,
  getJson,
  type MonitorJson,
  monitorBody,
  startTarget,
  type TargetServer,
  waitFor,
} from "../test/api-helpers.ts";
import { startTestUpblit, type TestUpblit } from "../test/upblit.ts";

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
    const checkNow = () => checkNowAndWait(up, m.id);

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
