/**
 * A multistep monitor through the API on both databases: created, checked against a local API
 * (a login step whose token the next step sends), its credential header stored sealed and shown
 * as [redacted].
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API, call, checkNowAndWait, createMonitor } from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

const API_KEY = `multi-Secret-${process.pid}`;
let base: string;
let close: () => Promise<void>;
beforeAll(async () => {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/login" && req.headers["x-api-key"] === API_KEY) {
      res.writeHead(200, { "content-type": "application/json" }).end('{"token":"t-1"}');
    } else if (req.url === "/orders" && req.headers.authorization === "Bearer t-1") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"open":3}');
    } else res.writeHead(403).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((resolve) => server.close(() => resolve()));
});
afterAll(() => close());

describe.each(DB_KINDS)("multistep monitors through the API on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind);
  });
  afterAll(async () => up?.close());

  it("runs its steps, keeps the credential header sealed and write-only", async () => {
    const m = await createMonitor(up, {
      type: "multistep",
      name: "Orders API",
      paused: true,
      target: base,
      multistep: {
        steps: [
          {
            name: "login",
            method: "POST",
            url: "/login",
            headers: { "x-api-key": API_KEY },
            extract: [{ name: "token", from: "json", path: "$.token" }],
          },
          {
            name: "orders",
            url: "/orders",
            headers: { authorization: "Bearer {{token}}" },
            assertions: [{ subject: "json", path: "$.open", op: "<", value: 10 }],
          },
        ],
      },
      assertions: [{ subject: "multistep.passedSteps", op: "==", value: 2 }],
    });
    const result = await checkNowAndWait(up, m.id);
    expect(result.error).toBeNull();
    expect(result.status).toBe("up");
    const row = await up.rt.db
      .selectFrom("monitors")
      .select("settings")
      .where("id", "=", m.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row.settings)).not.toContain(API_KEY);
    const shown = await call(up, "GET", `${API}/monitors/${m.id}`);
    expect(shown.body).not.toContain(API_KEY);
    expect(shown.body).toContain("[redacted]");
    // Sent back as shown, the stored header is kept: the check still logs in.
    const block = shown.json<{ multistep: unknown }>().multistep;
    const patched = await call(up, "PATCH", `${API}/monitors/${m.id}`, {
      name: "Orders API v2",
      multistep: block,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await checkNowAndWait(up, m.id)).status).toBe("up");
  });

  it("a failing step is a down result that names it", async () => {
    const m = await createMonitor(up, {
      type: "multistep",
      name: "Orders API without key",
      paused: true,
      target: base,
      multistep: {
        steps: [
          {
            name: "login",
            method: "POST",
            url: "/login",
            assertions: [{ subject: "status", op: "==", value: 200 }],
          },
        ],
      },
    });
    const result = await checkNowAndWait(up, m.id);
    expect(result.status).toBe("down");
    expect(result.error?.message).toContain("step 1 (login)");
  });
});
