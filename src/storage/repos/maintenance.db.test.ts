import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vacuumHotTables } from "../../services/checks/maintain.ts";
import { createMonitor } from "../../services/monitors/create.ts";
import { setMonitorPaused } from "../../services/monitors/update.ts";
import { DB_KINDS } from "../../test/db.ts";
import { monitorDefinition } from "../../test/factories.ts";
import { startTestUpblit, type TestUpblit } from "../../test/upblit.ts";

describe.each(DB_KINDS)("vacuuming the per-check tables on %s", (kind) => {
  let up: TestUpblit;
  beforeAll(async () => {
    up = await startTestUpblit(kind, { UPBLIT_ROLES: "api" });
  });
  afterAll(async () => up?.close());

  it("vacuums the tables every check rewrites (PGlite has no autovacuum)", async () => {
    const ctx = up.ctx;
    const m = await createMonitor(ctx, monitorDefinition());
    for (let i = 0; i < 20; i++) await setMonitorPaused(ctx, m.id, i % 2 === 0);
    const pages = async () =>
      (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM monitor_state WHERE xmin::text <> '0'`.execute(up.rt.db)
      ).rows[0]!.n;
    expect(await pages()).toBe(1);
    await vacuumHotTables(up.rt);
    const stats = await sql<{ last: Date | null }>`
      SELECT greatest(last_vacuum, last_autovacuum) AS last FROM pg_stat_all_tables WHERE relname = 'monitor_state'`.execute(
      up.rt.db,
    );
    expect(stats.rows[0]?.last).not.toBeNull();
  });
});
