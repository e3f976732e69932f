/** The alerting screens' navigation entries: in the first bundle; their pages' texts load with them (alerting.ts). */
export const alertingNav = {
  "nav.channels": "Channels",
  "nav.routing": "Routing",
  "nav.deliveries": "Deliveries",
  "nav.maintenance": "Maintenance",
} as const;
