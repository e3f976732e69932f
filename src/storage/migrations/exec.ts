import { type Kysely, sql } from "kysely";

/**
 * Runs a DDL script one statement at a time: PGlite's extended protocol takes one statement per
 * query. Our DDL has no semicolons inside statements, so splitting on `;` at line ends is exact.
 */
export async function execStatements(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, "").trim())
    .filter((s) => s.length > 0);
  for (const statement of statements) await sql.raw(statement).execute(db);
}
