import { z } from "zod";
import { MARKDOWN_MAX } from "../../../services/status-incidents/markdown.ts";
import {
  ALL_STATUSES,
  IMPACTS,
  INCIDENT_KINDS,
  STATUS_INCIDENT_LIMITS,
} from "../../../services/status-incidents/types.ts";
import { safeText } from "../../text.ts";

/**
 * Status-page incident schemas (docs/status-pages.md, incidents). Which statuses fit which kind,
 * the page's components and the postmortem rule are checked by the service.
 */
/** `:id` is the page (like every status-page route, so the router sees one parameter name there). */
export const IncidentParams = z.object({ id: z.string().max(40), incidentId: z.string().max(40) });
export const PageParams = z.object({ id: z.string().max(40) });

/** Markdown may span lines; only NUL and bidi overrides are refused. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing NUL is the point.
const MARKDOWN_UNSAFE = /[\u0000\u202a-\u202e\u2066-\u2069]/;
export const Markdown = z
  .string()
  .min(1)
  .max(MARKDOWN_MAX)
  .refine((s) => !MARKDOWN_UNSAFE.test(s), "must not contain NUL or bidi control characters")
  .meta({ description: `Markdown, at most ${MARKDOWN_MAX} characters; rendered and sanitised on the page` });

const When = z.iso.datetime({ offset: true });
const Status = z.enum(ALL_STATUSES).meta({
  description:
    "Incidents: investigating, identified, monitoring, resolved. Maintenance: scheduled, in_progress, completed",
});
const Impact = z.enum(IMPACTS).meta({
  description: "none, minor (degraded performance), major (partial outage), critical (major outage)",
});
const ComponentIds = z
  .array(z.string().min(1).max(40))
  .max(100)
  .meta({ description: "Affected components: monitor ids of components of this page" });

export const CreateIncidentBody = z.strictObject({
  kind: z.enum(INCIDENT_KINDS).default("incident"),
  title: safeText(STATUS_INCIDENT_LIMITS.titleMax),
  status: Status.optional(),
  impact: Impact.default("none"),
  componentIds: ComponentIds.default([]),
  message: Markdown,
  published: z.boolean().default(true),
  scheduledFor: When.nullable().optional(),
  scheduledUntil: When.nullable().optional(),
});

export const UpdateIncidentBody = z.strictObject({
  title: safeText(STATUS_INCIDENT_LIMITS.titleMax).optional(),
  impact: Impact.optional(),
  componentIds: ComponentIds.optional(),
  scheduledFor: When.nullable().optional(),
  scheduledUntil: When.nullable().optional(),
  postmortem: Markdown.nullable().optional(),
});

export const AddUpdateBody = z.strictObject({
  status: Status,
  body: Markdown,
  postmortem: Markdown.optional(),
});

export const ListQuery = z.object({
  page: z.coerce.number().int().min(1).max(1_000).default(1),
  limit: z.coerce.number().int().min(1).max(STATUS_INCIDENT_LIMITS.listPageSize).default(20),
  published: z.enum(["true", "false"]).optional(),
});

const UpdateOut = z.object({
  id: z.string(),
  status: Status,
  body: z.string(),
  html: z.string().meta({ description: "The body as the page shows it (sanitised HTML)" }),
  createdAt: z.string(),
});

export const IncidentResponse = z
  .object({
    id: z.string(),
    pageId: z.string(),
    kind: z.enum(INCIDENT_KINDS),
    title: z.string(),
    status: Status,
    impact: Impact,
    published: z.boolean(),
    publishedAt: z.string().nullable(),
    monitorIncidentId: z.string().nullable(),
    componentIds: z.array(z.string()),
    scheduledFor: z.string().nullable(),
    scheduledUntil: z.string().nullable(),
    postmortem: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().nullable(),
    updates: z.array(UpdateOut),
  })
  .meta({ id: "StatusIncident" });
