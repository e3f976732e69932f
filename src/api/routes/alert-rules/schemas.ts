import { z } from "zod";
import { CHANNEL_EVENTS } from "../../../services/alerts/channels.ts";
import {
  ESCALATION_MINUTES,
  MAX_CHANNELS_PER_SET,
  MAX_ESCALATION_STEPS,
  REMINDER_MINUTES,
  type RuleView,
} from "../../../services/alerts/rules.ts";
import { safeText } from "../../text.ts";

/** Same limits as a monitor's tags, since rules match them. */
const TAGS_MAX = 20;
const TAG_CHARS = 50;

const ChannelIds = z.array(z.string().max(40)).max(MAX_CHANNELS_PER_SET);
const Events = z.array(z.enum(CHANNEL_EVENTS)).min(1).max(CHANNEL_EVENTS.length);
const Tags = z
  .array(safeText(TAG_CHARS))
  .max(TAGS_MAX)
  .meta({ description: "Monitors having ANY of these tags (exact match); empty: every monitor" });
const ReminderMinutes = z
  .number()
  .int()
  .min(REMINDER_MINUTES.min)
  .max(REMINDER_MINUTES.max)
  .nullable()
  .meta({ description: "Re-send a reminder to the rule's channels every N minutes until acknowledged" });
const Escalation = z
  .array(
    z.strictObject({
      afterMinutes: z.number().int().min(ESCALATION_MINUTES.min).max(ESCALATION_MINUTES.max),
      channelIds: ChannelIds.min(1),
    }),
  )
  .max(MAX_ESCALATION_STEPS)
  .meta({
    description: "If not acknowledged within afterMinutes of opening, send the down alert to these channels",
  });

export const Id = z.object({ id: z.string().max(40) });

export const CreateRuleBody = z.strictObject({
  name: safeText(100),
  tags: Tags.default([]),
  events: Events.default(["down", "up"]),
  channelIds: ChannelIds.default([]),
  reminderMinutes: ReminderMinutes.default(null),
  escalation: Escalation.default([]),
  enabled: z.boolean().default(true),
});

export const UpdateRuleBody = z.strictObject({
  name: safeText(100).optional(),
  tags: Tags.optional(),
  events: Events.optional(),
  channelIds: ChannelIds.optional(),
  reminderMinutes: ReminderMinutes.optional(),
  escalation: Escalation.optional(),
  enabled: z.boolean().optional(),
});

export const RuleResponse = z
  .object({
    id: z.string(),
    name: z.string(),
    tags: z.array(z.string()),
    events: z.array(z.string()),
    channelIds: z.array(z.string()),
    reminderMinutes: z.number().nullable(),
    escalation: z.array(z.object({ afterMinutes: z.number(), channelIds: z.array(z.string()) })),
    enabled: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "AlertRule" });

export const presentRule = (r: RuleView) => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});
