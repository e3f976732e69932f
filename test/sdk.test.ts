import { createServer, type Server } from "node:http";
import {
  type AddressInfo,
  connect,
  createServer as createTcpServer,
  type Socket,
  type Server as TcpServer,
} from "node:net";
import { type LiveEvent, Upblit, UpblitProblem } from "@upblit/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../src/services/auth/sessions.ts";
import { ROOMY_RATE_LIMITS, startTestUpblit, type TestUpblit } from "../src/test/upblit.ts";

/**
 * @upblit/sdk against a real server listening on a port: typed calls, cursor pages, problems,
 * Idempotency-Key on creates, retries of 429 (the server's own per-key limit) and 503 (a local
 * HTTP server), and the live stream across a dropped connection (a TCP relay we cut).
 */
describe("@upblit/sdk against a real Upblit", () => {
  let up: TestUpblit;
  let base: string;
  let client: Upblit;
  let target: TcpServer;
  beforeAll(async () => {
    up = await startTestUpblit(
      "pglite",
      { PORT: "0", HOST: "127.0.0.1" },
      // Each API key: 4 requests per 2 s (the retry test meets it); people: roomy.
      {
        listen: true,
        rateLimits: {
          ...ROOMY_RATE_LIMITS,
          api: { ...ROOMY_RATE_LIMITS.api, perKey: { limit: 4, seconds: 2 } },
        },
      },
    );
    base = up.url!;
    const session = await createSession(
      up.rt,
      { id: up.ownerId, organizationId: up.organizationId },
      undefined,
    );
    client = new Upblit({ baseUrl: base, token: session.accessToken });
    target = createTcpServer((s) => s.end());
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    target?.close();
    await up?.close();
  });

  const tcpMonitor = (name: string) => ({
    name,
    type: "tcp" as const,
    target: `127.0.0.1:${(target.address() as AddressInfo).port}`,
    intervalSeconds: 1,
    timeoutMs: 800,
  });

  it("calls operations by name with typed input and output", async () => {
    const created = await client.op.createMonitor({ body: { ...tcpMonitor("typed"), paused: true } });
    expect(created.id).toMatch(/^mon_/);
    const got = await client.op.getMonitor({ path: { id: created.id } });
    expect(got.name).toBe("typed");
    const resumed = await client.op.resumeMonitor({ path: { id: created.id } });
    expect(resumed.paused).toBe(false);
    await client.op.deleteMonitor({ path: { id: created.id } });
    await expect(client.op.getMonitor({ path: { id: created.id } })).rejects.toMatchObject({ status: 404 });
  });

  it("walks every page of a list", async () => {
    const names = ["page-a", "page-b", "page-c", "page-d", "page-e"];
    for (const name of names) await client.op.createMonitor({ body: { ...tcpMonitor(name), paused: true } });
    let pages = 0;
    for await (const page of client.pages("listMonitors", { query: { limit: 2, q: "page-" } })) {
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(2);
    }
    expect(pages).toBe(3);
    const seen: string[] = [];
    for await (const m of client.items("listMonitors", { query: { limit: 2, q: "page-" } }))
      seen.push(m.name);
    expect(seen.sort()).toEqual(names);
  });

  it("throws typed problems naming each failing field", async () => {
    const err = await client.op
      .createMonitor({ body: { ...tcpMonitor("bad"), intervalSeconds: 0 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpblitProblem);
    const problem = err as UpblitProblem;
    expect(problem.status).toBe(400);
    expect(problem.code).toBe("VALIDATION");
    expect(problem.type).toBe("https://upblit.dev/problems/validation");
    expect(problem.requestId).toMatch(/^req_/);
    expect(problem.errors.map((e) => e.path)).toContain("body.intervalSeconds");
  });

  it("serves a page of the server's origin: relative URLs through its own fetch, fields by path", async () => {
    // A dashboard passes baseUrl "" and a fetch of its session; here that fetch resolves the
    // relative URL against the server, as a browser resolves it against the page.
    const urls: string[] = [];
    const page = new Upblit({
      baseUrl: "",
      token: up.apiKey,
      retries: 0,
      fetch: (url, init) => {
        urls.push(String(url));
        return fetch(new URL(String(url), base), init);
      },
    });
    const org = await page.op.getOrganization();
    expect(org.id).toBe(up.organizationId);
    const err = await page.op
      .createMonitor({ body: { ...tcpMonitor("bad"), intervalSeconds: 0 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpblitProblem);
    expect((err as UpblitProblem).fieldError("body.intervalSeconds")).toMatch(/./);
    expect((err as UpblitProblem).fieldError("body.name")).toBeUndefined();
    expect(urls).toEqual(["/api/v1/organization", "/api/v1/monitors"]);
  });

  it("sends an Idempotency-Key with each create: a repeat with the same key creates once", async () => {
    const body = { ...tcpMonitor("idempotent"), paused: true };
    const first = await client.op.createMonitor({ body, idempotencyKey: "sdk-test-key-1" });
    const again = await client.op.createMonitor({ body, idempotencyKey: "sdk-test-key-1" });
    expect(again.id).toBe(first.id);
    const sent: string[] = [];
    const spying = new Upblit({
      baseUrl: base,
      token: up.apiKey,
      fetch: (url, init) => {
        sent.push(new Headers(init?.headers).get("idempotency-key") ?? "");
        return fetch(url, init);
      },
    });
    await spying.op.createMonitor({ body: { ...tcpMonitor("keyed"), paused: true } });
    expect(sent[0]).toMatch(/^[0-9a-f-]{36}$/);
    const named: string[] = [];
    for await (const m of client.items("listMonitors", { query: { q: "idempotent" } })) named.push(m.id);
    expect(named).toEqual([first.id]);
  });

  it("retries 429 after Retry-After: an API key over its limit still gets every answer", async () => {
    const statuses: number[] = [];
    const keyed = new Upblit({
      baseUrl: base,
      token: up.apiKey,
      retries: 5,
      fetch: async (url, init) => {
        const res = await fetch(url, init);
        statuses.push(res.status);
        return res;
      },
    });
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await keyed.op.getOrganization());
    expect(answers.every((o) => o.id === up.organizationId)).toBe(true);
    expect(statuses).toContain(429);
  });

  it("retries 503 with the same Idempotency-Key, then gives the problem up after its retries", async () => {
    const keys: string[] = [];
    let calls = 0;
    const flaky: Server = createServer((req, res) => {
      keys.push(String(req.headers["idempotency-key"]));
      calls++;
      if (calls === 1 || calls >= 3) {
        res.writeHead(503, { "content-type": "application/problem+json", "retry-after": "1" });
        return res.end(
          JSON.stringify({
            type: "https://upblit.dev/problems/unavailable",
            title: "Service unavailable",
            status: 503,
            code: "UNAVAILABLE",
            requestId: "req_x",
            errors: [],
          }),
        );
      }
      res.writeHead(201, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "mon_1" }));
    });
    await new Promise<void>((resolve) => flaky.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
      const c = new Upblit({ baseUrl: url, token: "t", retries: 1 });
      const started = Date.now();
      const made = await c.op.createMonitor({ body: tcpMonitor("flaky") });
      expect(made.id).toBe("mon_1");
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(new Set(keys).size).toBe(1);
      const err = await c.op.createMonitor({ body: tcpMonitor("flaky") }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 503, code: "UNAVAILABLE" });
    } finally {
      flaky.close();
    }
  });

  it("follows the live stream and reconnects when the connection drops", async () => {
    // A relay between the SDK and the server whose connections we can cut.
    const sockets = new Set<Socket>();
    const upstream = new URL(base);
    const relay = createTcpServer((inbound) => {
      sockets.add(inbound);
      const outbound: Socket = connect(Number(upstream.port), upstream.hostname);
      inbound.pipe(outbound).pipe(inbound);
      const close = () => {
        inbound.destroy();
        outbound.destroy();
        sockets.delete(inbound);
      };
      inbound.on("error", close).on("close", close);
      outbound.on("error", close).on("close", close);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const abort = new AbortController();
    try {
      const viaRelay = new Upblit({
        baseUrl: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
        token: (await createSession(up.rt, { id: up.ownerId, organizationId: up.organizationId }, undefined))
          .accessToken,
      });
      const monitor = await client.op.createMonitor({ body: tcpMonitor("live") });
      let reconnects = 0;
      const seen: LiveEvent[] = [];
      for await (const event of viaRelay.events({
        signal: abort.signal,
        reconnectDelayMs: 100,
        onReconnect: () => reconnects++,
      })) {
        if ((event.data as { monitorId?: string }).monitorId !== monitor.id) continue;
        seen.push(event);
        if (seen.length === 1) for (const s of sockets) s.destroy();
        if (reconnects > 0 && seen.length >= 2) break;
      }
      expect(reconnects).toBeGreaterThan(0);
      expect(seen[0]!.type).toMatch(/^(check\.result|monitor\.state)$/);
      await client.op.deleteMonitor({ path: { id: monitor.id } });
    } finally {
      abort.abort();
      relay.close();
    }
  });

  it("gets the events it missed while cut off, once each and in order, by Last-Event-ID", async () => {
    const sockets = new Set<Socket>();
    const upstream = new URL(base);
    const relay = createTcpServer((inbound) => {
      sockets.add(inbound);
      const outbound: Socket = connect(Number(upstream.port), upstream.hostname);
      inbound.pipe(outbound).pipe(inbound);
      const close = () => {
        inbound.destroy();
        outbound.destroy();
        sockets.delete(inbound);
      };
      inbound.on("error", close).on("close", close);
      outbound.on("error", close).on("close", close);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
    const abort = new AbortController();
    const pageEvent = (pageId: string) =>
      up.rt.bus.publish({ type: "status_page.changed", organizationId: up.organizationId, pageId });
    try {
      const viaRelay = new Upblit({
        baseUrl: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
        token: (await createSession(up.rt, { id: up.ownerId, organizationId: up.organizationId }, undefined))
          .accessToken,
      });
      const seen: LiveEvent[] = [];
      let reconnects = 0;
      const stream = viaRelay.events({
        signal: abort.signal,
        reconnectDelayMs: 50,
        // While the connection is down, before the SDK reconnects: two events it must not lose.
        onReconnect: () => {
          reconnects++;
          if (reconnects === 1) {
            pageEvent("missed-1");
            pageEvent("missed-2");
          }
        },
      });
      // The stream is open once the first comment arrived; publish until the first event shows.
      const first = setInterval(() => pageEvent("before"), 200);
      for await (const event of stream) {
        if (event.type !== "status_page.changed") continue;
        clearInterval(first);
        const pageId = (event.data as { pageId: string }).pageId;
        if (seen.length === 0 && pageId !== "before") continue;
        if (seen.length > 0 && pageId === "before") continue;
        seen.push(event);
        if (seen.length === 1) {
          expect(event.id).toMatch(/^[\w-]+\.\d+$/);
          for (const s of sockets) s.destroy();
        }
        if (seen.length === 3) break;
      }
      clearInterval(first);
      expect(reconnects).toBe(1);
      expect(seen.map((e) => (e.data as { pageId: string }).pageId)).toEqual([
        "before",
        "missed-1",
        "missed-2",
      ]);
      const ids = seen.map((e) => Number(e.id!.split(".")[1]));
      expect(ids[1]).toBeGreaterThan(ids[0]!);
      expect(ids[2]).toBe(ids[1]! + 1);

      // An id from another process (or too old) cannot be continued: the stream says so first.
      const res = await fetch(`${base}/api/v1/events`, {
        headers: {
          authorization: `Bearer ${(await createSession(up.rt, { id: up.ownerId, organizationId: up.organizationId }, undefined)).accessToken}`,
          "last-event-id": "other-process.12",
        },
        signal: abort.signal,
      });
      const reader = res.body!.getReader();
      let text = "";
      while (!text.includes("stream.reset")) text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toMatch(/event: stream\.reset\ndata: \{"reason":/);
      await reader.cancel();
    } finally {
      abort.abort();
      relay.close();
    }
  });
});
