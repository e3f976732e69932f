import type { Kysely } from "kysely";

/** PLACEHOLDER (being built): routing rules, reminders, escalation and acknowledgements (issue 4). */
export async function up(_db: Kysely<unknown>): Promise<void> {}
