import { afterAll, describe, expect, it } from "vitest";
import {
  accessTokenFor,
  allResults,
  api,
  exitWithin,
  freePort,
  httpMonitor,
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
import { checkedSlots, send, startProxy, startRelay } from "./remote-probe-helpers.ts";

/**
 * Issue 17, first slice: remote probes as real processes (`upblit probe`) against a real Upblit on
 * loopback, talking only the probe protocol (one through a forward proxy). Two probes share one token; results of the remote
 * region appear; a forged result is refused; revoking the token stops both probes within a poll.
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

describe("remote probes", () => {
  it(
    "checks a remote region from two probe processes on one token, each slot once; refuses forged results; stops on revocation",
    async () => {
      const tmp = tempDir("remote-probe");
      cleanups.push(tmp.remove);
      const target: Target = await startTarget();
      cleanups.push(() => target.close());
      const up = await startUpblitProcess(tmp.dir, await freePort(), { LOST_CHECK_GRACE_SECONDS: "30" });
      running.push(up);
      const base = up.base;

      // The region lets its probes reach private targets (the target is on loopback).
      await api(base, "POST", "/api/v1/regions", {
        name: "office",
        kind: "remote",
        allowPrivateTargets: true,
      });
      const made = await api<{ id: string; token: string; region: string; prefix: string }>(
        base,
        "POST",
        "/api/v1/probe-tokens",
        { name: "office", region: "office" },
      );
      expect(made.token).toMatch(/^upb_probe_[0-9A-Za-z]{36}$/);
      expect(made.token.startsWith(made.prefix)).toBe(true);
      const office = await api<{ id: string }>(
        base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("office web", `${target.origin}/ok/office`, { regions: ["office"] }),
      );
      const local = await api<{ id: string }>(
        base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("local web", `${target.origin}/ok/local`, { intervalSeconds: 60 }),
      );

      // The token carries probe:region only: every other route refuses it, and people cannot
      // call the probe protocol.
      const elsewhere = await send(base, made.token, "GET", "/api/v1/monitors");
      expect(elsewhere.status, elsewhere.body).toBe(403);
      const asPerson = await send(base, accessTokenFor(base), "GET", "/api/v1/probe/assignments");
      expect(asPerson.status, asPerson.body).toBe(403);

      const probeArgs = ["probe", "--connect", base, "--log-format", "json"];
      // The second probe reaches the server through a forward proxy (HTTP_PROXY, as HTTPS_PROXY
      // for an https:// server).
      const proxy = await startProxy();
      cleanups.push(() => proxy.close());
      const viaProxy: Array<Record<string, string>> = [{}, { HTTP_PROXY: proxy.url }];
      const probes = viaProxy.map((env) =>
        runCli([...probeArgs, "--concurrency", "4"], {
          UPBLIT_PROBE_TOKEN: made.token,
          LOG_LEVEL: "info",
          ...env,
        }),
      );
      running.push(...probes);
      for (const p of probes) await waitForOutput(p, /assignments: 1 monitors in region office/);
      expect(proxy.used()).toBeGreaterThan(0);

      // Results of the remote region appear through the API, recorded by the server's evaluator.
      const fromOffice = await waitFor("six results from region office", async () => {
        const results = (await allResults(base, office.id)).filter((r) => r.region === "office");
        return results.length >= 6 ? results : undefined;
      });
      expect(fromOffice!.every((r) => r.status === "up" && !r.manual)).toBe(true);
      // The local region's monitor is not the remote probes' business.
      expect(checkedSlots(probes[0]!, local.id).concat(checkedSlots(probes[1]!, local.id))).toEqual([]);

      // Two probes on one token: both take slots, no slot is checked twice, and the target saw one
      // request per slot.
      await waitFor("both probes to have checked a slot", () =>
        probes.every((p) => checkedSlots(p, office.id).length > 0),
      );
      const slots = [...checkedSlots(probes[0]!, office.id), ...checkedSlots(probes[1]!, office.id)];
      expect(new Set(slots).size).toBe(slots.length);
      expect(target.arrived("/ok/office")).toBeLessThanOrEqual(slots.length + 8);

      // A result for another region refuses the batch; one for a slot never handed out (the local
      // monitor, or a made-up slot) is refused alone and never stored.
      const forged = {
        monitorId: office.id,
        slotAt: Date.now() - 1000,
        startedAt: Date.now() - 1000,
        status: "down",
        timings: { total: 5 },
        verdicts: [],
      };
      const otherRegion = await send(base, made.token, "POST", "/api/v1/probe/results", {
        results: [{ ...forged, region: "local" }],
      });
      expect(otherRegion.status, otherRegion.body).toBe(403);
      const unclaimed = await send(base, made.token, "POST", "/api/v1/probe/results", {
        results: [forged, { ...forged, monitorId: local.id }],
      });
      expect(unclaimed.status, unclaimed.body).toBe(200);
      expect(JSON.parse(unclaimed.body)).toMatchObject({
        accepted: 0,
        refused: [{ index: 0 }, { index: 1 }],
      });
      const malformed = await send(base, made.token, "POST", "/api/v1/probe/results", {
        results: [{ ...forged, status: "fine", organizationId: "org_x" }],
      });
      expect(malformed.status, malformed.body).toBe(400);
      expect((await allResults(base, office.id)).some((r) => r.status === "down")).toBe(false);

      // The list shows when, from where and with which version the token was last used.
      const listed = await api<{ items: Array<Record<string, unknown>> }>(
        base,
        "GET",
        "/api/v1/probe-tokens",
      );
      expect(listed.items[0]).toMatchObject({
        id: made.id,
        region: "office",
        lastSeenIp: "127.0.0.1",
        lastVersion: "0.1.0",
        revokedAt: null,
      });
      expect(JSON.stringify(listed)).not.toContain(made.token);

      // Revoked: both probes are refused on their next request (a long-poll ends within a second)
      // and exit with code 3.
      const revokedAt = Date.now();
      const revoke = await send(base, accessTokenFor(base), "DELETE", `/api/v1/probe-tokens/${made.id}`);
      expect(revoke.status, revoke.body).toBe(204);
      for (const p of probes) {
        const exit = await exitWithin(p);
        expect(exit.code, p.output()).toBe(3);
        expect(p.output()).toMatch(/refused the probe token/);
      }
      const stoppedAfterMs = Date.now() - revokedAt;
      expect(stoppedAfterMs).toBeLessThan(60_000);
      const after = await send(base, made.token, "GET", "/api/v1/probe/assignments");
      expect(after.status).toBe(401);
    },
    patientTest(6),
  );

  it(
    "buffers a result finished while the link is cut and uploads it once the link is back",
    async () => {
      const tmp = tempDir("remote-probe-link");
      cleanups.push(tmp.remove);
      // Each check takes 3 s: one is in flight when the link is cut and finishes during the cut.
      const slow: Target = await startTarget(3_000);
      cleanups.push(() => slow.close());
      const port = await freePort();
      const up = await startUpblitProcess(tmp.dir, port, { LOST_CHECK_GRACE_SECONDS: "60" });
      running.push(up);
      const relay = await startRelay(port);
      cleanups.push(() => relay.close());
      await api(up.base, "POST", "/api/v1/regions", {
        name: "branch",
        kind: "remote",
        allowPrivateTargets: true,
      });
      const made = await api<{ token: string }>(up.base, "POST", "/api/v1/probe-tokens", {
        name: "branch",
        region: "branch",
      });
      const monitor = await api<{ id: string }>(
        up.base,
        "POST",
        "/api/v1/monitors",
        httpMonitor("branch web", `${slow.origin}/slow/branch`, {
          regions: ["branch"],
          intervalSeconds: 5,
          timeoutMs: 4_500,
        }),
      );
      const probe = runCli(
        [
          ...["probe", "--connect", relay.url, "--log-format", "json"],
          ...["--buffer-file", `${tmp.dir}/buffer.json`],
        ],
        { UPBLIT_PROBE_TOKEN: made.token, LOG_LEVEL: "info" },
      );
      running.push(probe);
      await waitForOutput(probe, /assignments: 1 monitors in region branch/);

      await waitFor("a check in flight", () => slow.active() > 0);
      const before = checkedSlots(probe, monitor.id).length;
      relay.cut();
      await waitForOutput(probe, /server unreachable/);
      await waitFor(
        "the check to finish during the cut",
        () => checkedSlots(probe, monitor.id).length > before,
      );
      const duringCut = checkedSlots(probe, monitor.id).slice(before);
      relay.restore();
      await waitForOutput(probe, /server reachable again/);

      // Every result the probe finished, the one buffered during the cut included, is stored once.
      const stored = await waitFor("the buffered results stored", async () => {
        const results = (await allResults(up.base, monitor.id)).filter((r) => r.region === "branch");
        const slots = new Set(results.map((r) => Date.parse(r.slotAt)));
        return duringCut.every((slot) => slots.has(slot)) ? results : undefined;
      });
      expect(new Set(stored!.map((r) => r.slotAt)).size).toBe(stored!.length);
      expect(stored!.every((r) => r.status === "up")).toBe(true);
      expect(probe.output()).not.toMatch(/result refused/);
      probe.child.kill("SIGTERM");
      expect((await exitWithin(probe)).code).toBe(0);
    },
    patientTest(6),
  );
});
