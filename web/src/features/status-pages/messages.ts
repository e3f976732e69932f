import { statusPages } from "../../i18n/en/status-pages.ts";
import { featureCatalogue } from "../../i18n/index.ts";

/** This feature's texts (web/src/i18n/en/status-pages.ts) and the shared ones, in its own chunk. */
export const t = featureCatalogue(statusPages);
export type MessageKey = Parameters<typeof t>[0];
