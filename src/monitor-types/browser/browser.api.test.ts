/**
 * Browser monitors through the API on both databases: settings validated, a failing check's
 * screenshot stored and served (to its organization only), the type refused on a server without
 * a browser.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeyFor, otherOrganization } from "../../test/accounts.ts";
import {
  API,
  API_ONLY,
  call,
  checkNowAndWait,
  createMonitor,
  expectProblem,
  expectValidation,
} from "../../test/api-helpers.ts";
import { DB_KINDS } from "../../test/db.ts";
import { scaledTimeout } from "../../test/patience.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

let base: string;
let close: () => Promise<void>;
beforeAll(async () => {
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { "content-type": "text/html" }).end("<h1>Checkout</h1><p>Sold out</p>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
});
afterAll(() => close());

const browserMonitor = (steps: unknown[]) => ({
  type: "browser",
  name: "Checkout",
  paused: true,
  target: base,
  intervalSeconds: 300,
  // A failing step waits for its text until the timeout: long enough to load the page on a busy machine, no longer.
  timeoutMs: Math.min(scaledTimeout(20_000), 40_000),
  browser: { steps },
});

describe.each(DB_KINDS)("browser monitors through the API on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, { BROWSER_EXECUTABLE: "/usr/bin/chromium" });
  }, scaledTimeout(60_000));
  afterAll(async () => up?.close());

  it("validates the steps: each action with what it needs, nothing else", async () => {
    const res = await call(
      up,
      "POST",
      `${API}/monitors`,
      browserMonitor([
        { action: "click" },
        { action: "fill", selector: "#q" },
        { action: "goto", url: "/a", text: "x" },
        { action: "hover", selector: "#q" },
      ]),
    );
    expectValidation(res, [
      "body.browser.steps.0.selector",
      "body.browser.steps.1.value",
      "body.browser.steps.2.text",
      "body.browser.steps.3.action",
    ]);
    const tooMany = Array.from({ length: 21 }, () => ({ action: "expectText", text: "x" }));
    expectValidation(await call(up, "POST", `${API}/monitors`, browserMonitor(tooMany)), [
      "body.browser.steps",
    ]);
  });

  it(
    "a failing expect-text is down with a screenshot its organization can read, and no other",
    async () => {
      const m = await createMonitor(up, browserMonitor([{ action: "expectText", text: "In stock" }]));
      const result = (await checkNowAndWait(up, m.id)) as Awaited<ReturnType<typeof checkNowAndWait>> & {
        screenshot: string | null;
      };
      expect(result.status).toBe("down");
      expect(result.error?.message).toMatch(/^step 1 \(expectText In stock\)/);
      expect(result.screenshot).toBe(`${API}/monitors/${m.id}/screenshots/${result.region}/${result.slotAt}`);
      const shot = await call(up, "GET", result.screenshot!);
      expect(shot.statusCode).toBe(200);
      expect(shot.headers["content-type"]).toBe("image/jpeg");
      expect(shot.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(shot.rawPayload.length).toBeLessThanOrEqual(300 * 1024);

      // Another organization: its owner's key finds neither the screenshot nor the monitor.
      const other = await otherOrganization(up, "Rival");
      const key = await apiKeyFor(other, ["monitors:read"]);
      const foreign = await call(up, "GET", result.screenshot!, undefined, {
        authorization: `Bearer ${key}`,
      });
      const missing = await call(
        up,
        "GET",
        `${API}/monitors/mon_00000000000000000000000000/screenshots/${result.region}/${result.slotAt}`,
        undefined,
        { authorization: `Bearer ${key}` },
      );
      expectProblem(foreign, 404, "NOT_FOUND");
      expect(foreign.json().detail).toBe(
        missing.json().detail.replace("mon_00000000000000000000000000", m.id),
      );
      expect(foreign.body).not.toContain("image");

      // A passing check keeps none.
      const patched = await call(up, "PATCH", `${API}/monitors/${m.id}`, {
        browser: { steps: [{ action: "expectText", text: "Sold out" }] },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      const ok = (await checkNowAndWait(up, m.id)) as typeof result;
      expect(ok.status).toBe("up");
      expect(ok.screenshot).toBeNull();
      const rows = await up.rt.db
        .selectFrom("check_artifacts")
        .select("slot_at")
        .where("monitor_id", "=", m.id)
        .execute();
      expect(rows).toHaveLength(1);
    },
    scaledTimeout(120_000),
  );

  it(
    "check now with wait answers a failed check's screenshot path, readable by its organization only",
    async () => {
      const m = await createMonitor(up, browserMonitor([{ action: "expectText", text: "Back soon" }]));
      const res = await call(up, "POST", `${API}/monitors/${m.id}/check?wait=true`);
      expect(res.statusCode, res.body).toBe(200);
      const result = res.json<{
        status: string;
        manual: boolean;
        region: string;
        slotAt: string;
        screenshot: string | null;
      }>();
      expect(result.status).toBe("down");
      expect(result.manual).toBe(true);
      const path = `${API}/monitors/${m.id}/screenshots/${encodeURIComponent(result.region)}/${result.slotAt}`;
      expect(result.screenshot).toBe(path);
      // The same path the results list gives that result: one stored screenshot, not a copy.
      const listed = await call(up, "GET", `${API}/monitors/${m.id}/results`);
      const item = listed.json<{ items: Array<{ slotAt: string; screenshot: string | null }> }>().items;
      expect(item.find((r) => r.slotAt === result.slotAt)?.screenshot).toBe(path);

      const shot = await call(up, "GET", path);
      expect(shot.statusCode).toBe(200);
      expect(shot.headers["content-type"]).toBe("image/jpeg");
      expect(shot.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));

      const other = await otherOrganization(up, "Check-now rival");
      const key = await apiKeyFor(other, ["monitors:read"]);
      const foreign = await call(up, "GET", path, undefined, { authorization: `Bearer ${key}` });
      expectProblem(foreign, 404, "NOT_FOUND");
      expect(foreign.rawPayload.subarray(0, 3)).not.toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    },
    scaledTimeout(120_000),
  );
});

describe.each(DB_KINDS)("a server without a browser, on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, { ...API_ONLY, BROWSER_EXECUTABLE: "/nonexistent/chromium" });
  }, scaledTimeout(60_000));
  afterAll(async () => up?.close());

  it("refuses browser monitors at `type`, saying what to configure, and lists the type unavailable", async () => {
    const res = await call(up, "POST", `${API}/monitors`, browserMonitor([]));
    const problem = expectProblem(res, 422, "PRECONDITION_FAILED");
    expect(problem.errors).toEqual([
      { path: "body.type", message: expect.stringContaining("BROWSER_EXECUTABLE") },
    ]);
    const tested = await call(up, "POST", `${API}/monitors/test`, browserMonitor([]));
    expectProblem(tested, 422, "PRECONDITION_FAILED");
    const types = await call(up, "GET", `${API}/monitor-types`);
    const items = types.json<{
      items: Array<{ type: string; available: boolean; unavailableReason: string | null }>;
    }>().items;
    expect(items.find((t) => t.type === "browser")).toMatchObject({
      available: false,
      unavailableReason: expect.stringContaining("BROWSER_EXECUTABLE"),
    });
    expect(items.find((t) => t.type === "http")).toMatchObject({ available: true, unavailableReason: null });
    // Other types are unaffected.
    const http = await call(up, "POST", `${API}/monitors`, {
      type: "http",
      name: "x",
      target: base,
      paused: true,
    });
    expect(http.statusCode, http.body).toBe(201);
  });
});
