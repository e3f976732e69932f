import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authHeaders } from "../../src/test/api-helpers.ts";
import { PATIENCE_MS, scaledDeadline } from "../../src/test/patience.ts";
import { startTestUpblit, type TestUpblit } from "../../src/test/upblit.ts";

/**
 * Without ALLOW_PRIVATE_TARGETS, monitors pointed at loopback, metadata or private addresses are
 * checked and recorded as `blocked` through the whole pipeline, and nothing reaches the target.
 */
describe("target safety through the pipeline (private targets not allowed)", () => {
  let up: TestUpblit;
  let target: http.Server;
  let hits = 0;

  beforeAll(async () => {
    target = http.createServer((_req, res) => {
      hits++;
      res.end("secret");
    });
    await new Promise<void>((r) => target.listen(0, "127.0.0.1", r));
    up = await startTestUpblit("pglite", { ALLOW_PRIVATE_TARGETS: "false" });
  });
  afterAll(async () => {
    await up?.close();
    target?.close();
  });

  const cases = (port: number) => [
    { type: "http", target: `http://127.0.0.1:${port}/` },
    { type: "http", target: `http://localhost:${port}/` },
    { type: "http", target: `http://[::1]:${port}/` },
    { type: "http", target: "http://169.254.169.254/latest/meta-data/" },
    { type: "http", target: "http://10.0.0.1/" },
    { type: "keyword", target: `http://127.0.0.1:${port}/`, keyword: { keyword: "secret" } },
    { type: "tcp", target: `127.0.0.1:${port}` },
    { type: "tls", target: `127.0.0.1:${port}` },
  ];

  it("records every private or metadata target as down with error kind `blocked`", async () => {
    const port = (target.address() as AddressInfo).port;
    const ids: string[] = [];
    for (const c of cases(port)) {
      const res = await up.app!.inject({
        headers: authHeaders(up),
        method: "POST",
        url: "/api/v1/monitors",
        payload: { name: c.target, intervalSeconds: 60, timeoutMs: 2000, ...c },
      });
      expect(res.statusCode).toBe(201);
      ids.push(res.json().id);
      expect(
        (
          await up.app!.inject({
            headers: authHeaders(up),
            method: "POST",
            url: `/api/v1/monitors/${res.json().id}/check`,
          })
        ).statusCode,
      ).toBe(202);
    }
    const deadline = scaledDeadline(PATIENCE_MS);
    let results: Array<{ status: string; error: { kind: string; message: string } | null }> = [];
    while (!deadline.expired()) {
      await up.evaluator!.flush();
      results = [];
      for (const id of ids) {
        const page = (
          await up.app!.inject({
            headers: authHeaders(up),
            method: "GET",
            url: `/api/v1/monitors/${id}/results`,
          })
        ).json();
        if (page.items[0]) results.push(page.items[0]);
      }
      if (results.length === ids.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(results).toHaveLength(ids.length);
    for (const r of results) {
      expect(r.status).toBe("down");
      expect(r.error).toEqual({ kind: "blocked", message: "target address is not allowed" });
    }
    expect(hits).toBe(0);
  });
});
