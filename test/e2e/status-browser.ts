/** Helpers for the status page browser tests: Debian's Chromium through playwright-core. */
import { type Browser, chromium } from "playwright-core";

/** The system Chromium; nothing here downloads a browser. */
export const CHROMIUM = "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Root in CI has no user namespaces for Chromium's sandbox.
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}
