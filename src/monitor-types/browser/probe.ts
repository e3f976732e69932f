import type { BrowserContext, Page } from "playwright-core";
import { judgeAssertions } from "../../domain/assertions.ts";
import type { Observation, Screenshot } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { monotonic } from "../../lib/clock.ts";
import { startDeadline, timeoutFailure } from "../../probe/deadline.ts";
import { BLOCKED_MESSAGE, ProbeFailure, toCheckError } from "../../probe/probe-error.ts";
import type { LookupFn } from "../../probe/target-safety.ts";
import { roundMs } from "../../probe/timing.ts";
import type { ProbeOptions } from "../../probe/types.ts";
import { browserPool } from "./browser-pool.ts";
import { type EgressProxy, startEgressProxy } from "./egress-proxy.ts";
import { browserImplied } from "./implied.ts";
import { BROWSER_LIMITS, type BrowserSettings, type BrowserStep } from "./settings.ts";

export type BrowserSpec = CheckSpec & { browser: BrowserSettings };

/** What a browser check saw besides the observation's usual fields (README.md, "Result"). */
export interface BrowserRun {
  consoleErrors: number;
  failedRequests: string[];
  failedCount: number;
  steps: Array<{ action: string; ms: number; ok: boolean }>;
  failedStep: number;
}

/** For tests: resolve names another way (the proxy still vets every answer). */
export interface BrowserProbeHooks {
  lookup?: LookupFn;
}

const NAV_SCRIPT = `(() => {
  const n = performance.getEntriesByType("navigation")[0];
  if (!n) return null;
  return { dns: n.domainLookupEnd - n.domainLookupStart, connect: n.connectEnd - n.connectStart,
    firstByte: n.responseStart, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd };
})()`;

interface NavTimings {
  dns: number;
  connect: number;
  firstByte: number;
  dcl: number;
  load: number;
}

/**
 * Loads the target in a fresh context of the shared Chromium, then runs the steps in order. Every
 * request of the page goes through the egress proxy (target safety at connect time). The whole
 * check, waiting for a browser slot included, ends at the monitor's timeout; a little of it is
 * kept back for the screenshot a failing check takes.
 */
export async function probeBrowser(
  spec: BrowserSpec,
  options: ProbeOptions,
  hooks: BrowserProbeHooks = {},
): Promise<Observation> {
  const executable = options.browser?.executable;
  if (!executable)
    return {
      timings: { total: 0 },
      error: { kind: "internal", message: "no browser on this probe: set BROWSER_EXECUTABLE" },
    };
  const pool = browserPool(executable, options.browser?.concurrency ?? 2);
  const deadline = startDeadline(spec.timeoutMs);
  const started = monotonic();
  const reserve = Math.min(2_000, Math.floor(spec.timeoutMs / 5));
  const stepsEnd = started + spec.timeoutMs - reserve;
  const run: BrowserRun = { consoleErrors: 0, failedRequests: [], failedCount: 0, steps: [], failedStep: 0 };
  let release: (() => void) | undefined;
  let proxy: EgressProxy | undefined;
  let context: BrowserContext | undefined;
  let obs: Observation = { timings: { total: 0 } };
  try {
    release = await pool.take(deadline.signal);
    proxy = await startEgressProxy({
      allowPrivate: options.allowPrivateTargets,
      signal: deadline.signal,
      ...(hooks.lookup ? { lookup: hooks.lookup } : {}),
    });
    const browser = await deadline.race(pool.browser());
    context = await deadline.race(
      browser.newContext({
        proxy: { server: proxy.server },
        userAgent: `${options.userAgent} HeadlessChromium`,
        viewport: { width: 1280, height: 800 },
        serviceWorkers: "block",
        acceptDownloads: false,
      }),
    );
    const page = await deadline.race(context.newPage());
    watch(page, run);
    obs = await deadline.race(load(spec, page, run, proxy, stepsEnd));
    if (!obs.error && proxy.blocked.length > 0) obs.facts = { ...obs.facts };
    if (failing(spec, obs) && !deadline.expired()) {
      const shot = await takeScreenshot(page, Math.max(500, started + spec.timeoutMs - monotonic()));
      if (shot) obs.screenshot = shot;
    }
  } catch (err) {
    obs = { ...obs, error: toCheckError(err, deadline.expired()) };
  } finally {
    // The context goes whatever happened; a browser that will not close it in time is let go.
    if (context) await Promise.race([context.close().catch(() => {}), wait(5_000)]);
    await proxy?.close();
    release?.();
    deadline.dispose();
  }
  const blocked = proxy?.blocked.length ?? 0;
  const first = proxy?.connects[0];
  return {
    ...obs,
    timings: {
      ...obs.timings,
      ...(first ? { dns: roundMs(first.dnsMs), connect: roundMs(first.connectMs) } : {}),
      total: roundMs(monotonic() - started),
    },
    facts: {
      ...obs.facts,
      "browser.consoleErrors": run.consoleErrors,
      "browser.failedRequests": run.failedCount,
      "browser.blockedRequests": blocked,
      "browser.failedStep": run.failedStep,
      "browser.passedSteps": run.steps.filter((s) => s.ok).length,
      ...(run.failedRequests.length > 0 ? { "browser.failedUrls": run.failedRequests.join(" ") } : {}),
      "browser.steps": run.steps.map((s) => `${s.action} ${s.ms}ms${s.ok ? "" : " failed"}`).join("; "),
    },
  };
}

function watch(page: Page, run: BrowserRun): void {
  page.on("console", (m) => {
    if (m.type() === "error") run.consoleErrors++;
  });
  page.on("pageerror", () => {
    run.consoleErrors++;
  });
  page.on("requestfailed", (r) => {
    run.failedCount++;
    if (run.failedRequests.length < BROWSER_LIMITS.failedUrls)
      run.failedRequests.push(`${r.url().slice(0, 300)} (${r.failure()?.errorText ?? "failed"})`);
  });
}

async function load(
  spec: BrowserSpec,
  page: Page,
  run: BrowserRun,
  proxy: EgressProxy,
  stepsEnd: number,
): Promise<Observation> {
  const left = () => Math.max(1, stepsEnd - monotonic());
  const waitUntil = spec.browser.waitUntil;
  let response: Awaited<ReturnType<Page["goto"]>>;
  const navStarted = monotonic();
  try {
    response = await page.goto(spec.target, { waitUntil, timeout: left() });
  } catch (err) {
    run.steps.push({ action: "load", ms: Math.round(monotonic() - navStarted), ok: false });
    return { timings: { total: 0 }, error: navigationError(err, spec.target, proxy) };
  }
  run.steps.push({ action: "load", ms: Math.round(monotonic() - navStarted), ok: true });
  const nav = (await page.evaluate(NAV_SCRIPT).catch(() => null)) as NavTimings | null;
  const obs: Observation = {
    timings: { total: 0, ...(nav ? { firstByte: roundMs(nav.firstByte) } : {}) },
    ...(response ? { statusCode: response.status() } : {}),
    facts: nav ? { "browser.domContentLoaded": roundMs(nav.dcl), "browser.load": roundMs(nav.load) } : {},
  };
  for (const [i, step] of spec.browser.steps.entries()) {
    const stepStarted = monotonic();
    try {
      await runStep(page, step, spec, waitUntil, left());
      run.steps.push({ action: step.action, ms: Math.round(monotonic() - stepStarted), ok: true });
    } catch (err) {
      run.steps.push({ action: step.action, ms: Math.round(monotonic() - stepStarted), ok: false });
      run.failedStep = i + 1;
      const why = isTimeout(err) ? "not done in time" : firstLine(err);
      return {
        ...obs,
        error: { kind: "protocol", message: `step ${i + 1} (${describeStep(step)}): ${why}` },
      };
    }
  }
  return obs;
}

async function runStep(
  page: Page,
  step: BrowserStep,
  spec: BrowserSpec,
  waitUntil: BrowserSettings["waitUntil"],
  timeout: number,
): Promise<void> {
  switch (step.action) {
    case "goto": {
      const response = await page.goto(new URL(step.url ?? "", spec.target).toString(), {
        waitUntil,
        timeout,
      });
      const status = response?.status() ?? 0;
      if (response && (status < 200 || status >= 400)) throw new Error(`status ${status}`);
      return;
    }
    case "click":
      await page
        .locator(step.selector ?? "")
        .first()
        .click({ timeout });
      return;
    case "fill":
      await page
        .locator(step.selector ?? "")
        .first()
        .fill(step.value ?? "", { timeout });
      return;
    case "expectText": {
      const scope = step.selector ? page.locator(step.selector) : page.locator("body");
      await scope
        .getByText(step.text ?? "")
        .first()
        .waitFor({ state: "visible", timeout });
      return;
    }
  }
}

/** Whether the judge will call this check down (a screenshot is taken only then). */
function failing(spec: BrowserSpec, obs: Observation): boolean {
  if (obs.error) return true;
  const facts = { "browser.failedStep": 0, ...obs.facts };
  return judgeAssertions([...browserImplied(spec), ...spec.assertions], { ...obs, facts }).status === "down";
}

/** A JPEG of the viewport, smaller again when over the cap; none when it still is. */
async function takeScreenshot(page: Page, timeout: number): Promise<Screenshot | undefined> {
  for (const quality of [60, 30]) {
    try {
      const bytes = await page.screenshot({ type: "jpeg", quality, timeout, animations: "disabled" });
      if (bytes.length <= BROWSER_LIMITS.screenshotBytes)
        return { mime: "image/jpeg", data: bytes.toString("base64") };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function navigationError(err: unknown, target: string, proxy: EgressProxy): Observation["error"] {
  const url = new URL(target);
  const authority = `${url.hostname.replace(/^\[|\]$/g, "")}:${Number(url.port) || (url.protocol === "https:" ? 443 : 80)}`;
  if (proxy.blocked.includes(authority)) return { kind: "blocked", message: BLOCKED_MESSAGE };
  if (isTimeout(err)) return toCheckError(timeoutFailure(), true);
  if (err instanceof ProbeFailure) return toCheckError(err, false);
  const net = /net::ERR_[A-Z_]+/.exec(String((err as Error)?.message ?? err))?.[0];
  if (
    net === "net::ERR_CERT_AUTHORITY_INVALID" ||
    net?.startsWith("net::ERR_CERT_") ||
    net?.startsWith("net::ERR_SSL_")
  )
    return { kind: "tls", message: net };
  return { kind: "unreachable", message: net ?? "page did not load" };
}

function isTimeout(err: unknown): boolean {
  return (err as Error)?.name === "TimeoutError" || (err instanceof ProbeFailure && err.kind === "timeout");
}

function firstLine(err: unknown): string {
  const text = String((err as Error)?.message ?? err).split("\n")[0] ?? "";
  return text.slice(0, 200);
}

function describeStep(step: BrowserStep): string {
  const what = step.url ?? step.selector ?? step.text ?? "";
  return `${step.action} ${what.slice(0, 60)}`;
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
