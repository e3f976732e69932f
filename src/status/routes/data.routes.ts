import type { FastifyReply, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { MonitorState } from "../../domain/monitor.ts";
import { AppError } from "../../lib/errors.ts";
import { formatUptime } from "../../services/status-pages/model.ts";
import { publicPageInMemory, readablePage, type StatusDeps } from "../access.ts";
import { type BadgeColor, renderBadge, uptimeColor } from "../badges.ts";
import type { ReadModel } from "../cache.ts";
import {
  BADGE_MAX_AGE_SECONDS,
  etagOf,
  matchesEtag,
  STALE_WHILE_REVALIDATE_SECONDS,
  sendCached,
} from "../http.ts";
import { statusJson, summaryJson } from "../json.ts";
import {
  componentsListJson,
  incidentsListJson,
  maintenancesJson,
  unresolvedIncidentsJson,
} from "../json-lists.ts";
import { Representation } from "../representation.ts";
import { allComponents, componentUptime } from "../view.ts";
import { Slug } from "./pages.routes.ts";

const BadgeParams = z.object({ monitorId: z.string().min(1).max(40) });

/** The badge value and colour of each state. */
const STATUS_BADGES: Record<MonitorState, { value: string; color: BadgeColor }> = {
  up: { value: "up", color: "brightgreen" },
  degraded: { value: "degraded", color: "yellow" },
  affected: { value: "partial outage", color: "orange" },
  down: { value: "down", color: "red" },
  maintenance: { value: "maintenance", color: "blue" },
  pending: { value: "no data", color: "grey" },
  paused: { value: "paused", color: "grey" },
};

/** One answer for "no such monitor" and "not on a public page", so a badge reveals nothing. */
function noBadge(): AppError {
  return new AppError("NOT_FOUND", "No badge for this monitor");
}

/**
 * The page as Statuspage-shaped JSON and the monitors' SVG badges. Errors are problem+json.
 * JSON of public pages is readable from any origin (widgets); of other pages only with access.
 */
export function statusDataRoutes(deps: StatusDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const json = (name: string, render: (m: ReadModel) => unknown) => {
      const answer = (model: ReadModel, reply: FastifyReply) => {
        const body = () => new Representation(JSON.stringify(render(model)));
        const representation = model.memo(`json:${name}`, body);
        if (model.snapshot.page.visibility === "public") reply.header("access-control-allow-origin", "*");
        return sendCached(reply.request, reply, {
          representation,
          visibility: model.snapshot.page.visibility,
          type: "application/json; charset=utf-8",
        });
      };
      app.get(
        `/status/:slug/api/v2/${name}.json`,
        {
          config: { auth: "public" },
          schema: {
            tags: ["public"],
            operationId: `getStatus${name === "status" ? "" : pascal(name)}Json`,
            summary: `A status page's ${name.replace("/", ", ")} as Statuspage-shaped JSON`,
            params: Slug,
          },
        },
        (request, reply) => {
          // A public page fresh in memory is answered synchronously, without a promise (the hot path).
          const inMemory = publicPageInMemory(deps, request.params.slug);
          if (!inMemory)
            return readablePage(deps, request, request.params.slug).then((model) => answer(model, reply));
          answer(inMemory, reply);
        },
      );
    };
    json("summary", (m) => summaryJson(m.snapshot, deps.publicUrl));
    json("status", (m) => statusJson(m.snapshot, deps.publicUrl));
    json("components", (m) => componentsListJson(m.snapshot, deps.publicUrl));
    json("incidents", (m) => incidentsListJson(m.snapshot, deps.publicUrl));
    json("incidents/unresolved", (m) => unresolvedIncidentsJson(m.snapshot, deps.publicUrl));
    for (const list of ["all", "upcoming", "active"] as const) {
      const name = list === "all" ? "scheduled-maintenances" : `scheduled-maintenances/${list}`;
      json(name, (m) => maintenancesJson(m.snapshot, deps.publicUrl, list));
    }

    app.get(
      "/badge/:monitorId/status.svg",
      {
        config: { auth: "public" },
        schema: {
          tags: ["public"],
          operationId: "getStatusBadge",
          summary: "A badge with the state of a monitor shown on a public page",
          params: BadgeParams,
        },
      },
      async (request, reply) => {
        const { model, component } = await badgeSubject(deps, request.params.monitorId);
        const badge = STATUS_BADGES[component.state];
        return sendBadge(request, reply, model, `status:${component.id}`, () =>
          renderBadge(component.name, badge.value, badge.color),
        );
      },
    );

    app.get(
      "/badge/:monitorId/uptime-30d.svg",
      {
        config: { auth: "public" },
        schema: {
          tags: ["public"],
          operationId: "getUptimeBadge",
          summary: "A badge with the 30-day uptime of a monitor shown on a public page",
          params: BadgeParams,
        },
      },
      async (request, reply) => {
        const { model, component } = await badgeSubject(deps, request.params.monitorId);
        const uptime = componentUptime(component, 30);
        return sendBadge(request, reply, model, `uptime:${component.id}`, () =>
          renderBadge("uptime 30d", formatUptime(uptime).toLowerCase(), uptimeColor(uptime)),
        );
      },
    );
  };
}

/** "incidents/unresolved" → "IncidentsUnresolved", for operationIds. */
const pascal = (name: string) =>
  name
    .split(/[-/]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");

/** The public page and component a badge describes; the same NOT_FOUND for every other case. */
async function badgeSubject(deps: StatusDeps, monitorId: string) {
  const model = await deps.cache.publicPageShowing(monitorId);
  const component = model && allComponents(model.snapshot).find((c) => c.id === monitorId);
  if (!model || !component) throw noBadge();
  return { model, component };
}

function sendBadge(
  request: FastifyRequest,
  reply: FastifyReply,
  model: ReadModel,
  key: string,
  render: () => string,
) {
  const badge = model.memo(`badge:${key}`, () => {
    const body = render();
    return { body, etag: etagOf(body) };
  });
  reply.headers({
    "cache-control": `public, max-age=${BADGE_MAX_AGE_SECONDS}, stale-while-revalidate=${STALE_WHILE_REVALIDATE_SECONDS}`,
    etag: badge.etag,
    "content-security-policy": "default-src 'none'",
    "access-control-allow-origin": "*",
  });
  if (matchesEtag(request, badge.etag)) return reply.status(304).send();
  return reply.status(200).type("image/svg+xml; charset=utf-8").send(badge.body);
}
