import { availableParallelism, loadavg } from "node:os";
import { defineConfig } from "vitest/config";

/** Twice the runnable processes per core now, at least 2, at most 20 (src/test/patience.ts). */
const STRETCH = Math.round(Math.min(20, Math.max(2, (2 * loadavg()[0]!) / availableParallelism())));

export default defineConfig({
  // The SDK from its sources, as tsconfig.json's paths (bin/upblit.js through tsx) resolve it.
  // The CLI imports it as "#sdk" (package.json "imports": the built SDK, also in the packed package).
  resolve: {
    alias: {
      "@upblit/sdk": new URL("./packages/sdk/src/index.ts", import.meta.url).pathname,
      "#sdk": new URL("./packages/sdk/src/index.ts", import.meta.url).pathname,
    },
  },
  test: {
    // The browser tests drive the built dashboard: build web/dist first when it is stale.
    globalSetup: ["test/build-web.ts"],
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "web/src/**/*.test.{ts,tsx}"],
    // Timeouts are hang detectors, not budgets: the machines this runs on are often busy (two
    // cores, load averages of 10 to 30), where starting an Upblit on a fresh database alone can
    // take minutes. Tests wait on conditions, which end as soon as they hold, so generous limits
    // cost nothing when things go well; they are stretched by the load when the run starts (see
    // src/test/patience.ts). Real-process tests (test/e2e) set their own, larger ones (patientTest
    // in test/e2e/helpers.ts).
    testTimeout: 60_000 * STRETCH,
    hookTimeout: 90_000 * STRETCH,
    // expect.poll: the same, for a condition polled in a test (vitest's default gives up after 1 s).
    expect: { poll: { timeout: 30_000 * STRETCH } },
    pool: "forks",
    // Two cores here, but many tests wait (on child processes, back-off, live streams): a third
    // worker cut the suite from 448 s to 385 s on this machine without adding failures.
    maxWorkers: 3,
    // Test files share a worker's module cache instead of importing the app afresh each (import
    // time was a third of the suite). Every file starts its own Upblit and database, and the few
    // that fake timers or set env variables restore them.
    isolate: false,
  },
});
