import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { parsePrometheusText, sample } from "../../src/api/routes/metrics.test-support.ts";
import {
  allResults,
  api,
  exitWithin,
  freePort,
  httpMonitor,
  incidentsOf,
  patientTest,
  runCli,
  startTarget,
  startUpblitProcess,
  type Target,
  tempDir,
  type UpblitProcess,
  waitFor,
  waitForOutput,
} from "./helpers.ts";
import { checkedSlots, startRelay } from "./remote-probe-helpers.ts";

/**
 * Issue 17, second slice, as real processes on loopback: a remote probe whose link is cut checks
 * on its own, buffers on disk, uploads when the link is back (stored once, history only, no
 * incident); a region's private-target setting decides what its probe may reach; a quorum of a
 * local and a remote region is not paged when the remote one fails alone; the probe's /metrics;
 * a server that does not speak the probe's protocol stops it with a clear message.
 */
const running: UpblitProcess[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

afterAll(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  }
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Buffered {
  monitorId: string;
  slotAt: number;
  offline?: boolean;
}
const readBuffer = (file: string): Buffered[] => {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Buffered[];
  } catch {
    return [];
  }
};
type Result = { region: string; slotAt: string; status: string; error?: { kind: string } | null };
const results = async (base: string, id: string, region: string) =>
  ((await allResults(base, id)) as unknown as Result[]).filter((r) => r.region === region);
const scrape = async (port: number) =>
  parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());

describe("remote probes, offline and private targets", () => {
  it(
    "checks on its own while the link is cut, buffers on disk, replays once, opens no incident; a remote region failing alone pages nobody",
    async () => {
      const tmp = tempDir("remote-probe-offline");
      cleanups.push(tmp.remove);
      const target: Target = await startTarget();
      cleanups.push(() => target.close());
      const port = await freePort();
      const up = await startUpblitProcess(tmp.dir, port, { LOST_CHECK_GRACE_SECONDS: "60" });
      running.push(up);
      const relay = await startRelay(port);
      cleanups.push(() => relay.close());
      const base = up.base;
      await api(base, "POST", "/api/v1/regions", {
        name: "branch",
        kind: "remote",
        allowPrivateTargets: true,
      });
      // dmz's probe may not reach private targets: the loopback target is refused there alone.
      await api(base, "POST", "/api/v1/regions", { name: "dmz", kind: "remote" });
      const tokenOf = async (region: string) =>
        (await api<{ token: string }>(base, "POST", "/api/v1/probe-tokens", { name: region, region })).token;
      const branchToken = await tokenOf("branch");
      const dmzToken = await tokenOf("dmz");
      const branchWeb = await api<{ id: string }>(
        base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("branch web", `${target.origin}/ok/branch`, { regions: ["branch"], intervalSeconds: 2 }),
      );
      const both = await api<{ id: string }>(
        base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("local and dmz", `${target.origin}/ok/both`, {
          regions: ["local", "dmz"],
          // Roomy: on a loaded machine a check of our own probe must not time out into a second "down".
          intervalSeconds: 3,
          timeoutMs: 2_500,
        }),
      );

      const buffer = `${tmp.dir}/buffer.json`;
      const metricsPort = await freePort();
      const branch = runCli(
        [
          ...["probe", "--connect", relay.url, "--log-format", "json", "--buffer-file", buffer],
          ...["--offline-after", "2", "--metrics-port", String(metricsPort)],
        ],
        { UPBLIT_PROBE_TOKEN: branchToken, LOG_LEVEL: "info" },
      );
      const dmz = runCli(["probe", "--connect", base, "--log-format", "json"], {
        UPBLIT_PROBE_TOKEN: dmzToken,
        LOG_LEVEL: "info",
      });
      running.push(branch, dmz);
      await waitForOutput(branch, /assignments: 1 monitors in region branch/);
      await waitForOutput(branch, /private targets: allowed by the region/);
      await waitForOutput(dmz, /assignments: 1 monitors in region dmz/);
      await waitFor(
        "two claimed results of branch",
        async () => (await results(base, branchWeb.id, "branch")).length >= 2,
      );

      // The link is cut: after --offline-after the probe checks its last assignments on its own
      // and keeps the results in its buffer file.
      relay.cut();
      await waitForOutput(branch, /offline checking: no contact/);
      const offline = await waitFor("three offline results in the buffer file", () => {
        const kept = readBuffer(buffer).filter((r) => r.offline && r.monitorId === branchWeb.id);
        return kept.length >= 3 ? kept : undefined;
      });
      const during = await scrape(metricsPort);
      expect(sample(during, "upblit_probe_offline")).toBe(1);
      expect(
        sample(during, "upblit_probe_checks_total", { mode: "offline", status: "up" }),
      ).toBeGreaterThanOrEqual(3);
      expect(sample(during, "upblit_probe_buffered_results")).toBeGreaterThanOrEqual(3);
      expect(sample(during, "upblit_probe_upload_failures_total")).toBeGreaterThan(0);
      expect(sample(during, "upblit_probe_assigned_monitors")).toBe(1);
      const restoredAt = Date.now();
      relay.restore();
      await waitForOutput(branch, /server reachable again/);

      // Every offline result is stored, once, with its slot; the probe checked no slot twice.
      const stored = await waitFor("the offline results stored", async () => {
        const got = await results(base, branchWeb.id, "branch");
        const slots = new Set(got.map((r) => Date.parse(r.slotAt)));
        return offline!.every((r) => slots.has(r.slotAt)) ? got : undefined;
      });
      expect(new Set(stored!.map((r) => r.slotAt)).size).toBe(stored!.length);
      expect(stored!.every((r) => r.status === "up")).toBe(true);
      const slots = checkedSlots(branch, branchWeb.id);
      expect(new Set(slots).size).toBe(slots.length);
      expect(branch.output()).not.toMatch(/result refused/);
      await waitFor("the buffer file emptied", () => readBuffer(buffer).length === 0);
      const after = await scrape(metricsPort);
      expect(sample(after, "upblit_probe_offline")).toBe(0);
      expect(sample(after, "upblit_probe_last_contact_timestamp_seconds")! * 1000).toBeGreaterThanOrEqual(
        restoredAt - 1000,
      );
      expect(Math.abs(sample(after, "upblit_probe_clock_skew_seconds")!)).toBeLessThan(5);
      expect(await incidentsOf(base, branchWeb.id)).toEqual([]);

      // dmz refuses the loopback target (its region does not allow private targets) while the
      // server's own probe reaches it: the quorum of two is not met, nobody is paged.
      await waitFor("three results from each region", async () => {
        const [fromDmz, fromLocal] = await Promise.all([
          results(base, both.id, "dmz"),
          results(base, both.id, "local"),
        ]);
        return fromDmz.length >= 3 && fromLocal.length >= 3;
      });
      const fromDmz = await results(base, both.id, "dmz");
      expect(fromDmz.every((r) => r.status === "down" && r.error?.kind === "blocked")).toBe(true);
      // (A slot lost to the machine's load is `unknown`, which moves nothing either.)
      const fromLocal = await results(base, both.id, "local");
      expect(fromLocal.filter((r) => r.status !== "up" && r.status !== "unknown")).toEqual([]);
      expect(fromLocal.some((r) => r.status === "up")).toBe(true);
      expect(await incidentsOf(base, both.id)).toEqual([]);
      const monitor = await api<{ state: string }>(base, "GET", `/api/v1/monitors/${both.id}`);
      expect(monitor.state).toBe("up");

      for (const p of [branch, dmz]) {
        p.child.kill("SIGTERM");
        expect((await exitWithin(p)).code).toBe(0);
      }
    },
    patientTest(8),
  );

  it(
    "reaches a private target the server's own probes refuse, when its region allows it",
    async () => {
      const tmp = tempDir("remote-probe-private");
      cleanups.push(tmp.remove);
      const target: Target = await startTarget();
      cleanups.push(() => target.close());
      const up = await startUpblitProcess(tmp.dir, await freePort(), { ALLOW_PRIVATE_TARGETS: "false" });
      running.push(up);
      const base = up.base;
      await api(base, "POST", "/api/v1/regions", { name: "lab", kind: "remote", allowPrivateTargets: true });
      const { token } = await api<{ token: string }>(base, "POST", "/api/v1/probe-tokens", {
        name: "lab",
        region: "lab",
      });
      const inLab = await api<{ id: string }>(
        base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("lab", `${target.origin}/ok/lab`, { regions: ["lab"], intervalSeconds: 2 }),
      );
      const central = await api<{ id: string }>(
        base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("central", `${target.origin}/ok/central`, { intervalSeconds: 2 }),
      );
      const probe = runCli(["probe", "--connect", base, "--log-format", "json"], {
        UPBLIT_PROBE_TOKEN: token,
        LOG_LEVEL: "info",
      });
      running.push(probe);
      await waitFor("results of both", async () => {
        const [lab, local] = await Promise.all([
          results(base, inLab.id, "lab"),
          results(base, central.id, "local"),
        ]);
        return lab.length >= 2 && local.length >= 2;
      });
      expect((await results(base, inLab.id, "lab")).every((r) => r.status === "up")).toBe(true);
      expect(target.arrived("/ok/lab")).toBeGreaterThan(0);
      const refused = await results(base, central.id, "local");
      expect(refused.every((r) => r.status === "down" && r.error?.kind === "blocked")).toBe(true);
      expect(target.arrived("/ok/central")).toBe(0);

      // The region turns it off: the next assignments tell the probe, which refuses the target too.
      await api(base, "PATCH", "/api/v1/regions/lab", { allowPrivateTargets: false });
      await waitForOutput(probe, /private targets: refused/);
      await waitFor("a blocked result from lab", async () =>
        (await results(base, inLab.id, "lab")).some((r) => r.error?.kind === "blocked"),
      );
      probe.child.kill("SIGTERM");
      expect((await exitWithin(probe)).code).toBe(0);
    },
    patientTest(6),
  );

  it("stops with exit code 4 and says why when the server does not speak its protocol", async () => {
    // A server of another version, as far as the probe can tell: the problem our API answers.
    const server = createServer((_req, res) => {
      res.writeHead(400, { "content-type": "application/problem+json" }).end(
        JSON.stringify({
          type: "https://upblit.dev/problems/validation",
          title: "Invalid request",
          status: 400,
          detail: "This server speaks probe protocol 3 and 4, not 2: run a probe of a matching version",
          code: "VALIDATION",
          errors: [{ path: "headers.upblit-probe-protocol", message: "must be 3 or 4" }],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const probe = runCli(
      [
        "probe",
        "--connect",
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        "--log-format",
        "json",
      ],
      { UPBLIT_PROBE_TOKEN: "upb_probe_000000000000000000000000000000abcdef", LOG_LEVEL: "info" },
    );
    running.push(probe);
    const exit = await exitWithin(probe);
    expect(exit.code, probe.output()).toBe(4);
    expect(probe.output()).toMatch(
      /the server refused probe protocol 2: This server speaks probe protocol 3 and 4/,
    );
  });
});
