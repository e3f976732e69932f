import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

/**
 * End-to-end tests written but not yet passing reliably on the shared CI machine, kept out of
 * `npm test` (their names end in `.pending.ts`, which the suite's include does not match). Run one
 * with `npx vitest run --config vitest.pending.config.ts test/e2e/chaos.pending.ts`.
 */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ["test/**/*.pending.ts"], globalSetup: [] },
});
