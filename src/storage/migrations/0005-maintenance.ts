import type { Kysely } from "kysely";

/** PLACEHOLDER (being built): maintenance windows (issue 4). */
export async function up(_db: Kysely<unknown>): Promise<void> {}
