import { z } from "zod";
import { WORKFLOW_STATUSES } from "../../../domain/incident-workflow.ts";
import { Markdown } from "../status-pages/incidents.schemas.ts";
import { AcknowledgedBy } from "./acknowledge.routes.ts";

/** Monitor incidents: their item in lists, their detail, timeline and notes (docs/incidents.md). */
export const IncidentParams = z.object({ id: z.string().max(40) });

const WorkflowStatus = z.enum(WORKFLOW_STATUSES).meta({
  description:
    "Set by people: investigating, identified, monitoring, resolved. The monitor's recovery sets resolved on its own",
});

/** What each region saw in the slot a quorum decided (docs/regions.md). */
const RegionsSeen = z.record(z.string(), z.string()).nullable().meta({
  description:
    "Monitors of several regions: what each region saw (up, degraded, down or unknown: silent or late) in the slot whose quorum made this. null for one region.",
});

export const IncidentItem = z
  .object({
    id: z.string(),
    monitorId: z.string(),
    status: z.enum(["open", "resolved"]).meta({
      description: "The lifecycle: open while the monitor is down, resolved once it recovered (automatic)",
    }),
    workflowStatus: WorkflowStatus,
    assigneeId: z.string().nullable(),
    cause: z.string().nullable(),
    startedAt: z.string(),
    resolvedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    regions: RegionsSeen,
  })
  .meta({ id: "Incident" });

export const EventItem = z
  .object({
    id: z.string(),
    monitorId: z.string(),
    from: z.string(),
    to: z.string(),
    reason: z.string().nullable(),
    incidentId: z.string().nullable(),
    at: z.string(),
    regions: RegionsSeen,
  })
  .meta({ id: "MonitorEvent" });

/** A monitor that went `affected` (its failure suppressed) while this incident was open. */
const AffectedDependent = z
  .object({ monitorId: z.string(), name: z.string(), since: z.string() })
  .meta({ id: "AffectedDependent" });

const Person = z
  .object({ id: z.string(), name: z.string(), email: z.string() })
  .meta({ id: "IncidentAssignee" });

export const Actor = z
  .object({
    type: z.enum(["user", "apiKey", "system"]),
    id: z.string().nullable(),
    name: z.string().meta({ description: 'In words: a name, "API key <name>" or "Upblit"' }),
  })
  .meta({ id: "IncidentActor" });

export const IncidentDetail = IncidentItem.extend({
  monitor: z.object({ id: z.string(), name: z.string(), type: z.string(), state: z.string() }),
  workflowResolvedBy: z.enum(["person", "monitor"]).nullable().meta({
    description: "Who set workflowStatus to resolved: a person, or the monitor's recovery (automatic)",
  }),
  assignee: Person.nullable().meta({ description: "Shown while they are a member of the organization" }),
  postmortem: z.string().nullable().meta({ description: "Markdown as written" }),
  postmortemHtml: z.string().nullable().meta({ description: "The postmortem rendered and sanitised" }),
  updatedAt: z.string().nullable(),
  acknowledgement: z.object({ at: z.string(), by: AcknowledgedBy, note: z.string().nullable() }).nullable(),
  statusPageIncidents: z.array(z.object({ id: z.string(), pageId: z.string(), published: z.boolean() })),
  timeline: z
    .array(EventItem)
    .meta({ description: "The monitor's state changes; see /timeline for everything" }),
  affectedDependents: z.array(AffectedDependent),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: AcknowledgedBy.nullable(),
  acknowledgeNote: z.string().nullable(),
}).meta({ id: "IncidentDetail" });

export const PatchIncidentBody = z
  .strictObject({
    assigneeId: z.string().min(1).max(40).nullable().optional().meta({ description: "A member, or null" }),
    workflowStatus: WorkflowStatus.optional(),
    postmortem: Markdown.nullable().optional().meta({
      description:
        "Markdown; only when workflowStatus is (or becomes in this request) resolved; null removes it",
    }),
  })
  .refine((b) => Object.keys(b).length > 0, "name at least one of assigneeId, workflowStatus, postmortem");

export const NoteBody = z.strictObject({ body: Markdown });

export const Note = z
  .object({
    id: z.string(),
    incidentId: z.string(),
    at: z.string(),
    by: Actor,
    body: z.string().meta({ description: "Markdown as written" }),
    html: z.string().meta({ description: "The body rendered and sanitised" }),
  })
  .meta({ id: "IncidentNote" });

const at = z.string();
const Ref = z.object({ id: z.string(), name: z.string().nullable() });

/** One timeline entry; `kind` tells which. Entries without `by` happened on their own. */
export const TimelineItem = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("opened"), at, cause: z.string().nullable() }),
    z.object({
      kind: z.literal("state"),
      at,
      from: z.string(),
      to: z.string(),
      reason: z.string().nullable(),
    }),
    z.object({
      kind: z.literal("region_failing"),
      at,
      region: z.string(),
      status: z.string(),
      error: z.string().nullable(),
    }),
    z.object({ kind: z.literal("region_recovered"), at, region: z.string() }),
    z.object({ kind: z.literal("dependent_affected"), at, monitorId: z.string(), name: z.string() }),
    z.object({
      kind: z.literal("notification"),
      at,
      notificationId: z.string(),
      event: z.string(),
      channel: z.object({ id: z.string(), name: z.string(), kind: z.string() }),
      status: z.enum(["pending", "sending", "sent", "failed"]),
      attempts: z.number(),
      sentAt: z.string().nullable(),
      lastError: z.string().nullable(),
    }),
    z.object({ kind: z.literal("acknowledged"), at, by: AcknowledgedBy, note: z.string().nullable() }),
    z.object({ kind: z.literal("resolved"), at, automatic: z.literal(true), reason: z.string().nullable() }),
    z.object({ kind: z.literal("note"), at, id: z.string(), by: Actor, body: z.string(), html: z.string() }),
    z.object({ kind: z.literal("workflow_status"), at, by: Actor, from: z.string(), to: z.string() }),
    z.object({ kind: z.literal("assignee"), at, by: Actor, from: Ref.nullable(), to: Ref.nullable() }),
    z.object({ kind: z.literal("postmortem"), at, by: Actor, action: z.string() }),
    z.object({
      kind: z.literal("status_page_incident"),
      at,
      statusIncidentId: z.string(),
      pageId: z.string(),
      published: z.boolean(),
    }),
  ])
  .meta({ id: "IncidentTimelineItem" });

export const StatusPageIncidentBody = z.strictObject({ statusPageId: z.string().min(1).max(40) });
