import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import * as tar from "tar";
import { packageRoot } from "../lib/package-root.ts";

/**
 * A new PGlite data folder is PostgreSQL's initdb output, the same every time for one PGlite
 * version. initdb peaks near 900 MB of memory and takes ~10–25 s, so the build (`npm ci`,
 * `npm run build`) runs it once and keeps the folder as a tarball; a first start unpacks it
 * (a few MB of files, no WebAssembly) instead. Keyed by PGlite's version: another version's
 * template is never used.
 */
export function pgliteTemplatePath(root: string = packageRoot()): string {
  return path.join(root, "dist", `pglite-template-${pgliteVersion()}.tar.gz`);
}

/** The installed PGlite's version, from its package.json (walking up from its entry point). */
export function pgliteVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.resolve("@electric-sql/pglite")));
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, "utf8")) as {
        name?: string;
        version: string;
      };
      if (name === "@electric-sql/pglite") return version;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find @electric-sql/pglite's package.json");
    dir = parent;
  }
}

/** Runs initdb in a temporary folder and packs it into `file` (written whole or not at all). */
export async function buildPgliteTemplate(file: string): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), "upblit-pglite-template-"));
  try {
    const dataDir = path.join(work, "data");
    const db = new PGlite(dataDir);
    await db.query("select 1");
    await db.close();
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.partial`;
    await tar.create({ gzip: true, file: partial, cwd: dataDir, portable: true }, readdirSync(dataDir));
    renameSync(partial, file);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Unpacks the template into an empty data folder; false when there is no template for this PGlite. */
export async function unpackPgliteTemplate(
  dataDir: string,
  template: string = pgliteTemplatePath(),
): Promise<boolean> {
  if (!existsSync(template)) return false;
  mkdirSync(dataDir, { recursive: true });
  // PG_VERSION last: it is what marks a folder as a database, so an unpacking cut short is redone.
  await tar.extract({ file: template, cwd: dataDir, strict: true, filter: (p) => !isVersionFile(p) });
  await tar.extract({ file: template, cwd: dataDir, strict: true, filter: isVersionFile });
  return true;
}

const isVersionFile = (entry: string) => entry.replace(/^\.\//, "") === "PG_VERSION";
