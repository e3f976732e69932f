import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { request } from "undici";
import { launchChromium } from "../../test/e2e/status-browser.ts";
import { createMonitors, setUpOwner } from "./api.ts";
import { onCleanup, trackDir } from "./cleanup.ts";
import { progress } from "./progress.ts";
import { migrateDataDir, spawnUpblit } from "./upblit-child.ts";

export interface DashboardSpec {
  monitors: number;
  changes: number;
  scrollStep: number;
}

export interface Asset {
  url: string;
  kind: "js" | "css";
  raw: number;
  /** Bytes on the wire (the response body as sent) and the encoding the server used. */
  transferred: number;
  encoding: string;
  gzip: number;
  brotli: number;
}

/** One long-animation-frame entry: its duration split into script, rendering and style/layout. */
export interface LongFrame {
  duration: number;
  script: number;
  styleAndLayout: number;
  render: number;
  /** The longest script's function (or its invoker) in the frame. */
  top: string;
}

export interface DashboardResult {
  spec: DashboardSpec;
  created: { count: number; seconds: number };
  assets: Asset[];
  /** Navigation start → first monitor row in the DOM; → every row in view with its checks bar. */
  usableMs: number;
  /** The same on the first visit after the server started (its routes' first answers). */
  coldServerUsableMs: number;
  rowsCompleteMs: number;
  /** Where the time to a usable list went (ms from navigation start). */
  timeline: { domContentLoaded: number; meAnswered: number; firstPageAnswered: number };
  /** rAF deltas of the idle page (no scrolling): what this machine gives a frame at the moment. */
  idleFrames: number[];
  changeMs: number[];
  loadAllMs: number;
  rowsLoaded: number;
  frames: number[];
  /** Long Animation Frames API entries over 50 ms while scrolling: where each one's time went. */
  longFrames: LongFrame[];
  scrolledPx: number;
  heapMb: { firstPage: number; allLoaded: number; afterScroll: number };
}

/** src/main.ts SETUP_LINK_MESSAGE (not imported: that would load the whole server into the bench). */
const SETUP_LINK_MESSAGE = "No account yet: open setupUrl to create the owner";
const OWNER = { email: "bench@example.com", password: "quiet meadow lantern 7241" };

/** Records in the page when the first row and the first full window of rows appear, and each row's state changes. */
const PAGE_PROBES = () => {
  const w = window as unknown as Record<string, unknown>;
  const changes: Array<{ id: string; state: string; at: number }> = [];
  w.__changes = changes;
  const observer = new MutationObserver((records) => {
    if (!w.__usableAt && document.querySelector(".monitor-row[data-monitor-id]"))
      w.__usableAt = performance.now();
    if (
      !w.__rowsCompleteAt &&
      document.querySelectorAll(".monitor-row[data-monitor-id] svg.heartbeat-bar").length >= 10
    )
      w.__rowsCompleteAt = performance.now();
    for (const r of records) {
      if (r.type !== "attributes" || r.attributeName !== "data-state") continue;
      const el = r.target as HTMLElement;
      changes.push({ id: el.dataset.monitorId ?? "", state: el.dataset.state ?? "", at: Date.now() });
    }
  });
  document.addEventListener("DOMContentLoaded", () =>
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-state"],
    }),
  );
};

/**
 * Scrolls the list's container to the end by `step` pixels an animation frame and returns the
 * frame times. A string, not a function: tsx's transform would wrap named functions in a helper
 * the page does not have.
 */
const SCROLL_SCRIPT = `async function (step) {
  var el = document.querySelector(".list-scroll");
  var frames = [];
  var long = [];
  var observer = null;
  if (typeof PerformanceObserver !== "undefined" &&
      (PerformanceObserver.supportedEntryTypes || []).indexOf("long-animation-frame") >= 0) {
    observer = new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (e.duration <= 50) return;
        var end = e.startTime + e.duration;
        var script = 0, top = "";
        var topMs = 0;
        (e.scripts || []).forEach(function (s) {
          script += s.duration;
          if (s.duration > topMs) { topMs = s.duration; top = (s.sourceFunctionName || s.invoker || "?"); }
        });
        long.push({
          duration: e.duration,
          script: script,
          styleAndLayout: e.styleAndLayoutStart ? end - e.styleAndLayoutStart : 0,
          render: e.renderStart ? (e.styleAndLayoutStart || end) - e.renderStart : 0,
          top: top,
        });
      });
    });
    observer.observe({ type: "long-animation-frame", buffered: false });
  }
  await new Promise(function (done) {
    var last = 0;
    function tick(now) {
      if (last) frames.push(now - last);
      last = now;
      if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) return done();
      el.scrollTop += step;
      requestAnimationFrame(tick);
    }
    requestAnimationFrame(tick);
  });
  await new Promise(function (r) { setTimeout(r, 100); });
  if (observer) { long = long.concat([]); observer.disconnect(); }
  return { frames: frames, height: el.scrollHeight, long: long };
}`;

/** 60 animation frames of the page doing nothing: the machine's baseline frame time. */
const IDLE_SCRIPT = `new Promise(function (done) {
  var frames = [], last = 0;
  function tick(now) {
    if (last) frames.push(now - last);
    last = now;
    if (frames.length >= 60) return done(frames);
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})`;

async function api(base: string, token: string, method: string, url: string, body?: unknown) {
  const res = await request(`${base}${url}`, {
    method: method as "GET",
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300)
    throw new Error(`${method} ${url}: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

async function heapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
  await cdp.detach();
  return usedSize / 1024 / 1024;
}

async function until<T>(what: string, ms: number, check: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Upblit (`dist/`, every role, PGlite in a temp DATA_DIR) with `spec.monitors` monitors created
 * through the API, the dashboard opened in Chromium, and each figure measured as documented in
 * docs/benchmarks.md ("Dashboard").
 */
export async function runDashboard(spec: DashboardSpec): Promise<DashboardResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "upblit-bench-dashboard-"));
  onCleanup(async () => trackDir(dataDir)());
  await migrateDataDir(dataDir);
  const upblit = await spawnUpblit({ env: { DATA_DIR: dataDir, LOG_LEVEL: "info" } });
  await upblit.waitReady(180_000);
  const setupUrl = String((await upblit.waitForLog(SETUP_LINK_MESSAGE, 30_000)).setupUrl);
  const token = await setUpOwner(upblit.url, setupUrl);
  progress("setup", `Upblit at ${upblit.url}; creating ${spec.monitors} monitors`);
  const creation = await createMonitors(
    upblit.url,
    token,
    spec.monitors,
    { targetOrigin: "http://127.0.0.1:9", intervalSeconds: 86_400, timeoutMs: 10_000 },
    16,
    "create",
  );
  if (creation.created !== spec.monitors)
    throw new Error(`created ${creation.created}: ${creation.firstErrors.join("; ")}`);

  const browser: Browser = await launchChromium();
  onCleanup(() => browser.close());
  const context = await browser.newContext({ baseURL: upblit.url, viewport: { width: 1280, height: 800 } });
  const login = await context.request.post("/api/v1/auth/login", { data: OWNER });
  if (login.status() !== 200) throw new Error(`login: HTTP ${login.status()}`);
  // The server's first answer on a route compiles its serializers: the first visit after a start
  // is timed apart (cold server), then the measured visit runs in a fresh tab with an empty cache.
  const warm = await context.newPage();
  await warm.addInitScript(PAGE_PROBES);
  await warm.goto("/");
  const coldServerUsableMs = await until("the first monitor row (cold server)", 120_000, () =>
    warm.evaluate(() => (window as unknown as { __usableAt?: number }).__usableAt),
  );
  await warm.close();
  const page = await context.newPage();
  const cdpCache = await context.newCDPSession(page);
  await cdpCache.send("Network.clearBrowserCache");
  await cdpCache.detach();
  await page.addInitScript(PAGE_PROBES);

  const responses: Promise<Asset | undefined>[] = [];
  page.on("response", (res) => {
    const url = res.url();
    const kind = /\.js(\?|$)/.test(url) ? "js" : /\.css(\?|$)/.test(url) ? "css" : undefined;
    if (!kind) return;
    responses.push(
      (async () => {
        const body = await res.body();
        const sizes = await res.request().sizes();
        return {
          url: new URL(url).pathname,
          kind,
          raw: body.length,
          transferred: sizes.responseBodySize,
          encoding: (await res.headerValue("content-encoding")) ?? "identity",
          gzip: gzipSync(body, { level: 9 }).length,
          brotli: brotliCompressSync(body).length,
        } satisfies Asset;
      })(),
    );
  });

  progress("usable", "opening the monitors list");
  await page.goto("/");
  const usableMs = await until("the first monitor row", 60_000, () =>
    page.evaluate(() => (window as unknown as { __usableAt?: number }).__usableAt),
  );
  const rowsCompleteMs = await until("a window of rows with their checks", 60_000, () =>
    page.evaluate(() => (window as unknown as { __rowsCompleteAt?: number }).__rowsCompleteAt),
  );
  const timeline = (await page.evaluate(`(function () {
    var nav = performance.getEntriesByType("navigation")[0];
    var res = performance.getEntriesByType("resource");
    function end(re) { var e = res.find(function (r) { return re.test(r.name); }); return e ? e.responseEnd : -1; }
    return { domContentLoaded: nav.domContentLoadedEventEnd, meAnswered: end(/\\/api\\/v1\\/me$/), firstPageAnswered: end(/\\/api\\/v1\\/monitors\\?/) };
  })()`)) as DashboardResult["timeline"];
  const assets = (await Promise.all(responses)).filter((a): a is Asset => a !== undefined);
  const heapFirst = await heapMb(page);
  progress(
    "usable",
    `first row at ${usableMs.toFixed(0)} ms, rows with checks at ${rowsCompleteMs.toFixed(0)} ms`,
  );

  // State changes: pause/resume monitors whose rows are on screen, one at a time.
  await page.locator(".list-scroll [data-monitor-id]").nth(9).waitFor();
  const onScreen = await page
    .locator(".list-scroll .monitor-row[data-monitor-id]")
    .evaluateAll((rows) =>
      rows.slice(0, 10).map((r) => [r.getAttribute("data-monitor-id")!, r.getAttribute("data-state")!]),
    );
  const states = new Map(onScreen as Array<[string, string]>);
  const changeMs: number[] = [];
  for (let i = 0; i < spec.changes; i++) {
    const id = [...states.keys()][i % states.size]!;
    const pause = states.get(id) !== "paused";
    const want = pause ? "paused" : "pending";
    const sent = Date.now();
    await api(upblit.url, token, "POST", `/api/v1/monitors/${id}/${pause ? "pause" : "resume"}`);
    const seen = await until(`${id} to show ${want}`, 30_000, () =>
      page.evaluate(
        ([mid, s, after]) =>
          (
            window as unknown as { __changes: Array<{ id: string; state: string; at: number }> }
          ).__changes.find((c) => c.id === mid && c.state === s && c.at >= after)?.at,
        [id, want, sent] as const,
      ),
    );
    changeMs.push(seen - sent);
    states.set(id, want);
    if ((i + 1) % 25 === 0) progress("changes", `${i + 1}/${spec.changes}`);
  }

  // The whole list: sorting by name loads every page; then scroll it top to bottom.
  const t0 = Date.now();
  await page.getByLabel("Sort").selectOption("name");
  await until("every monitor loaded", 600_000, async () =>
    (await page.getByText(`${spec.monitors} monitors loaded`).count()) > 0 ? true : undefined,
  );
  const loadAllMs = Date.now() - t0;
  const heapAll = await heapMb(page);
  progress("scroll", `all ${spec.monitors} loaded in ${loadAllMs} ms; scrolling`);
  const idleFrames = (await page.evaluate(IDLE_SCRIPT)) as number[];
  const scroll = (await page.evaluate(`(${SCROLL_SCRIPT})(${spec.scrollStep})`)) as {
    frames: number[];
    height: number;
    long: LongFrame[];
  };
  const heapScroll = await heapMb(page);
  await context.close();
  await upblit.stop(10_000);
  return {
    spec,
    created: { count: creation.created, seconds: creation.seconds },
    assets,
    usableMs,
    coldServerUsableMs,
    rowsCompleteMs,
    timeline,
    idleFrames,
    changeMs,
    loadAllMs,
    rowsLoaded: spec.monitors,
    frames: scroll.frames,
    longFrames: scroll.long,
    scrolledPx: scroll.height,
    heapMb: { firstPage: heapFirst, allLoaded: heapAll, afterScroll: heapScroll },
  };
}
