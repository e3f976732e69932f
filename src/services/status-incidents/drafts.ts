import { newId } from "../../lib/ids.ts";
import type { JobPayloads } from "../../queue/catalog.ts";
import { audit } from "../audit/record.ts";
import type { Ctx, Runtime } from "../context.ts";
import { announcePageChange, insertUpdate } from "./incidents.ts";
import { setComponents } from "./store.ts";
import type { Impact } from "./types.ts";

type IncidentChange = JobPayloads["incident.changed"];

interface PageComponent {
  page_id: string;
  monitor_id: string;
  display_name: string;
  state: string;
}

/**
 * Impact of a draft: a major outage when every component of the page is down, else a partial
 * outage. Pure, so the rule is tested on its own.
 */
export function draftImpact(states: string[]): Impact {
  return states.length > 0 && states.every((s) => s === "down") ? "critical" : "major";
}

/**
 * When a monitor incident opens, prepares one draft status-page incident on every page of the
 * organization that shows the monitor: its components that are down now (the monitor first) and
 * the impact filled in. Pages with `autoPublish` get it published at once. Idempotent: a page
 * gets at most one draft per monitor incident, however often the job runs. Returns the drafts made.
 */
export async function prepareStatusDrafts(rt: Runtime, change: IncidentChange): Promise<string[]> {
  if (change.change !== "opened") return [];
  const ctx: Ctx = { ...rt, organizationId: change.organizationId, actor: { kind: "system" } };
  const pages = await rt.db
    .selectFrom("status_page_components")
    .select("page_id")
    .where("organization_id", "=", change.organizationId)
    .where("monitor_id", "=", change.monitorId)
    .execute();
  const made: string[] = [];
  for (const { page_id } of pages) {
    const id = await prepareDraft(ctx, page_id, change);
    if (id) {
      made.push(id);
      announcePageChange(ctx, page_id);
    }
  }
  return made;
}

async function prepareDraft(ctx: Ctx, pageId: string, change: IncidentChange): Promise<string | undefined> {
  return ctx.db.transaction().execute(async (tx) => {
    const page = await tx
      .selectFrom("status_pages")
      .select(["id", "auto_publish"])
      .where("id", "=", pageId)
      .where("organization_id", "=", ctx.organizationId)
      .forUpdate()
      .executeTakeFirst();
    if (!page) return undefined;
    const components: PageComponent[] = await tx
      .selectFrom("status_page_components as c")
      .innerJoin("monitor_state as s", "s.monitor_id", "c.monitor_id")
      .select(["c.page_id", "c.monitor_id", "c.display_name", "s.state"])
      .where("c.page_id", "=", pageId)
      .where("c.organization_id", "=", ctx.organizationId)
      .orderBy("c.position")
      .execute();
    const subject = components.find((c) => c.monitor_id === change.monitorId);
    if (!subject) return undefined;
    const affected = [subject, ...components.filter((c) => c !== subject && c.state === "down")];
    const impact = draftImpact(components.map((c) => (c === subject ? "down" : c.state)));
    const now = new Date(ctx.clock.now());
    const id = newId("spi", now.getTime());
    const names = affected.map((c) => c.display_name).join(", ");
    const inserted = await tx
      .insertInto("status_incidents")
      .values({
        id,
        organization_id: ctx.organizationId,
        page_id: pageId,
        kind: "incident",
        title: impact === "critical" ? `Major outage: ${names}` : `Partial outage: ${names}`,
        status: "investigating",
        impact,
        published: page.auto_publish,
        published_at: page.auto_publish ? now : null,
        monitor_incident_id: change.incidentId,
        scheduled_for: null,
        scheduled_until: null,
        postmortem: null,
        created_at: now,
        updated_at: now,
        resolved_at: null,
      })
      .onConflict((oc) => oc.columns(["page_id", "monitor_incident_id"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return undefined;
    await setComponents(
      tx,
      ctx,
      pageId,
      id,
      affected.map((c) => c.monitor_id),
    );
    await insertUpdate(tx, ctx, id, "investigating", `We are investigating problems with ${names}.`, now);
    await audit(tx, ctx, {
      action: page.auto_publish ? "status_incident.auto_publish" : "status_incident.draft",
      target: { type: "status_incident", id },
      summary: { pageId, monitorIncidentId: change.incidentId, impact, components: affected.length },
    });
    return id;
  });
}
