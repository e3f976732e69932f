import type { AlertEvent, TemplateSource } from "../../domain/alert-message.ts";
import { AppError, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import { decryptSecret, encryptSecret } from "../../lib/keys.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { lockMonitor, requireMonitor } from "../monitors/query.ts";
import { type Page, toPage } from "../page.ts";

export const CHANNEL_EVENTS = [
  "down",
  "up",
  "degraded",
  "certificate",
  "acknowledged",
] as const satisfies readonly AlertEvent[];

export interface ChannelInput {
  name: string;
  kind: string;
  /** Already validated by the kind's schema at the edge. */
  config: Record<string, unknown>;
  secrets: Record<string, unknown>;
  isDefault: boolean;
  events: string[];
  /** A custom message template, already checked at the edge; null or absent for the default wording. */
  template?: TemplateSource | null;
}

export interface ChannelView {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  /** Names of the secret settings that are set; their values never leave the server. */
  secretsSet: string[];
  isDefault: boolean;
  events: string[];
  template: TemplateSource | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  id: string;
  name: string;
  kind: string;
  config: Record<string, unknown>;
  secrets: string;
  is_default: boolean;
  events: string[];
  template: TemplateSource | null;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
};

function view(ctx: Ctx, r: Row): ChannelView {
  const secrets = JSON.parse(decryptSecret(ctx.keys.encryption, r.secrets)) as Record<string, unknown>;
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    config: r.config,
    secretsSet: Object.keys(secrets).filter((k) => secrets[k] !== undefined && secrets[k] !== ""),
    isDefault: r.is_default,
    events: r.events,
    template: r.template,
    enabled: r.enabled,
    disabledReason: r.disabled_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A template as its column stores it: JSON, or null when it has no part (the default wording). */
function storedTemplate(template: TemplateSource | null | undefined): string | null {
  if (!template?.title && !template?.text) return null;
  return JSON.stringify({
    ...(template.title ? { title: template.title } : {}),
    ...(template.text ? { text: template.text } : {}),
  });
}

/** Creates a channel; its secrets are stored encrypted (AES-256-GCM) and never returned. */
export async function createChannel(ctx: Ctx, input: ChannelInput): Promise<ChannelView> {
  return ctx.db.transaction().execute((tx) => insertChannel(tx, ctx, newId("chn"), input));
}

/** `createChannel` inside the caller's transaction, with the id chosen (an upsert by key claims it first). */
export async function insertChannel(tx: Db, ctx: Ctx, id: string, input: ChannelInput): Promise<ChannelView> {
  const now = new Date(ctx.clock.now());
  const row = await tx
    .insertInto("notification_channels")
    .values({
      id,
      organization_id: ctx.organizationId,
      name: input.name,
      kind: input.kind,
      config: JSON.stringify(input.config),
      secrets: encryptSecret(ctx.keys.encryption, JSON.stringify(input.secrets)),
      is_default: input.isDefault,
      events: input.events,
      template: storedTemplate(input.template),
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, {
    action: "channel.create",
    target: { type: "channel", id },
    summary: {
      name: input.name,
      kind: input.kind,
      isDefault: input.isDefault,
      events: input.events,
      templated: storedTemplate(input.template) !== null,
    },
  });
  return view(ctx, row);
}

export async function listChannels(
  ctx: Ctx,
  page: { cursor?: string; limit: number },
): Promise<Page<ChannelView>> {
  let q = ctx.db
    .selectFrom("notification_channels")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .orderBy("id", "desc")
    .limit(page.limit + 1);
  if (page.cursor) q = q.where("id", "<", page.cursor);
  const rows = await q.execute();
  return toPage(
    rows,
    page.limit,
    (r) => view(ctx, r),
    (r) => r.id,
  );
}

async function findRow(ctx: Ctx, id: string): Promise<Row> {
  const row = await ctx.db
    .selectFrom("notification_channels")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError("channel", id);
  return row;
}

export async function getChannel(ctx: Ctx, id: string): Promise<ChannelView> {
  return view(ctx, await findRow(ctx, id));
}

/** The stored settings of a channel, secrets decrypted, for sending (test-sends). */
export async function channelForSending(ctx: Ctx, id: string) {
  const row = await findRow(ctx, id);
  return {
    channel: view(ctx, row),
    secrets: JSON.parse(decryptSecret(ctx.keys.encryption, row.secrets)) as Record<string, unknown>,
  };
}

/**
 * Changes a channel. Secrets are write-only: given keys replace the stored ones, absent keys keep
 * them. Saving re-enables a channel a receiver had disabled (410), since someone fixed it.
 */
export async function updateChannel(
  ctx: Ctx,
  id: string,
  patch: Partial<Omit<ChannelInput, "kind">>,
  validate: (config: Record<string, unknown>, secrets: Record<string, unknown>) => void,
): Promise<ChannelView> {
  return ctx.db.transaction().execute((tx) => changeChannel(tx, ctx, id, patch, validate));
}

/**
 * `updateChannel` inside the caller's transaction. With `kind`, a channel of another kind is
 * refused (409): an upsert by key replaces a channel, it cannot turn it into another kind.
 */
export async function changeChannel(
  tx: Db,
  ctx: Ctx,
  id: string,
  patch: Partial<ChannelInput>,
  validate: (config: Record<string, unknown>, secrets: Record<string, unknown>) => void,
): Promise<ChannelView> {
  const { kind, ...changes } = patch;
  const row = await tx
    .selectFrom("notification_channels")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new NotFoundError("channel", id);
  if (kind !== undefined && kind !== row.kind) {
    throw new AppError("CONFLICT", `This key names a ${row.kind} channel; its kind cannot change`, {
      errors: [
        { path: "body.kind", message: `must stay ${row.kind}: delete the channel to change its kind` },
      ],
    });
  }
  const oldSecrets = JSON.parse(decryptSecret(ctx.keys.encryption, row.secrets)) as Record<string, unknown>;
  const config = changes.config ?? row.config;
  const secrets = { ...oldSecrets, ...(changes.secrets ?? {}) };
  validate(config, secrets);
  const updated = await tx
    .updateTable("notification_channels")
    .set({
      name: changes.name ?? row.name,
      config: JSON.stringify(config),
      secrets: encryptSecret(ctx.keys.encryption, JSON.stringify(secrets)),
      is_default: changes.isDefault ?? row.is_default,
      events: changes.events ?? row.events,
      template:
        changes.template === undefined ? storedTemplate(row.template) : storedTemplate(changes.template),
      enabled: true,
      disabled_reason: null,
      updated_at: new Date(ctx.clock.now()),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await audit(tx, ctx, {
    action: "channel.update",
    target: { type: "channel", id },
    summary: {
      fields: Object.keys(changes).filter((k) => k !== "secrets"),
      secretsChanged: Object.keys(changes.secrets ?? {}),
    },
  });
  return view(ctx, updated);
}

export async function deleteChannel(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const done = await tx
      .deleteFrom("notification_channels")
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(done.numDeletedRows) === 0) throw new NotFoundError("channel", id);
    await audit(tx, ctx, { action: "channel.delete", target: { type: "channel", id } });
  });
}

/**
 * Sets which channels a monitor alerts (besides the organization's defaults). Every id must be a
 * channel of this organization: a foreign or unknown id refuses the whole change.
 */
export async function setMonitorChannels(
  ctx: Ctx,
  monitorId: string,
  channelIds: string[],
): Promise<string[]> {
  const ids = [...new Set(channelIds)];
  return ctx.db.transaction().execute(async (tx) => {
    await lockMonitor(tx, ctx, monitorId);
    const found = ids.length
      ? await tx
          .selectFrom("notification_channels")
          .select("id")
          .where("organization_id", "=", ctx.organizationId)
          .where("id", "in", ids)
          .execute()
      : [];
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) {
      throw new AppError("NOT_FOUND", `No channel ${missing[0]} in this organization`, {
        errors: missing.map((id) => ({
          path: "body.channelIds",
          message: `no channel ${id} in this organization`,
        })),
      });
    }
    await tx.deleteFrom("monitor_channels").where("monitor_id", "=", monitorId).execute();
    if (ids.length > 0) {
      await tx
        .insertInto("monitor_channels")
        .values(
          ids.map((channel_id) => ({
            monitor_id: monitorId,
            channel_id,
            organization_id: ctx.organizationId,
          })),
        )
        .execute();
    }
    await audit(tx, ctx, {
      action: "monitor.channels_set",
      target: { type: "monitor", id: monitorId },
      summary: { channelIds: ids },
    });
    return ids.sort();
  });
}

export async function getMonitorChannels(ctx: Ctx, monitorId: string): Promise<string[]> {
  await requireMonitor(ctx, monitorId);
  const rows = await ctx.db
    .selectFrom("monitor_channels")
    .select("channel_id")
    .where("monitor_id", "=", monitorId)
    .orderBy("channel_id")
    .execute();
  return rows.map((r) => r.channel_id);
}
