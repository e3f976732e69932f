#!/usr/bin/env node
// Upblit's command line. In a checkout (src/ present, dev dependencies installed) it runs the
// TypeScript sources through tsx's loader, so there is no build step while developing; installed
// as a package (only dist/ is shipped) it runs the compiled JavaScript.
import { existsSync } from "node:fs";

const sources = new URL("../src/cli/main.ts", import.meta.url);
const tsx = existsSync(sources) ? await import("tsx/esm/api").catch(() => undefined) : undefined;
if (tsx) {
  tsx.register();
  await import(sources.href);
} else {
  await import("../dist/cli/main.js");
}
