import { AppError } from "../../lib/errors.ts";

/**
 * A heartbeat's slug is unique in its organization (the index `monitors_heartbeat_slug`,
 * migration 0017): a write that breaks it becomes a problem on the field, anything else is rethrown.
 */
export function slugTakenOr(err: unknown): unknown {
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown };
  const named = String(e.constraint ?? "") + String(e.message ?? "");
  if (e.code !== "23505" || !named.includes("monitors_heartbeat_slug")) return err;
  return new AppError("CONFLICT", "Another heartbeat monitor of this organization has this slug", {
    errors: [{ path: "body.heartbeat.slug", message: "is taken by another heartbeat monitor" }],
  });
}
