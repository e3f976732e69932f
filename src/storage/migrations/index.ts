import type { Migration, MigrationProvider } from "kysely";
import * as m0001 from "./0001-foundation.ts";
import * as m0002 from "./0002-accounts.ts";
import * as m0003 from "./0003-alerting.ts";
import * as m0004 from "./0004-routing.ts";
import * as m0005 from "./0005-maintenance.ts";
import * as m0006 from "./0006-dependencies.ts";
import * as m0007 from "./0007-status-pages.ts";
import * as m0008 from "./0008-templates.ts";
import * as m0009 from "./0009-status-incidents.ts";
import * as m0010 from "./0010-status-domains.ts";
import * as m0011 from "./0011-status-subscriptions.ts";
import * as m0012 from "./0012-incident-workflow.ts";
import * as m0013 from "./0013-heartbeats.ts";
import * as m0014 from "./0014-sso.ts";
import * as m0015 from "./0015-compact-results.ts";
import * as m0016 from "./0016-regions.ts";
import * as m0017 from "./0017-type-secrets.ts";
import * as m0018 from "./0018-processes.ts";
import * as m0019 from "./0019-resource-keys.ts";
import * as m0020 from "./0020-probe-tokens.ts";
import * as m0021 from "./0021-browser-artifacts.ts";
import * as m0022 from "./0022-rollup-blocks.ts";
import * as m0023 from "./0023-remote-probe-offline.ts";
import * as m0024 from "./0024-one-presence.ts";
import * as m0025 from "./0025-packed-timings.ts";

/** Versioned migrations, applied in name order. Never edit one that has shipped: add the next. */
const MIGRATIONS: Record<string, Migration> = {
  "0001-foundation": m0001,
  "0002-accounts": m0002,
  "0003-alerting": m0003,
  "0004-routing": m0004,
  "0005-maintenance": m0005,
  "0006-dependencies": m0006,
  "0007-status-pages": m0007,
  "0008-templates": m0008,
  "0009-status-incidents": m0009,
  "0010-status-domains": m0010,
  "0011-status-subscriptions": m0011,
  "0012-incident-workflow": m0012,
  "0013-heartbeats": m0013,
  "0014-sso": m0014,
  "0015-compact-results": m0015,
  "0016-regions": m0016,
  "0017-type-secrets": m0017,
  "0018-processes": m0018,
  "0019-resource-keys": m0019,
  "0020-probe-tokens": m0020,
  "0021-browser-artifacts": m0021,
  "0022-rollup-blocks": m0022,
  "0023-remote-probe-offline": m0023,
  "0024-one-presence": m0024,
  "0025-packed-timings": m0025,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
