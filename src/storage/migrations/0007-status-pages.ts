import type { Kysely } from "kysely";

/** PLACEHOLDER (being built): public status pages (issue 5). */
export async function up(_db: Kysely<unknown>): Promise<void> {}
