import { randomBytes } from "node:crypto";
import pg from "pg";

/** The PostgreSQL server the suite runs against; CI starts it (see .ci/run). */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export type TestDbKind = "pglite" | "postgres";

/** Both drivers: every db suite runs once per entry. */
export const DB_KINDS: TestDbKind[] = ["pglite", "postgres"];

export interface TestDatabase {
  /** Value for DATABASE_URL (postgres) or undefined (PGlite in memory). */
  databaseUrl: string | undefined;
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: PGlite in memory, or a new database on the
 * PostgreSQL server (dropped afterwards). Fails loudly when the server cannot be reached.
 */
export async function createTestDatabase(kind: TestDbKind): Promise<TestDatabase> {
  if (kind === "pglite") return { databaseUrl: undefined, dataDir: "memory://", drop: async () => {} };
  const name = `upblit_t_${randomBytes(6).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    databaseUrl: url.toString(),
    dataDir: "memory://",
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL at ${TEST_PG_URL} is unreachable; start it (see .ci/run): ${(err as Error).message}`,
    );
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
