import type { Ctx } from "../context.ts";
import { upsertByKey } from "../resource-keys/upsert.ts";
import {
  changeMaintenanceWindow,
  insertMaintenanceWindow,
  type MaintenanceWindowInput,
  type MaintenanceWindowView,
} from "./windows.ts";

/**
 * `PUT /maintenance-windows/by-key/{key}`: creates the window and gives it the key when the key
 * names none, else replaces the window it names (every field), in one transaction.
 */
export async function upsertMaintenanceWindowByKey(
  ctx: Ctx,
  key: string,
  input: MaintenanceWindowInput,
): Promise<{ created: boolean; window: MaintenanceWindowView }> {
  const done = await upsertByKey(ctx, "maintenance-window", key, {
    create: (tx, id) => insertMaintenanceWindow(tx, ctx, id, input),
    update: (tx, id) => changeMaintenanceWindow(tx, ctx, id, input, true),
  });
  return { created: done.created, window: done.value };
}
