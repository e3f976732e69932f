import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Timeouts are hang detectors, not budgets: the machines this runs on are often busy (two
    // cores, load averages of 10 and more), where starting an Upblit on a fresh database alone can
    // take half a minute. Tests wait on conditions, which end as soon as they hold, so generous
    // limits cost nothing when things go well. Real-process tests (test/e2e) set their own, larger
    // ones (patientTest in test/e2e/helpers.ts).
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll: the same, for a condition polled in a test (vitest's default gives up after 1 s).
    expect: { poll: { timeout: 60_000 } },
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
