import type { Browser } from "playwright-core";

let bareBrowser: Promise<Browser> | undefined;

/** The browser type's bare client: one Chromium, a fresh context per load, as the probe does. */
export async function bareBrowserLoad(url: string): Promise<boolean> {
  const { chromium } = await import("playwright-core");
  bareBrowser ??= chromium.launch({ executablePath: process.env.BROWSER_EXECUTABLE ?? "/usr/bin/chromium" });
  const context = await (await bareBrowser).newContext();
  try {
    const page = await context.newPage();
    const res = await page.goto(url, { waitUntil: "load", timeout: 30_000 });
    return res?.ok() ?? false;
  } catch {
    return false;
  } finally {
    await context.close();
  }
}
