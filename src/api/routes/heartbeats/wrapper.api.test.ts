import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, createMonitor, getJson, type MonitorJson, waitFor } from "../../../test/api-helpers.ts";
import { scaledTimeout } from "../../../test/patience.ts";
import { startTestUpblit, type TestUpblit } from "../../../test/upblit.ts";

const run = promisify(execFile);

/** Healthchecks' own wrapper one-liner, with only the base URL changed, against a listening Upblit. */
describe("a Healthchecks wrapper script", () => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit("pglite", { PORT: "0", HOST: "127.0.0.1" }, { listen: true });
  });
  afterAll(async () => up?.close());

  it(
    "reports start and the job's exit status; the run's duration is measured",
    async () => {
      const m = await createMonitor(up, { type: "heartbeat", name: "wrapped job", heartbeat: {} });
      const token = (m as unknown as { heartbeat: { token: string } }).heartbeat.token;
      const base = `${up.url}/ping/${token}`;
      const wrap = (job: string) =>
        run("sh", ["-c", `curl -fsS -m 10 ${base}/start; ${job}; curl -fsS -m 10 ${base}/$?`]);
      const failing = await wrap("sleep 0.2; sh -c 'exit 3'");
      expect(failing.stdout).toBe("OKOK");
      await waitFor(
        () => getJson<MonitorJson>(up, `${API}/monitors/${m.id}`),
        (x) => x.state === "down",
      );
      await wrap("true");
      await waitFor(
        () => getJson<MonitorJson>(up, `${API}/monitors/${m.id}`),
        (x) => x.state === "up",
      );
      const pings = await getJson<{
        items: Array<{ kind: string; exitStatus: number | null; durationMs: number | null }>;
      }>(up, `${API}/monitors/${m.id}/pings`);
      expect(pings.items.map((p) => [p.kind, p.exitStatus])).toEqual([
        ["exit", 0],
        ["start", null],
        ["exit", 3],
        ["start", null],
      ]);
      expect(pings.items[2]!.durationMs).toBeGreaterThanOrEqual(200);
    },
    scaledTimeout(60_000),
  );
});
