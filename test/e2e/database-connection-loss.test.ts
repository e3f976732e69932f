import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../src/storage/db.ts";
import { createTestDatabase, type TestDatabase } from "../../src/test/db.ts";
import { TcpProxy } from "../support/tcp-proxy.ts";

/**
 * The PostgreSQL connection dies while a transaction holds it (between two of its statements,
 * as when the evaluator judges a batch): that transaction fails, the process does not (pg emits
 * 'error' on a checked-out client, which nothing else listens to), and the pool serves the next
 * statement on a new connection.
 */
describe("a PostgreSQL connection lost while a transaction holds it", () => {
  const proxy = new TcpProxy(5432);
  let database: TestDatabase;
  let db: Db;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => void uncaught.push(err);

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    await proxy.start();
    const url = new URL(database.databaseUrl!);
    url.port = String(proxy.port);
    db = await openDatabase({ driver: "postgres", url: url.toString() });
    process.on("uncaughtException", onUncaught);
  });
  afterAll(async () => {
    process.off("uncaughtException", onUncaught);
    await db?.destroy();
    await proxy.stop();
    await database?.drop();
  });

  it("fails the transaction, not the process, and the next statement works", async () => {
    const transaction = db.transaction().execute(async (tx) => {
      await sql`select 1`.execute(tx);
      await proxy.cut();
      // The socket closes while no statement is running on it.
      await new Promise((r) => setTimeout(r, 300));
      await sql`select 1`.execute(tx);
    });
    await expect(transaction).rejects.toThrow();
    expect(uncaught).toEqual([]);

    await proxy.restore();
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
  });
});
