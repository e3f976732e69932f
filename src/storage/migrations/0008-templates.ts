import type { Kysely } from "kysely";

/** PLACEHOLDER (being built): custom message templates per channel (issue 4). */
export async function up(_db: Kysely<unknown>): Promise<void> {}
