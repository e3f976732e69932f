import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders } from "../../src/test/api-helpers.ts";
import { startTestUpblit, type TestUpblit } from "../../src/test/upblit.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";
import { waitFor } from "./helpers.ts";

/**
 * The database goes away for a while (the PostgreSQL server behind a proxy we cut) while a
 * target fails: the API answers 503; no slot can be claimed, so checks wait; a result that was
 * in flight is kept and stored as `unknown`; no monitor goes down, so nobody is paged for our own
 * outage; checks resume afterwards without a burst.
 */
describe("PostgreSQL unreachable for a while", () => {
  let up: TestUpblit;
  let target: http.Server;
  let targetStatus = 200;
  const proxy = new TcpProxy(5432);
  let monitorId: string;

  const api = async (method: string, url: string, payload?: unknown) => {
    const res = await up.app!.inject({
      headers: authHeaders(up),
      method: method as "GET",
      url,
      payload: payload as object,
    });
    return { status: res.statusCode, body: res.json(), type: res.headers["content-type"] };
  };

  beforeAll(async () => {
    target = http.createServer((_req, res) => res.writeHead(targetStatus).end("x"));
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    await proxy.start();
    up = await startTestUpblit(
      "postgres",
      {},
      {
        databaseUrlFor: (url) => url.replace(":5432/", `:${proxy.port}/`),
      },
    );
    const port = (target.address() as AddressInfo).port;
    const created = await api("POST", "/api/v1/monitors", {
      name: "target",
      type: "http",
      target: `http://127.0.0.1:${port}/`,
      intervalSeconds: 1,
      timeoutMs: 500,
    });
    expect(created.status).toBe(201);
    monitorId = created.body.id;
    await waitFor(
      "monitor up",
      async () => (await api("GET", `/api/v1/monitors/${monitorId}`)).body.state === "up",
    );
  });

  afterAll(async () => {
    await proxy.restore();
    await up?.close();
    await proxy.stop();
    target?.close();
  });

  it("answers 503 while cut, moves no state and resumes checking afterwards", async () => {
    await proxy.cut();
    targetStatus = 500;
    // Wait for the outage to be felt, not for time: the scheduler failed to reach the database a
    // few times (and the failing target had as many chances to move a state).
    const tickFailures = () => up.logs.filter((l) => l.msg === "scheduler tick failed; retrying").length;
    await waitFor("the scheduler to fail on the cut database three times", () => tickFailures() >= 3);

    const during = await api("GET", `/api/v1/monitors/${monitorId}`);
    expect(during.status).toBe(503);
    expect(during.type).toContain("application/problem+json");
    expect(during.body.type).toBe("https://upblit.dev/problems/unavailable");
    expect(up.logs.some((l) => l.msg === "scheduler tick failed; retrying")).toBe(true);

    targetStatus = 200;
    const restoredAt = Date.now();
    await proxy.restore();
    await waitFor("buffered results written", async () => up.evaluator!.pending === 0);
    await up.evaluator!.flush();

    const monitor = await api("GET", `/api/v1/monitors/${monitorId}`);
    expect(monitor.status).toBe(200);
    expect(monitor.body.state).toBe("up");
    const incidents = await api("GET", `/api/v1/incidents?monitorId=${monitorId}`);
    expect(incidents.body.items).toEqual([]);
    await waitFor("checks resumed", async () => {
      const res = await api("GET", `/api/v1/monitors/${monitorId}/results?limit=1`);
      return Date.parse(res.body.items[0].slotAt) > restoredAt;
    });
    const down = await api("GET", `/api/v1/monitors/${monitorId}/results?status=down&limit=1000`);
    expect(down.body.items).toEqual([]);
    const events = await api("GET", `/api/v1/monitors/${monitorId}/events`);
    expect(events.body.items.map((e: { to: string }) => e.to)).toEqual(["up"]);
  });
});
