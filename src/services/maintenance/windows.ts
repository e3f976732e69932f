import {
  isOpenAt,
  type MaintenanceSchedule,
  nextOccurrences,
  type Occurrence,
} from "../../domain/maintenance-schedule.ts";
import { AppError, type FieldIssue, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { reserveOrgSlot } from "../org-limits.ts";
import { type Page, toPage } from "../page.ts";
import {
  existingMonitors,
  listedMonitors,
  scheduleColumns,
  scheduleOf,
  type WindowRow,
  writeListedMonitors,
} from "./store.ts";

/** Explicit limits (docs/maintenance.md). */
export const MAINTENANCE_LIMITS = {
  windowsPerOrg: 200,
  monitorIds: 500,
  tags: 20,
  titleChars: 200,
  descriptionChars: 2000,
} as const;

/** How many coming occurrences a window shows: one in lists, ten on its own. */
export const NEXT_IN_LIST = 1;
export const NEXT_IN_DETAIL = 10;

export interface MaintenanceWindowInput {
  title: string;
  description: string | null;
  /** Monitors covered by id; every one must be a monitor of the organization. */
  monitorIds: string[];
  /** Monitors covered by tag: any monitor with at least one of these. */
  tags: string[];
  schedule: MaintenanceSchedule;
}

export interface MaintenanceWindowView extends MaintenanceWindowInput {
  id: string;
  /** Open now (by the server's clock). */
  active: boolean;
  /** Occurrences not yet over, the open one first. */
  nextOccurrences: Occurrence[];
  createdAt: Date;
  updatedAt: Date;
}

function view(row: WindowRow, monitorIds: string[], nowMs: number, next: number): MaintenanceWindowView {
  const schedule = scheduleOf(row);
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    monitorIds,
    tags: row.tags,
    schedule,
    active: isOpenAt(schedule, nowMs),
    nextOccurrences: nextOccurrences(schedule, nowMs, next),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Checks what needs the database or the clock: every monitor id is the organization's (a foreign
 * id reads exactly like a missing one), the window covers something, a one-off window has not
 * already ended. Returns the monitor ids without duplicates.
 */
async function checkInput(
  db: Db,
  ctx: Ctx,
  input: MaintenanceWindowInput,
  newSchedule: boolean,
): Promise<string[]> {
  const errors: FieldIssue[] = [];
  const found = await existingMonitors(db, ctx.organizationId, input.monitorIds);
  input.monitorIds.forEach((id, i) => {
    if (!found.has(id)) errors.push({ path: `body.monitorIds.${i}`, message: "no such monitor" });
  });
  if (input.monitorIds.length === 0 && input.tags.length === 0) {
    errors.push({
      path: "body.monitorIds",
      message: "give monitorIds or tags: the window must cover something",
    });
  }
  // An ended one-off window may still be renamed; only a schedule being set must lie ahead.
  if (newSchedule && input.schedule.type === "once" && input.schedule.endsAt <= ctx.clock.now()) {
    errors.push({ path: "body.schedule.endsAt", message: "must be in the future" });
  }
  if (errors.length > 0)
    throw new AppError("VALIDATION", "The maintenance window is not acceptable", { errors });
  return [...new Set(input.monitorIds)];
}

/** Creates a maintenance window within the organization's limit; audited. */
export async function createMaintenanceWindow(
  ctx: Ctx,
  input: MaintenanceWindowInput,
): Promise<MaintenanceWindowView> {
  return ctx.db
    .transaction()
    .execute((tx) => insertMaintenanceWindow(tx, ctx, newId("mnt", ctx.clock.now()), input));
}

/** `createMaintenanceWindow` inside the caller's transaction, with the id chosen (an upsert by key claims it first). */
export async function insertMaintenanceWindow(
  tx: Db,
  ctx: Ctx,
  id: string,
  input: MaintenanceWindowInput,
): Promise<MaintenanceWindowView> {
  const now = ctx.clock.now();
  await reserveOrgSlot(tx, ctx.organizationId, {
    table: "maintenance_windows",
    max: MAINTENANCE_LIMITS.windowsPerOrg,
    what: "maintenance windows",
  });
  const monitorIds = await checkInput(tx, ctx, input, true);
  const row = await tx
    .insertInto("maintenance_windows")
    .values({
      id,
      organization_id: ctx.organizationId,
      title: input.title,
      description: input.description,
      tags: input.tags,
      ...scheduleColumns(input.schedule),
      created_at: new Date(now),
      updated_at: new Date(now),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await writeListedMonitors(tx, ctx.organizationId, id, monitorIds);
  await audit(tx, ctx, {
    action: "maintenance.create",
    target: { type: "maintenance_window", id },
    summary: summaryOf(input, monitorIds),
  });
  return view(row, [...monitorIds].sort(), now, NEXT_IN_DETAIL);
}

/** The organization's windows, newest first, one keyset page at a time, each with its next occurrence. */
export async function listMaintenanceWindows(
  ctx: Ctx,
  page: { cursor?: string; limit: number },
): Promise<Page<MaintenanceWindowView>> {
  let q = ctx.db
    .selectFrom("maintenance_windows")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .orderBy("id", "desc")
    .limit(page.limit + 1);
  if (page.cursor) q = q.where("id", "<", page.cursor);
  const rows = await q.execute();
  const listed = await listedMonitors(
    ctx.db,
    rows.map((r) => r.id),
  );
  const now = ctx.clock.now();
  return toPage(
    rows,
    page.limit,
    (r) => view(r, listed.get(r.id) ?? [], now, NEXT_IN_LIST),
    (r) => r.id,
  );
}

async function findRow(db: Db, ctx: Ctx, id: string, lock = false): Promise<WindowRow> {
  let q = db
    .selectFrom("maintenance_windows")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError("maintenance window", id);
  return row;
}

/** One window with its next ten occurrences; another organization's reads as missing. */
export async function getMaintenanceWindow(ctx: Ctx, id: string): Promise<MaintenanceWindowView> {
  const row = await findRow(ctx.db, ctx, id);
  const listed = await listedMonitors(ctx.db, [id]);
  return view(row, listed.get(id) ?? [], ctx.clock.now(), NEXT_IN_DETAIL);
}

/**
 * Changes a window: given fields replace the stored ones (`schedule` and `monitorIds` as a whole,
 * `description: null` clears it). The result is checked as a whole, as on create. Takes effect
 * from the next result recorded: a monitor in `maintenance` whose window no longer covers it
 * leaves that state on its next check.
 */
export async function updateMaintenanceWindow(
  ctx: Ctx,
  id: string,
  patch: Partial<MaintenanceWindowInput>,
): Promise<MaintenanceWindowView> {
  return ctx.db.transaction().execute((tx) => changeMaintenanceWindow(tx, ctx, id, patch));
}

/**
 * `updateMaintenanceWindow` inside the caller's transaction. An upsert by key sends the whole
 * window (`replace`): its schedule counts as set, and must lie ahead, only when it differs from
 * the stored one, so repeating the request for an ended one-off window changes nothing.
 */
export async function changeMaintenanceWindow(
  tx: Db,
  ctx: Ctx,
  id: string,
  patch: Partial<MaintenanceWindowInput>,
  replace = false,
): Promise<MaintenanceWindowView> {
  const now = ctx.clock.now();
  const row = await findRow(tx, ctx, id, true);
  const current = (await listedMonitors(tx, [id])).get(id) ?? [];
  const merged: MaintenanceWindowInput = {
    title: patch.title ?? row.title,
    description: patch.description === undefined ? row.description : patch.description,
    monitorIds: patch.monitorIds ?? current,
    tags: patch.tags ?? row.tags,
    schedule: patch.schedule ?? scheduleOf(row),
  };
  const newSchedule =
    patch.schedule !== undefined &&
    (!replace ||
      JSON.stringify(scheduleColumns(patch.schedule)) !== JSON.stringify(scheduleColumns(scheduleOf(row))));
  const monitorIds = await checkInput(tx, ctx, merged, newSchedule);
  const updated = await tx
    .updateTable("maintenance_windows")
    .set({
      title: merged.title,
      description: merged.description,
      tags: merged.tags,
      ...scheduleColumns(merged.schedule),
      updated_at: new Date(now),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (patch.monitorIds) await writeListedMonitors(tx, ctx.organizationId, id, monitorIds);
  await audit(tx, ctx, {
    action: "maintenance.update",
    target: { type: "maintenance_window", id },
    summary: { fields: Object.keys(patch), ...summaryOf(merged, monitorIds) },
  });
  return view(updated, [...monitorIds].sort(), now, NEXT_IN_DETAIL);
}

/** Deletes a window; its monitors leave `maintenance` on their next result. Audited. */
export async function deleteMaintenanceWindow(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const row = await findRow(tx, ctx, id, true);
    await tx.deleteFrom("maintenance_windows").where("id", "=", id).execute();
    await audit(tx, ctx, {
      action: "maintenance.delete",
      target: { type: "maintenance_window", id },
      summary: { title: row.title },
    });
  });
}

/** What the audit log keeps of a window: enough to tell what was covered and when. */
function summaryOf(input: MaintenanceWindowInput, monitorIds: string[]) {
  return {
    title: input.title,
    schedule: input.schedule.type,
    monitorCount: monitorIds.length,
    tags: input.tags,
  };
}
