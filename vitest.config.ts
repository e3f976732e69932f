import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The browser tests drive the built dashboard: build web/dist first when it is stale.
    globalSetup: ["test/build-web.ts"],
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "web/src/**/*.test.{ts,tsx}"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
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
