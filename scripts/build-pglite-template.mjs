// Part of `npm run build` (and so of `npm ci`): PGlite's initdb, run once here instead of at a
// first start (src/storage/pglite-template.ts). Skipped when this PGlite's template exists.
import { existsSync } from "node:fs";
import { buildPgliteTemplate, pgliteTemplatePath } from "../dist/storage/pglite-template.js";

const file = pgliteTemplatePath();
if (!existsSync(file)) {
  await buildPgliteTemplate(file);
  process.stdout.write(`built ${file}\n`);
}
