import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  createStatusIncident,
  deleteStatusIncident,
  getStatusIncident,
  listStatusIncidents,
  publishStatusIncident,
  updateStatusIncident,
} from "../../../services/status-incidents/incidents.ts";
import { STATUS_INCIDENT_LIMITS } from "../../../services/status-incidents/types.ts";
import { addStatusIncidentUpdate } from "../../../services/status-incidents/updates.ts";
import { type ApiDeps, ctxFor } from "../../context.ts";
import { COMMON_ERRORS, Problem } from "../../problem.ts";
import { presentStatusIncident as present } from "./incidents.present.ts";
import {
  AddUpdateBody,
  CreateIncidentBody,
  IncidentParams,
  IncidentResponse,
  ListQuery,
  PageParams,
  UpdateIncidentBody,
} from "./incidents.schemas.ts";

const TAGS = ["status-pages"];
const READ = { auth: { permission: "status-pages:read" as const } };
const WRITE = { auth: { permission: "status-pages:write" as const } };
const BASE = "/status-pages/:id/incidents";

/**
 * Incidents and maintenance announcements on a status page, their timeline of updates, drafts
 * and their publication (docs/status-pages.md, incidents). The public page, its JSON and feeds
 * reflect every change at once.
 */
export function statusIncidentRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      BASE,
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listStatusPageIncidents",
          summary: "A page's incidents and maintenance announcements, drafts included, newest first",
          params: PageParams,
          querystring: ListQuery,
          response: { 200: z.object({ items: z.array(IncidentResponse) }), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const { page, limit, published } = request.query;
        const items = await listStatusIncidents(ctxFor(deps, request), request.params.id, {
          page,
          limit,
          published: published === undefined ? undefined : published === "true",
        });
        return { items: items.map(present) };
      },
    );

    app.post(
      BASE,
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "createStatusPageIncident",
          summary: "Post an incident or announce maintenance",
          description: `\`message\` is the first update (markdown). \`published: false\` keeps it a draft. Components must be on this page. At most ${STATUS_INCIDENT_LIMITS.incidentsPerPage} incidents per page.`,
          params: PageParams,
          body: CreateIncidentBody,
          response: { 201: IncidentResponse, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const incident = await createStatusIncident(ctxFor(deps, request), request.params.id, request.body);
        return reply.status(201).send(present(incident));
      },
    );

    app.get(
      `${BASE}/:incidentId`,
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "getStatusPageIncident",
          summary: "One incident with its timeline",
          params: IncidentParams,
          response: { 200: IncidentResponse, ...COMMON_ERRORS },
        },
      },
      async (request) =>
        present(await getStatusIncident(ctxFor(deps, request), request.params.id, request.params.incidentId)),
    );

    app.patch(
      `${BASE}/:incidentId`,
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "updateStatusPageIncident",
          summary: "Change an incident's title, impact, components, window or postmortem",
          description:
            "The status changes by posting an update. A postmortem is accepted once the incident is resolved (or maintenance completed); `null` removes it.",
          params: IncidentParams,
          body: UpdateIncidentBody,
          response: { 200: IncidentResponse, ...COMMON_ERRORS },
        },
      },
      async (request) =>
        present(
          await updateStatusIncident(
            ctxFor(deps, request),
            request.params.id,
            request.params.incidentId,
            request.body,
          ),
        ),
    );

    app.delete(
      `${BASE}/:incidentId`,
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "deleteStatusPageIncident",
          summary: "Delete an incident and its timeline",
          params: IncidentParams,
          response: { 204: z.null(), ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        await deleteStatusIncident(ctxFor(deps, request), request.params.id, request.params.incidentId);
        return reply.status(204).send(null);
      },
    );

    app.post(
      `${BASE}/:incidentId/publish`,
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "publishStatusPageIncident",
          summary: "Publish a draft (a no-op when already published)",
          params: IncidentParams,
          response: { 200: IncidentResponse, ...COMMON_ERRORS },
        },
      },
      async (request) =>
        present(
          await publishStatusIncident(ctxFor(deps, request), request.params.id, request.params.incidentId),
        ),
    );

    app.get(
      `${BASE}/:incidentId/updates`,
      {
        config: READ,
        schema: {
          tags: TAGS,
          operationId: "listStatusPageIncidentUpdates",
          summary: "An incident's timeline, newest first",
          params: IncidentParams,
          response: { 200: z.object({ items: IncidentResponse.shape.updates }), ...COMMON_ERRORS },
        },
      },
      async (request) => {
        const incident = await getStatusIncident(
          ctxFor(deps, request),
          request.params.id,
          request.params.incidentId,
        );
        return { items: present(incident).updates };
      },
    );

    app.post(
      `${BASE}/:incidentId/updates`,
      {
        config: WRITE,
        schema: {
          tags: TAGS,
          operationId: "createStatusPageIncidentUpdate",
          summary: "Post an update; the incident takes its status",
          description: `Markdown body (at most 10,000 characters). Resolving (\`resolved\`, or \`completed\` for maintenance) may attach a \`postmortem\`. At most ${STATUS_INCIDENT_LIMITS.updatesPerIncident} updates per incident.`,
          params: IncidentParams,
          body: AddUpdateBody,
          response: { 201: IncidentResponse, 429: Problem, ...COMMON_ERRORS },
        },
      },
      async (request, reply) => {
        const incident = await addStatusIncidentUpdate(
          ctxFor(deps, request),
          request.params.id,
          request.params.incidentId,
          request.body,
        );
        return reply.status(201).send(present(incident));
      },
    );
  };
}
