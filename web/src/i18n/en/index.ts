import { auth } from "./auth.ts";
import { common } from "./common.ts";
import { incidents } from "./incidents.ts";

/**
 * The English catalogue: every text the dashboard shows. A translation is a new folder with the
 * same keys (TypeScript checks it has them all). Keys are `area.thing`; `{name}` is a parameter.
 */
export const en = { ...common, ...auth, ...incidents } as const;
