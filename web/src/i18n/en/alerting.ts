import { channels } from "./channels.ts";
import { deliveries } from "./deliveries.ts";
import { maintenance } from "./maintenance.ts";
import { routing } from "./routing.ts";

/**
 * The alerting screens' texts (channels, routing, deliveries, maintenance). Not in the first
 * bundle: their chunks add them with `addMessages` (web/src/features/channels/messages.ts), which
 * keeps the initial JS within its budget as screens are added.
 */
export const alerting = { ...channels, ...routing, ...deliveries, ...maintenance } as const;
