import { AppError, type FieldIssue, NotFoundError } from "../../lib/errors.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx } from "../context.ts";
import { reserveOrgSlot } from "../org-limits.ts";
import { type Page, toPage } from "../page.ts";

export const MAX_RULES_PER_ORG = 100;
export const MAX_CHANNELS_PER_SET = 20;
export const MAX_ESCALATION_STEPS = 5;
export const REMINDER_MINUTES = { min: 5, max: 1440 } as const;
export const ESCALATION_MINUTES = { min: 1, max: 1440 } as const;

export interface EscalationStep {
  /** Minutes after the incident opened, if nobody acknowledged it by then. */
  afterMinutes: number;
  channelIds: string[];
}

/** An alert rule as the API takes it (already validated for shape at the edge). */
export interface RuleInput {
  name: string;
  tags: string[];
  events: string[];
  channelIds: string[];
  reminderMinutes: number | null;
  escalation: EscalationStep[];
  enabled: boolean;
}

export interface RuleView extends RuleInput {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

type RuleRow = {
  id: string;
  name: string;
  tags: string[];
  events: string[];
  reminder_minutes: number | null;
  escalation_minutes: number[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
};

/**
 * Creates an alert rule: the alerts of monitors with any of its tags also go to its channels, and
 * optionally reminders and escalation steps while an incident stays unacknowledged. At most
 * MAX_RULES_PER_ORG per organization; every channel must be the organization's own.
 */
export async function createRule(ctx: Ctx, input: RuleInput): Promise<RuleView> {
  return ctx.db.transaction().execute((tx) => insertRule(tx, ctx, newId("rul"), input));
}

/** `createRule` inside the caller's transaction, with the id chosen (an upsert by key claims it first). */
export async function insertRule(tx: Db, ctx: Ctx, id: string, input: RuleInput): Promise<RuleView> {
  const rule = normalize(input);
  checkRule(rule);
  const now = new Date(ctx.clock.now());
  await reserveOrgSlot(tx, ctx.organizationId, {
    table: "alert_rules",
    max: MAX_RULES_PER_ORG,
    what: "alert rules",
  });
  await assertOwnChannels(tx, ctx, rule);
  await tx
    .insertInto("alert_rules")
    .values({
      id,
      organization_id: ctx.organizationId,
      ...columnsOf(rule),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await writeRuleChannels(tx, ctx, id, rule);
  await audit(tx, ctx, {
    action: "alert_rule.create",
    target: { type: "alert_rule", id },
    summary: summaryOf(rule),
  });
  return { id, ...rule, createdAt: now, updatedAt: now };
}

/** The organization's rules, oldest first, a page at a time. */
export async function listRules(ctx: Ctx, page: { cursor?: string; limit: number }): Promise<Page<RuleView>> {
  let q = ctx.db
    .selectFrom("alert_rules")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .orderBy("id")
    .limit(page.limit + 1);
  if (page.cursor) q = q.where("id", ">", page.cursor);
  const rows = await q.execute();
  const channels = await channelsOf(
    ctx.db,
    rows.slice(0, page.limit).map((r) => r.id),
  );
  return toPage(
    rows,
    page.limit,
    (r) => viewOf(r, channels.get(r.id) ?? []),
    (r) => r.id,
  );
}

/** One rule of the organization, or NOT_FOUND. */
export async function getRule(ctx: Ctx, id: string): Promise<RuleView> {
  return loadRule(ctx.db, ctx, id);
}

/** Changes a rule: given fields replace the stored ones (`escalation` as a whole); audited. */
export async function updateRule(ctx: Ctx, id: string, patch: Partial<RuleInput>): Promise<RuleView> {
  return ctx.db.transaction().execute((tx) => changeRule(tx, ctx, id, patch));
}

/** `updateRule` inside the caller's transaction (an upsert by key passes a whole rule). */
export async function changeRule(tx: Db, ctx: Ctx, id: string, patch: Partial<RuleInput>): Promise<RuleView> {
  const current = await loadRule(tx, ctx, id, true);
  const rule = normalize({ ...current, ...definedOnly(patch) });
  checkRule(rule);
  await assertOwnChannels(tx, ctx, rule);
  const now = new Date(ctx.clock.now());
  await tx
    .updateTable("alert_rules")
    .set({ ...columnsOf(rule), updated_at: now })
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id)
    .execute();
  await tx.deleteFrom("alert_rule_channels").where("rule_id", "=", id).execute();
  await writeRuleChannels(tx, ctx, id, rule);
  await audit(tx, ctx, {
    action: "alert_rule.update",
    target: { type: "alert_rule", id },
    summary: { fields: Object.keys(definedOnly(patch)), ...summaryOf(rule) },
  });
  return { id, ...rule, createdAt: current.createdAt, updatedAt: now };
}

export async function deleteRule(ctx: Ctx, id: string): Promise<void> {
  await ctx.db.transaction().execute(async (tx) => {
    const done = await tx
      .deleteFrom("alert_rules")
      .where("organization_id", "=", ctx.organizationId)
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(done.numDeletedRows) === 0) throw new NotFoundError("alert rule", id);
    await audit(tx, ctx, { action: "alert_rule.delete", target: { type: "alert_rule", id } });
  });
}

async function loadRule(db: Db, ctx: Ctx, id: string, lock = false): Promise<RuleView> {
  let q = db
    .selectFrom("alert_rules")
    .selectAll()
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "=", id);
  if (lock) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError("alert rule", id);
  return viewOf(row, (await channelsOf(db, [id])).get(id) ?? []);
}

/** Channel rows of these rules, keyed by rule id, ordered by step then channel id. */
async function channelsOf(db: Db, ruleIds: string[]) {
  const out = new Map<string, Array<{ step: number; channel_id: string }>>();
  if (ruleIds.length === 0) return out;
  const rows = await db
    .selectFrom("alert_rule_channels")
    .select(["rule_id", "step", "channel_id"])
    .where("rule_id", "in", ruleIds)
    .orderBy("step")
    .orderBy("channel_id")
    .execute();
  for (const r of rows) out.set(r.rule_id, [...(out.get(r.rule_id) ?? []), r]);
  return out;
}

function viewOf(r: RuleRow, channels: Array<{ step: number; channel_id: string }>): RuleView {
  const inStep = (step: number) => channels.filter((c) => c.step === step).map((c) => c.channel_id);
  return {
    id: r.id,
    name: r.name,
    tags: r.tags,
    events: r.events,
    channelIds: inStep(0),
    reminderMinutes: r.reminder_minutes,
    escalation: r.escalation_minutes.map((afterMinutes, i) => ({ afterMinutes, channelIds: inStep(i + 1) })),
    enabled: r.enabled,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function normalize(input: RuleInput): RuleInput {
  const unique = (ids: string[]) => [...new Set(ids)].sort();
  return {
    name: input.name,
    tags: [...new Set(input.tags)],
    events: [...new Set(input.events)],
    channelIds: unique(input.channelIds),
    reminderMinutes: input.reminderMinutes,
    escalation: input.escalation.map((s) => ({
      afterMinutes: s.afterMinutes,
      channelIds: unique(s.channelIds),
    })),
    enabled: input.enabled,
  };
}

function definedOnly(patch: Partial<RuleInput>): Partial<RuleInput> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<RuleInput>;
}

/**
 * The rules a rule must keep as a whole (a PATCH may break them even when each field is fine):
 * it sends somewhere, reminders have channels to go to, reminders and escalation follow down
 * alerts, and escalation steps come one after another.
 */
function checkRule(rule: RuleInput): void {
  const errors: FieldIssue[] = [];
  if (rule.channelIds.length === 0 && rule.escalation.length === 0) {
    errors.push({ path: "body.channelIds", message: "give at least one channel or an escalation step" });
  }
  if (rule.reminderMinutes !== null && rule.channelIds.length === 0) {
    errors.push({
      path: "body.channelIds",
      message: "reminders go to the rule's channels: give at least one",
    });
  }
  if ((rule.reminderMinutes !== null || rule.escalation.length > 0) && !rule.events.includes("down")) {
    errors.push({
      path: "body.events",
      message: "reminders and escalation follow down alerts: include down",
    });
  }
  rule.escalation.forEach((step, i) => {
    const before = rule.escalation[i - 1];
    if (before && step.afterMinutes <= before.afterMinutes) {
      errors.push({
        path: `body.escalation.${i}.afterMinutes`,
        message: "must be later than the step before it",
      });
    }
  });
  if (errors.length > 0)
    throw new AppError("VALIDATION", `${errors.length} problem(s) with the rule`, { errors });
}

/** Every channel the rule names must be a channel of this organization; otherwise nothing changes. */
async function assertOwnChannels(tx: Db, ctx: Ctx, rule: RuleInput): Promise<void> {
  const named = [
    ...rule.channelIds.map((id) => ({ id, path: "body.channelIds" })),
    ...rule.escalation.flatMap((s, i) =>
      s.channelIds.map((id) => ({ id, path: `body.escalation.${i}.channelIds` })),
    ),
  ];
  if (named.length === 0) return;
  const found = await tx
    .selectFrom("notification_channels")
    .select("id")
    .where("organization_id", "=", ctx.organizationId)
    .where("id", "in", [...new Set(named.map((n) => n.id))])
    .execute();
  const own = new Set(found.map((f) => f.id));
  const missing = named.filter((n) => !own.has(n.id));
  if (missing.length > 0) {
    throw new AppError("NOT_FOUND", `No channel ${missing[0]!.id} in this organization`, {
      errors: missing.map((m) => ({ path: m.path, message: `no channel ${m.id} in this organization` })),
    });
  }
}

async function writeRuleChannels(tx: Db, ctx: Ctx, ruleId: string, rule: RuleInput): Promise<void> {
  const rows = [rule.channelIds, ...rule.escalation.map((s) => s.channelIds)].flatMap((ids, step) =>
    ids.map((channel_id) => ({ rule_id: ruleId, step, channel_id, organization_id: ctx.organizationId })),
  );
  if (rows.length > 0) await tx.insertInto("alert_rule_channels").values(rows).execute();
}

function columnsOf(rule: RuleInput) {
  return {
    name: rule.name,
    tags: rule.tags,
    events: rule.events,
    reminder_minutes: rule.reminderMinutes,
    escalation_minutes: rule.escalation.map((s) => s.afterMinutes),
    enabled: rule.enabled,
  };
}

function summaryOf(rule: RuleInput) {
  return {
    name: rule.name,
    tags: rule.tags,
    events: rule.events,
    channelIds: rule.channelIds,
    reminderMinutes: rule.reminderMinutes,
    escalation: rule.escalation,
    enabled: rule.enabled,
  };
}
