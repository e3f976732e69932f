import type { paths } from "../../api/schema";

type CreateBody = NonNullable<
  paths["/api/v1/api-keys"]["post"]["requestBody"]
>["content"]["application/json"];
export type Scope = CreateBody["scopes"][number];

/** The documented scopes (docs/api-keys-and-audit.md), in the order the docs list them. */
export const SCOPES: Scope[] = [
  "monitors:read",
  "monitors:write",
  "heartbeats:write",
  "incidents:read",
  "incidents:write",
  "status-pages:read",
  "status-pages:write",
  "notifications:read",
  "notifications:write",
  "members:read",
  "audit:read",
  "org:admin",
];

/**
 * The ISO time a key made to expire "on" a calendar day (`yyyy-mm-dd`, local) stops: the end
 * of that day in the browser's time zone. Empty means never.
 */
export function endOfDay(day: string): string | undefined {
  if (!day) return undefined;
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return undefined;
  return new Date(y, m - 1, d, 23, 59, 59, 999).toISOString();
}
