/**
 * The dashboard's end-to-end harness: a real `upblit start` process serving the built web/dist,
 * Debian's Chromium through playwright-core, signed-in browser contexts, screenshots in both
 * themes and axe-core. Every wait is on a condition, with deadlines that allow a busy machine.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { scaledTimeout } from "../../../src/test/patience.ts";
import { seriousViolations } from "../axe.ts";
import {
  api,
  E2E_OWNER,
  freePort,
  ROOT,
  runCli,
  startUpblitProcess,
  tempDir,
  type UpblitProcess,
  waitFor,
} from "../helpers.ts";
import { launchChromium } from "../status-browser.ts";

export { api, E2E_OWNER, scaledTimeout, waitFor };

/** Where screenshots go (gitignored); CI keeps them as artifacts. */
export const ARTIFACTS = path.join(ROOT, "test-artifacts/dashboard");

/**
 * How long one step in the browser may wait (a page, a row, a live change): 30 s on a quiet
 * machine, stretched by the load when the file starts (a loaded two-core machine renders a first
 * page in seconds, not milliseconds). Waits end as soon as their condition holds.
 */
export const UI_TIMEOUT_MS = scaledTimeout(30_000);

/**
 * How long `upblit start` may take to answer /readyz: loading the TypeScript sources took 95 s
 * on this two-core machine at load 28 (measured 2026-12-07), so the deadline is wide.
 */
export const START_TIMEOUT_MS = 240_000;

export interface Dashboard {
  base: string;
  proc: UpblitProcess;
  browser: Browser;
  /** A browser context signed in as the owner (cookies set through the API's login). */
  signedIn(options?: { colorScheme?: "light" | "dark" }): Promise<{ context: BrowserContext; page: Page }>;
  /** An access token for API calls beside the browser (`api(base, …)` uses one already). */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /**
   * `false` leaves the server without an account, for tests of the first-run page; the setup
   * link is then in `proc.output()`.
   */
  setUp?: boolean;
}

/** Starts Upblit on a fresh data folder and a free port, and Chromium beside it. */
export async function startDashboard(options: StartOptions = {}): Promise<Dashboard> {
  const data = tempDir("dashboard");
  const port = await freePort();
  const env = { SHUTDOWN_TIMEOUT_SECONDS: "5", ...options.env };
  const proc =
    options.setUp === false
      ? await startWithoutAccount(data.dir, port, env)
      : await startUpblitProcess(data.dir, port, env);
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    base: proc.base,
    proc,
    browser,
    async signedIn({ colorScheme = "light" } = {}) {
      const context = await browser.newContext({
        baseURL: proc.base,
        colorScheme,
        viewport: { width: 1280, height: 800 },
      });
      contexts.push(context);
      const res = await context.request.post("/api/v1/auth/login", { data: E2E_OWNER });
      expect(res.status(), await res.text()).toBe(200);
      const page = await context.newPage();
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      proc.child.kill("SIGTERM");
      await proc.exited;
      data.remove();
    },
  };
}

/** `upblit start` without signing in, waiting only for /readyz. */
async function startWithoutAccount(dir: string, port: number, env: Record<string, string>) {
  const proc = runCli(["start"], {
    DATA_DIR: dir,
    PORT: String(port),
    HOST: "127.0.0.1",
    ALLOW_PRIVATE_TARGETS: "true",
    MIN_INTERVAL_SECONDS: "1",
    LOG_LEVEL: "info",
    ...env,
  });
  await waitFor(
    "upblit to answer /readyz",
    async () => (await fetch(`${proc.base}/readyz`)).status === 200,
    START_TIMEOUT_MS,
  );
  return proc;
}

/** The setup link the server logged on its first start. */
export function setupLink(proc: UpblitProcess): string {
  const match = /(http:\/\/[^\s"]+\/setup\?token=[\w-]+)/.exec(proc.output());
  if (!match?.[1]) throw new Error(`no setup link in the output:\n${proc.output()}`);
  return match[1];
}

/**
 * Saves `name-light.png` and `name-dark.png` of the page as it is (the theme follows the
 * system's colour scheme unless the person chose one).
 */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${colorScheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** axe-core in both themes: no serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await seriousViolations(page), `axe in the ${colorScheme} theme`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: "light" });
}
