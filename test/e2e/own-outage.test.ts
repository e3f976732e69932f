import { type AddressInfo, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../../src/probe/fixtures.test-support.ts";
import { authHeaders } from "../../src/test/api-helpers.ts";
import { startTestUpblit, type TestUpblit } from "../../src/test/upblit.ts";
import { freePort, patientTest, waitFor } from "./helpers.ts";

/** The canary: a TCP port we control; closing it is "our own network is down". */
interface Canary {
  port: number;
  connections(): number;
  close(): Promise<void>;
  reopen(): Promise<void>;
}

async function startCanary(): Promise<Canary> {
  let connections = 0;
  let server: Server | undefined;
  const sockets = new Set<import("node:net").Socket>();
  const listen = async (port: number) => {
    server = createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
      socket.end();
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    return (server.address() as AddressInfo).port;
  };
  const port = await listen(0);
  return {
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server!.close(() => resolve());
      }),
    reopen: async () => {
      await listen(port);
    },
  };
}

interface MonitorView {
  id: string;
  state: string;
}

describe("our own outage: every target and the canary fail at once", () => {
  let up: TestUpblit | undefined;
  const toClose: Array<() => Promise<void>> = [];

  afterEach(async () => {
    await up?.close();
    up = undefined;
    for (const c of toClose.splice(0)) await c().catch(() => {});
  });

  async function boot(canaryPort: number) {
    up = await startTestUpblit("pglite", { CANARY_TARGET: `tcp://127.0.0.1:${canaryPort}` });
    return up;
  }

  async function createMonitor(u: TestUpblit, name: string, target: string): Promise<string> {
    const res = await u.app!.inject({
      headers: authHeaders(u),
      method: "POST",
      url: "/api/v1/monitors",
      payload: { name, type: "http", target, intervalSeconds: 1, timeoutMs: 500, failuresBeforeDown: 1 },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function monitor(u: TestUpblit, id: string): Promise<MonitorView> {
    return (
      await u.app!.inject({ headers: authHeaders(u), method: "GET", url: `/api/v1/monitors/${id}` })
    ).json();
  }

  async function incidents(
    u: TestUpblit,
  ): Promise<Array<{ monitorId: string; status: string; startedAt: string }>> {
    return (
      await u.app!.inject({ headers: authHeaders(u), method: "GET", url: "/api/v1/incidents?limit=200" })
    ).json().items;
  }

  async function resultsSince(u: TestUpblit, id: string, since: number) {
    const res = await u.app!.inject({
      headers: authHeaders(u),
      method: "GET",
      url: `/api/v1/monitors/${id}/results?limit=1000&from=${new Date(since).toISOString()}`,
    });
    return res.json().items as Array<{ status: string; slotAt: string; error: { kind: string } | null }>;
  }

  async function targets(n: number): Promise<TestServer[]> {
    const servers: TestServer[] = [];
    for (let i = 0; i < n; i++) {
      const s = await startServer((_req, res) => res.end("ok"));
      servers.push(s);
      toClose.push(s.close);
    }
    return servers;
  }

  it(
    "records unknown results and pages nobody; once the canary is back, the dead targets go down",
    async () => {
      const canary = await startCanary();
      toClose.push(canary.close);
      const servers = await targets(3);
      const u = await boot(canary.port);
      const ids: string[] = [];
      for (let i = 0; i < 6; i++)
        ids.push(await createMonitor(u, `svc ${i}`, `${servers[i % 3]!.origin}/health/${i}`));

      await waitFor("all monitors up", async () => {
        for (const id of ids) if ((await monitor(u, id)).state !== "up") return false;
        return true;
      });

      // Our network goes: the canary and every target at once.
      const cutAt = Date.now();
      await Promise.all([canary.close(), ...servers.map((s) => s.close())]);

      // Wait for checks, not for time: two results per monitor well after the cut (each would have
      // taken its monitor down, failuresBeforeDown being 1).
      await waitFor("two results per monitor during our outage", async () => {
        await u.evaluator!.flush();
        for (const id of ids) if ((await resultsSince(u, id, cutAt + 1_000)).length < 2) return false;
        return true;
      });
      for (const id of ids) {
        expect((await monitor(u, id)).state, `monitor ${id} during our outage`).toBe("up");
        const after = (await resultsSince(u, id, cutAt + 1_000)).map((r) => r.status);
        expect(after.length).toBeGreaterThanOrEqual(2);
        expect(new Set(after)).toEqual(new Set(["unknown"]));
      }
      // None started in our outage. (Before it, a busy machine can make a healthy local target miss
      // the 500 ms timeout: a real, already resolved incident, not one the outage caused.)
      expect((await incidents(u)).filter((i) => Date.parse(i.startedAt) >= cutAt)).toEqual([]);
      expect(u.logs.some((l) => l.msg === "canary failing: results are recorded as unknown")).toBe(true);

      // Our network is back (the canary answers) but the targets are still gone: now they are down.
      await canary.reopen();
      await waitFor("every monitor down after the canary recovered", async () => {
        for (const id of ids) if ((await monitor(u, id)).state !== "down") return false;
        return true;
      });
      // One open incident per monitor, each started after the cut (an incident from before it, on a
      // busy machine, is resolved and not counted: see above).
      const all = await incidents(u);
      const open = all.filter((i) => i.status === "open");
      expect(open.map((i) => i.monitorId).sort()).toEqual([...ids].sort());
      const sinceCut = all.filter((i) => Date.parse(i.startedAt) >= cutAt);
      expect(sinceCut.map((i) => i.monitorId).sort()).toEqual([...ids].sort());
    },
    patientTest(4),
  );

  it(
    "a recent healthy canary answer does not make the outage's failures count as down",
    async () => {
      // One monitor is already failing for real (nothing listens on its port), so the canary is
      // being asked — and answering healthy — just before our own network goes.
      const canary = await startCanary();
      toClose.push(canary.close);
      const servers = await targets(2);
      const deadPort = await freePort();
      const u = await boot(canary.port);
      const ids: string[] = [];
      for (let i = 0; i < 4; i++)
        ids.push(await createMonitor(u, `svc ${i}`, `${servers[i % 2]!.origin}/health/${i}`));
      const broken = await createMonitor(u, "really broken", `http://127.0.0.1:${deadPort}/`);

      await waitFor("healthy monitors up and the broken one down", async () => {
        for (const id of ids) if ((await monitor(u, id)).state !== "up") return false;
        return (await monitor(u, broken)).state === "down";
      });
      // Cut right after the canary answered for the broken monitor.
      const seen = canary.connections();
      await waitFor("a fresh canary check", () => canary.connections() > seen);
      const cutAt = Date.now();
      await Promise.all([canary.close(), ...servers.map((s) => s.close())]);

      // Wait for checks, not for time: three results per monitor after the cut, each of which would
      // have taken its monitor down had the outage's failures counted.
      await waitFor("three results per monitor during our outage", async () => {
        await u.evaluator!.flush();
        for (const id of ids) if ((await resultsSince(u, id, cutAt)).length < 3) return false;
        return true;
      });
      for (const id of ids)
        expect((await monitor(u, id)).state, `monitor ${id} during our outage`).toBe("up");
      const open = await incidents(u);
      expect(open.map((i) => i.monitorId)).toEqual([broken]);
    },
    patientTest(4),
  );
});
