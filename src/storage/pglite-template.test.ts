import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase } from "./db.ts";
import { initPgliteDataDir } from "./pglite-init.ts";
import { buildPgliteTemplate, pgliteTemplatePath } from "./pglite-template.ts";

const work = mkdtempSync(path.join(tmpdir(), "upblit-template-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The template `npm ci` built, or one built here when the build has not run (sources only). */
async function template(): Promise<string> {
  const built = pgliteTemplatePath();
  if (existsSync(built)) return built;
  const file = path.join(work, "template.tar.gz");
  await buildPgliteTemplate(file);
  return file;
}

describe("the PGlite data-folder template", () => {
  it("a new data folder is unpacked from it and opens as a database that migrates and answers", async () => {
    const file = await template();
    const dataDir = path.join(work, "data");
    expect(await initPgliteDataDir(dataDir, file)).toBe("template");
    expect(readdirSync(dataDir)).toContain("PG_VERSION");
    expect(await initPgliteDataDir(dataDir, file)).toBe("existing");

    const db = await openDatabase({ driver: "pglite", dataDir, sharedBuffersMb: 16 });
    try {
      expect((await migrateToLatest(db)).length).toBeGreaterThan(0);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from organizations`.execute(db);
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await db.destroy();
    }
  });

  it("without a template for this PGlite, a new folder still gets a database (initdb in a worker)", async () => {
    const dataDir = path.join(work, "no-template");
    expect(await initPgliteDataDir(dataDir, path.join(work, "missing.tar.gz"))).toBe("initdb");
    expect(readdirSync(dataDir)).toContain("PG_VERSION");
  });
});
