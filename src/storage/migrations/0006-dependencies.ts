import type { Kysely } from "kysely";

/** PLACEHOLDER (being built): monitor dependencies and certificate expiry warnings (issue 4). */
export async function up(_db: Kysely<unknown>): Promise<void> {}
