/**
 * One Chromium per probe process (per probe thread with PROBE_THREADS), launched by the first
 * browser check and kept for the next ones: each check gets a fresh context (its own cookies,
 * cache and proxy) and closes it. A browser that crashed or was killed is launched again by the
 * next check. At most `concurrency` checks hold a context at once; the others wait their turn
 * within their own timeout. playwright-core is loaded on first use, like the other client
 * libraries, so a server that runs no browser check never loads it.
 */
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

/** Debian's (and most distributions') Chromium; used when BROWSER_EXECUTABLE is not set. */
export const DEFAULT_BROWSER_EXECUTABLE = "/usr/bin/chromium";

/**
 * The browser a server would use: the configured one, else Debian's Chromium when installed;
 * undefined when there is none (browser monitors are then refused).
 */
export function findBrowserExecutable(configured: string | undefined): string | undefined {
  if (configured !== undefined) return existsSync(configured) ? configured : undefined;
  return existsSync(DEFAULT_BROWSER_EXECUTABLE) ? DEFAULT_BROWSER_EXECUTABLE : undefined;
}

/** Chromium flags: nothing of its own on the network, and every name resolved by our proxy. */
export const CHROMIUM_ARGS = [
  // Chromium resolves no hostname itself: every request goes to the proxy by name.
  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-domain-reliability",
  "--disable-sync",
  "--no-first-run",
  "--no-default-browser-check",
  "--metrics-recording-only",
  "--dns-prefetch-disable",
  // WebRTC may not send UDP around the proxy.
  "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
  "--disable-dev-shm-usage",
];

class Slots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}
  async take(signal: AbortSignal): Promise<() => void> {
    if (this.used >= this.size) {
      await new Promise<void>((resolve, reject) => {
        const turn = () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiting.indexOf(turn);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal.reason);
        };
        this.waiting.push(turn);
        signal.addEventListener("abort", onAbort, { once: true });
      });
    } else this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used--;
    };
  }
}

export class BrowserPool {
  private launching: Promise<Browser> | undefined;
  private readonly slots: Slots;
  /** Launches so far (a relaunch after a crash counts): for tests and logs. */
  launches = 0;

  constructor(
    readonly executable: string,
    concurrency: number,
  ) {
    this.slots = new Slots(Math.max(1, concurrency));
  }

  /** A slot for one check; call the returned function when its context is closed. */
  take(signal: AbortSignal): Promise<() => void> {
    return this.slots.take(signal);
  }

  /** The running browser, launched (again) when there is none or it died. */
  browser(): Promise<Browser> {
    if (!this.launching) {
      this.launches++;
      const launching = this.launch();
      this.launching = launching;
      launching.then(
        (b) => b.once("disconnected", () => this.forget(launching)),
        () => this.forget(launching),
      );
    }
    return this.launching;
  }

  async close(): Promise<void> {
    const launching = this.launching;
    this.launching = undefined;
    if (launching) await (await launching.catch(() => undefined))?.close().catch(() => {});
  }

  private forget(launching: Promise<Browser>): void {
    if (this.launching === launching) this.launching = undefined;
  }

  private async launch(): Promise<Browser> {
    const { chromium } = await import("playwright-core");
    return chromium.launch({
      executablePath: this.executable,
      headless: true,
      // Nothing may leave except through a context's own proxy: the browser-wide one goes nowhere.
      proxy: { server: "http://127.0.0.1:9" },
      args: CHROMIUM_ARGS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  }
}

const pools = new Map<string, BrowserPool>();

/** The pool of this process (this thread) for that browser. */
export function browserPool(executable: string, concurrency: number): BrowserPool {
  let pool = pools.get(executable);
  if (!pool) {
    pool = new BrowserPool(executable, concurrency);
    pools.set(executable, pool);
  }
  return pool;
}

/** Closes every browser this process launched (shutdown, tests). */
export async function closeBrowsers(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.close()));
}
