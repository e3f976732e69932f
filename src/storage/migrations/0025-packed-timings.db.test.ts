import { Migrator, sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, DB_KINDS, type TestDatabase } from "../../test/db.ts";
import { type Db, migrateToLatest, openDatabase } from "../db.ts";
import { migrationProvider } from "./index.ts";

const HOUR = Date.UTC(2032, 0, 1, 5);
const TOTALS = [0.42, 38.5, 250.25, 9_999.5];
const DNS = [null, 1.25, null, 3];

/** A block as 0015 wrote it: the timings as `real[]`. */
async function insertRealBlock(db: Db): Promise<void> {
  await sql`
    INSERT INTO check_result_blocks (monitor_id, region, hour, organization_id, offsets_ms, lateness_ms,
      statuses, manual, status_codes, dns_ms, connect_ms, tls_ms, ttfb_ms, total_ms, details, detail)
    VALUES ('mon_old', 'local', ${new Date(HOUR)}, 'org_old', '{0,60000,120000,180000}', '{1,2,3,4}',
      '{u,u,d,u}', '{f,f,f,t}', '{200,200,NULL,200}', ${DNS}::real[], '{1,2,3,4}', '{5,6,7,8}',
      '{10,20,30,40}', ${TOTALS}::real[], '[]', '{NULL,NULL,NULL,NULL}')`.execute(db);
}

const readBack = (db: Db) =>
  sql<{ dns_ms: number | null; total_ms: number }>`
    SELECT dns_ms, total_ms FROM check_history WHERE monitor_id = 'mon_old' ORDER BY slot_at`.execute(db);

describe.each(DB_KINDS)("migration 0025-packed-timings on %s", (kind) => {
  let test: TestDatabase | undefined;
  let db: Db | undefined;
  afterAll(async () => {
    await db?.destroy();
    await test?.drop();
  });

  it("packs the timings of existing blocks, reads them back through the views, and unpacks them on the way down", async () => {
    test = await createTestDatabase(kind);
    db = await openDatabase(
      test.databaseUrl
        ? { driver: "postgres", url: test.databaseUrl }
        : { driver: "pglite", dataDir: test.dataDir, sharedBuffersMb: 16 },
    );
    const migrator = new Migrator({ db, provider: migrationProvider });
    expect((await migrator.migrateTo("0024-one-presence")).error).toBeUndefined();
    await insertRealBlock(db);

    expect(await migrateToLatest(db)).toContain("0025-packed-timings");
    const { rows: types } = await sql<{ t: string }>`
      SELECT pg_typeof(total_ms)::text AS t FROM check_result_blocks`.execute(db);
    expect(types[0]?.t).toBe("smallint[]");
    const packed = (await readBack(db)).rows;
    expect(packed.map((r) => r.dns_ms === null)).toEqual(DNS.map((v) => v === null));
    for (const [i, row] of packed.entries()) {
      expect(Math.abs(row.total_ms - TOTALS[i]!)).toBeLessThanOrEqual(0.0051 + TOTALS[i]! * 0.000313);
    }

    const down = await migrator.migrateDown();
    expect(down.error).toBeUndefined();
    expect(down.results?.[0]?.migrationName).toBe("0025-packed-timings");
    const { rows: reals } = await sql<{ t: string }>`
      SELECT pg_typeof(total_ms)::text AS t FROM check_result_blocks`.execute(db);
    expect(reals[0]?.t).toBe("real[]");
    // Down keeps what up kept: the values read back as packed.
    expect((await readBack(db)).rows).toEqual(packed);
  });
});
