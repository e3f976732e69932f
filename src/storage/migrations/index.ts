import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001-foundation.ts";
import * as m0002 from "./0002-accounts.ts";
import * as m0003 from "./0003-alerting.ts";

/** Versioned migrations, applied in name order. Never edit one that has shipped: add the next. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-foundation": m0001,
  "0002-accounts": m0002,
  "0003-alerting": m0003,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
