import { PGlite } from "@electric-sql/pglite";
import { Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGliteDialect } from "./pglite-dialect.ts";

describe("PGlite dialect: the event loop gets turns during long database work", () => {
  let db: Kysely<unknown>;
  beforeAll(async () => {
    db = new Kysely<unknown>({ dialect: new PGliteDialect(new PGlite("memory://")) });
    await sql`select 1`.execute(db);
  });
  afterAll(async () => {
    await db.destroy();
  });

  it("lets a timer that came due run while a transaction goes on statement after statement", async () => {
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 1);
    let statements = 0;
    await db.transaction().execute(async (tx) => {
      // PGlite answers statements without a turn of the event loop: without the dialect's turns
      // this loop would run until its bound and the timer would fire only after it.
      while (!fired && statements < 20_000) {
        await sql`select ${statements}::int as n`.execute(tx);
        statements++;
      }
    });
    expect(fired).toBe(true);
    expect(statements).toBeLessThan(20_000);
  });
});
