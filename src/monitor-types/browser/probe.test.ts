import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ProbeOptions } from "../../probe/types.ts";
import { scaledTimeout } from "../../test/patience.ts";
import { PRIVATE_OK, PUBLIC_ONLY } from "../client-servers.test-support.ts";
import { judgeObservation } from "../run.ts";
import { browserPool, closeBrowsers } from "./browser-pool.ts";
import { type BrowserSpec, probeBrowser } from "./probe.ts";
import { BrowserBlock } from "./settings.ts";

const CHROMIUM = "/usr/bin/chromium";
const BROWSER = { executable: CHROMIUM, concurrency: 2 };
const OPTIONS: ProbeOptions = { ...PRIVATE_OK, browser: BROWSER };

const PAGE = `<!doctype html><title>Shop</title>
<input id="q"><button id="go" onclick="document.getElementById('out').textContent='Hello '+document.getElementById('q').value">Go</button>
<p id="out"></p><script>console.error("a console error")</script>`;

/** What every test page may load: a shop page, a second page, a slow page and a page with refused subresources. */
let base: string;
let port: number;
let close: () => Promise<void>;
const hits: string[] = [];
beforeAll(async () => {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    hits.push(req.url ?? "");
    const html = (body: string) => res.writeHead(200, { "content-type": "text/html" }).end(body);
    if (req.url === "/") html(PAGE);
    else if (req.url === "/favicon.ico") res.writeHead(204).end();
    else if (req.url === "/second") html("<h1>Second page</h1>");
    else if (req.url === "/missing") res.writeHead(404, { "content-type": "text/html" }).end("<h1>gone</h1>");
    else if (req.url === "/slow")
      return; // never answers
    else if (req.url === "/refused-parts")
      html(`<h1>Parts</h1>
<img src="http://169.254.169.254/latest/meta-data/">
<img src="http://rebind.test:${port}/via-name.png">
<script>fetch("https://169.254.169.254/x").catch(() => {});
try { new WebSocket("ws://169.254.169.254/socket"); } catch {}</script>`);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}, scaledTimeout(30_000));
afterAll(async () => {
  await closeBrowsers();
  await close();
});

const spec = (path: string, browser: unknown, timeoutMs = scaledTimeout(20_000)): BrowserSpec =>
  ({
    monitorId: "mon_browser",
    organizationId: "org_1",
    type: "browser",
    target: `${base}${path}`,
    timeoutMs,
    assertions: [],
    browser: BrowserBlock.parse(browser),
  }) as unknown as BrowserSpec;

describe("browser probe", () => {
  it(
    "loads a page in Chromium and runs its steps in order, each timed",
    async () => {
      const s = spec("/", {
        steps: [
          { action: "fill", selector: "#q", value: "ada" },
          { action: "click", selector: "#go" },
          { action: "expectText", selector: "#out", text: "Hello ada" },
          { action: "goto", url: "/second" },
          { action: "expectText", text: "Second page" },
        ],
      });
      const obs = await probeBrowser(s, OPTIONS);
      expect(obs.error).toBeUndefined();
      expect(obs.statusCode).toBe(200);
      expect(obs.facts).toMatchObject({
        "browser.failedStep": 0,
        "browser.passedSteps": 6,
        "browser.consoleErrors": 1,
        "browser.failedRequests": 0,
        "browser.blockedRequests": 0,
      });
      expect(obs.facts?.["browser.load"]).toBeTypeOf("number");
      expect(obs.facts?.["browser.domContentLoaded"]).toBeTypeOf("number");
      expect(String(obs.facts?.["browser.steps"])).toMatch(
        /^load \d+ms; fill \d+ms; click \d+ms; expectText \d+ms; goto \d+ms; expectText \d+ms$/,
      );
      expect(obs.timings.firstByte).toBeTypeOf("number");
      expect(obs.timings.connect).toBeTypeOf("number");
      expect(obs.screenshot).toBeUndefined();
      expect(judgeObservation(s, obs).status).toBe("up");
      expect(hits).toContain("/second");
    },
    scaledTimeout(60_000),
  );

  it(
    "is down when a step fails, with a JPEG screenshot under the cap",
    async () => {
      const s = spec(
        "/",
        { steps: [{ action: "expectText", text: "Out of stock" }] },
        // The step waits for its text until the timeout (less the screenshot's reserve).
        Math.min(scaledTimeout(8_000), 20_000),
      );
      const obs = await probeBrowser(s, OPTIONS);
      expect(obs.error?.kind).toBe("protocol");
      expect(obs.error?.message).toMatch(/^step 1 \(expectText Out of stock\)/);
      expect(obs.facts?.["browser.failedStep"]).toBe(1);
      expect(judgeObservation(s, obs).status).toBe("down");
      const bytes = Buffer.from(obs.screenshot?.data ?? "", "base64");
      expect(obs.screenshot?.mime).toBe("image/jpeg");
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(bytes.length).toBeLessThanOrEqual(300 * 1024);
    },
    scaledTimeout(60_000),
  );

  it(
    "is down on a 404 page, by the implied status assertion",
    async () => {
      const s = spec("/missing", {});
      const obs = await probeBrowser(s, OPTIONS);
      expect(obs.statusCode).toBe(404);
      expect(judgeObservation(s, obs).status).toBe("down");
      expect(obs.screenshot?.mime).toBe("image/jpeg");
    },
    scaledTimeout(60_000),
  );

  it(
    "blocks every refused request of the page (subresource, name, https, websocket) and reports it",
    async () => {
      const s = spec("/refused-parts", { steps: [{ action: "expectText", text: "Parts" }] });
      // rebind.test resolves (in our proxy, never in Chromium) to the metadata address.
      const lookup = async (host: string) =>
        host === "rebind.test" ? [{ address: "169.254.169.254", family: 4 }] : [];
      const obs = await probeBrowser(s, OPTIONS, { lookup });
      expect(obs.error).toBeUndefined();
      expect(obs.statusCode).toBe(200);
      expect(hits).not.toContain("/via-name.png");
      const blocked = Number(obs.facts?.["browser.blockedRequests"]);
      expect(blocked).toBeGreaterThanOrEqual(3);
      expect(Number(obs.facts?.["browser.failedRequests"])).toBeGreaterThanOrEqual(2);
      expect(String(obs.facts?.["browser.failedUrls"])).toContain("http://169.254.169.254/latest/meta-data/");
      expect(String(obs.facts?.["browser.failedUrls"])).toContain("rebind.test");
    },
    scaledTimeout(60_000),
  );

  it(
    "refuses the page itself when private targets are not allowed",
    async () => {
      const s = spec("/", {});
      const before = hits.length;
      const obs = await probeBrowser(s, { ...PUBLIC_ONLY, browser: BROWSER });
      expect(obs.error).toEqual({ kind: "blocked", message: "target address is not allowed" });
      expect(hits.length).toBe(before);
      expect(judgeObservation(s, obs).status).toBe("down");
    },
    scaledTimeout(60_000),
  );

  it(
    "ends the whole check at the monitor's timeout and closes its context",
    async () => {
      // The browser is already running (earlier tests): the timeout is the page's, not the launch's.
      const s = spec("/slow", {}, 1_500);
      const obs = await probeBrowser(s, OPTIONS);
      expect(obs.error?.kind).toBe("timeout");
      const browser = await browserPool(CHROMIUM, 2).browser();
      expect(browser.contexts()).toHaveLength(0);
    },
    scaledTimeout(60_000),
  );

  it(
    "launches the browser again after it went away",
    async () => {
      const pool = browserPool(CHROMIUM, 2);
      const launches = pool.launches;
      await (await pool.browser()).close();
      const obs = await probeBrowser(spec("/second", {}), OPTIONS);
      expect(obs.error).toBeUndefined();
      expect(pool.launches).toBe(launches + 1);
    },
    scaledTimeout(60_000),
  );

  it("fails with what to configure when the probe has no browser", async () => {
    const obs = await probeBrowser(spec("/", {}), PRIVATE_OK);
    expect(obs.error).toEqual({
      kind: "internal",
      message: "no browser on this probe: set BROWSER_EXECUTABLE",
    });
  });
});
