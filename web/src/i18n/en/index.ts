import { alertingNav } from "./alerting-nav.ts";
import { auth } from "./auth.ts";
import { common } from "./common.ts";
import { incidents } from "./incidents.ts";
import { monitor } from "./monitor.ts";
import { monitorDetail } from "./monitor-detail.ts";
import { monitors } from "./monitors.ts";
import { settingsNav } from "./settings-nav.ts";

/**
 * The English catalogue: every text the dashboard shows. A translation is a new folder with the
 * same keys (TypeScript checks it has them all). Keys are `area.thing`; `{name}` is a parameter.
 */
export const en = {
  ...common,
  ...auth,
  ...monitor,
  ...monitorDetail,
  ...monitors,
  ...incidents,
  ...alertingNav,
  ...settingsNav,
} as const;
