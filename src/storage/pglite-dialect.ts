import type { PGlite } from "@electric-sql/pglite";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from "kysely";
import { PreparedStatements, runStatement } from "./pglite-query.ts";

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Kysely dialect for PGlite. PGlite is one connection, so callers take turns: a connection is
 * handed out only after the previous holder released it, which keeps transactions from interleaving.
 */
export class PGliteDialect implements Dialect {
  /** `onClose` runs after the database is closed (releases the data folder's lock). */
  constructor(
    private readonly pglite: PGlite,
    private readonly onClose: () => void = () => {},
  ) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite, this.onClose);
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class PGliteDriver implements Driver {
  private tail: Promise<void> = Promise.resolve();
  private readonly connection: DatabaseConnection;
  private holder: { release: () => void } | undefined;
  private readonly statements = new PreparedStatements();

  constructor(
    private readonly pglite: PGlite,
    private readonly onClose: () => void,
  ) {
    this.connection = {
      executeQuery: async <R>(query: CompiledQuery): Promise<QueryResult<R>> => {
        // PGlite runs a statement on this thread and answers without a turn of the event loop, so
        // a long transaction would keep every socket waiting to its end (the notifier's sends, API
        // requests). One turn before each statement lets them go on meanwhile.
        await nextTurn();
        // PGlite's own parsers: its defaults, ours (int8) and those of the array types it found.
        const res = await runStatement<R>(
          this.pglite,
          this.pglite.parsers,
          this.statements,
          query.sql,
          query.parameters,
        );
        return {
          rows: res.rows,
          numAffectedRows: res.affectedRows === undefined ? undefined : BigInt(res.affectedRows),
        };
      },
      streamQuery: () => {
        throw new Error("streaming queries are not used with PGlite");
      },
    };
  }

  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.holder = { release };
    return this.connection;
  }

  async beginTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw("begin"));
  }
  async commitTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw("commit"));
  }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> {
    await conn.executeQuery(CompiledQuery.raw("rollback"));
  }

  async releaseConnection(): Promise<void> {
    const holder = this.holder;
    this.holder = undefined;
    holder?.release();
  }

  async destroy(): Promise<void> {
    await this.tail;
    await this.pglite.close();
    this.onClose();
  }
}
