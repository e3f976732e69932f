import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { INCIDENT_NOTES_PER_INCIDENT } from "../../../domain/incident-workflow.ts";
import { addIncidentNote } from "../../../services/incidents/add-note.ts";
import { listIncidentNotes } from "../../../services/incidents/list-notes.ts";
import { openStatusPageIncident } from "../../../services/incidents/open-status-page-incident.ts";
import { getIncident } from "../../../services/incidents/query.ts";
import { incidentTimeline, TIMELINE_CAP } from "../../../services/incidents/timeline.ts";
import { updateIncident } from "../../../services/incidents/update.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { presentStatusIncident } from "../status-pages/incidents.present.ts";
import { IncidentResponse } from "../status-pages/incidents.schemas.ts";
import { presentIncidentDetail, presentNote, presentTimelineItem } from "./incidents.present.ts";
import {
  IncidentDetail,
  IncidentParams,
  Note,
  NoteBody,
  PatchIncidentBody,
  StatusPageIncidentBody,
  TimelineItem,
} from "./incidents.schemas.ts";

const TAGS = ["incidents"];
const READ = { auth: { permission: "incidents:read" as const } };
const WRITE = { auth: { permission: "incidents:write" as const } };

/**
 * Incidents as a workflow (docs/incidents.md): detail, the people's changes (assignee, workflow
 * status, postmortem), notes, the merged timeline, and a status-page draft prefilled from one.
 */
export function incidentRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/incidents/:id",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "getIncident",
          summary: "An incident: monitor, status, assignee, acknowledgement, postmortem, state changes",
          params: IncidentParams,
          response: { 200: IncidentDetail, ...COMMON_ERRORS },
        },
      },
      async (request) => presentIncidentDetail(await getIncident(ctxFor(deps, request), request.params.id)),
    );

    app.patch(
      "/incidents/:id",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "updateIncident",
          summary: "Assign an incident, set its workflow status, write its postmortem",
          description:
            "`assigneeId`: a member of the organization or null (400 naming `body.assigneeId` otherwise). `workflowStatus`: investigating, identified and monitoring move freely among themselves and to resolved; resolved is final (409). `postmortem`: markdown, accepted once the incident is resolved or in the request that resolves it (409 otherwise). The monitor's lifecycle (`status`) is not changed: it stays open until the monitor recovers. Each change appears on the timeline and in the audit log.",
          params: IncidentParams,
          body: PatchIncidentBody,
          response: { 200: IncidentDetail, 409: Problem, ...COMMON_ERRORS },
        },
      },
      async (request) =>
        presentIncidentDetail(await updateIncident(ctxFor(deps, request), request.params.id, request.body)),
    );

    app.get(
      "/incidents/:id/timeline",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "getIncidentTimeline",
          summary: "An incident's timeline: what happened on its own and what people did, oldest first",
          description: `Each item has a \`kind\`: opened, state, region_failing, region_recovered, dependent_affected, notification, acknowledged, resolved (automatic, the monitor recovered), note, workflow_status, assignee, postmortem, status_page_incident. At most ${TIMELINE_CAP} notifications and ${TIMELINE_CAP} people's entries; \`truncated\` says when more exist.`,
          params: IncidentParams,
          response: {
            200: z.object({ incidentId: z.string(), items: z.array(TimelineItem), truncated: z.boolean() }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request) => {
        const timeline = await incidentTimeline(ctxFor(deps, request), request.params.id);
        return {
          incidentId: request.params.id,
          items: timeline.items.map(presentTimelineItem),
          truncated: timeline.truncated,
        };
      },
    );

    app.get(
      "/incidents/:id/notes",
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listIncidentNotes",
          summary: "An incident's notes, oldest first",
          params: IncidentParams,
          response: { 200: z.object({ items: z.array(Note) }), ...COMMON_ERRORS },
        },
      },
      async (request) => ({
        items: (await listIncidentNotes(ctxFor(deps, request), request.params.id)).map(presentNote),
      }),
    );

    app.post(
      "/incidents/:id/notes",
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "addIncidentNote",
          summary: "Add a note (markdown) to an incident's timeline",
          description: `The answer carries the markdown as written and its sanitised HTML. At most ${INCIDENT_NOTES_PER_INCIDENT} notes per incident (429).`,
          params: IncidentParams,
          body: NoteBody,
          response: { 201: Note, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const note = await addIncidentNote(ctxFor(deps, request), request.params.id, request.body.body);
        return reply.status(201).send(presentNote(note));
      },
    );

    app.post(
      "/incidents/:id/status-page-incident",
      {
        config: { auth: { permission: "status-pages:write" as const } },
        schema: {
          tags: TAGS,
          operationId: "draftStatusPageIncident",
          summary: "Open a draft status-page incident prefilled from this incident",
          description:
            "A DRAFT (unpublished) incident on the page: title, the page's components for the monitor and its affected dependents, impact, and a first update in the incident's workflow status, worded with the page's display names. 201 with the new draft; 200 with the existing one when the page already has one made from this incident (e.g. prepared automatically when it opened). Publish it with `POST /status-pages/{pageId}/incidents/{id}/publish`. Needs `incidents:read` too.",
          params: IncidentParams,
          body: StatusPageIncidentBody,
          response: {
            200: z.object({ id: z.string(), created: z.boolean(), statusIncident: IncidentResponse }),
            201: z.object({ id: z.string(), created: z.boolean(), statusIncident: IncidentResponse }),
            ...COMMON_ERRORS,
          },
        },
      },
      async (request, reply) => {
        const { statusIncident, created } = await openStatusPageIncident(
          ctxFor(deps, request),
          request.params.id,
          request.body.statusPageId,
        );
        return reply
          .status(created ? 201 : 200)
          .send({ id: statusIncident.id, created, statusIncident: presentStatusIncident(statusIncident) });
      },
    );
  };
}
