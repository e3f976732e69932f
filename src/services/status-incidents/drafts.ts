import { newId } from "../../lib/ids.ts";
import type { JobPayloads } from "../../queue/catalog.ts";
import type { Db } from "../../storage/db.ts";
import { audit } from "../audit/record.ts";
import type { Ctx, Runtime } from "../context.ts";
import { announcePageChange, insertUpdate } from "./incidents.ts";
import { setComponents } from "./store.ts";
import type { Impact, StatusIncidentStatus } from "./types.ts";

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

/** How much worse each impact is; a growing draft's impact only rises. */
const IMPACT_RANK: Record<Impact, number> = { none: 0, minor: 1, major: 2, critical: 3 };

/** The title a draft is given (and keeps while nobody changed it). */
function draftTitle(impact: Impact, names: string[]): string {
  return `${impact === "critical" ? "Major outage" : "Partial outage"}: ${names.join(", ")}`;
}

/**
 * When a monitor incident opens, prepares the draft status-page incident of every page of the
 * organization that shows the monitor: its components that are down now (the monitor first) and
 * the impact filled in. **One outage episode on a page is one draft**: while the page has an
 * open (unresolved) draft prepared from monitor incidents, published or not, a further monitor
 * going down adds its component to that draft and raises its impact instead of preparing another.
 * Pages with `autoPublish` get a new draft published at once. Idempotent: a page gets at most
 * one draft per monitor incident, and a monitor already in the open draft changes nothing,
 * however often the job runs. A change whose monitor no page showed when it opened
 * (`onStatusPage: false`) is done at once. Returns the drafts made or grown.
 */
export async function prepareStatusDrafts(rt: Runtime, change: IncidentChange): Promise<string[]> {
  if (change.change !== "opened" || change.onStatusPage === false) return [];
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
    // The page's row lock serialises drafts of one page: two monitors failing at once cannot
    // both miss the open draft and prepare two.
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
    const known = await tx
      .selectFrom("status_incidents")
      .select("id")
      .where("page_id", "=", pageId)
      .where("monitor_incident_id", "=", change.incidentId)
      .executeTakeFirst();
    if (known) return undefined;
    const affected = [subject, ...components.filter((c) => c !== subject && c.state === "down")];
    const impact = draftImpact(components.map((c) => (c === subject ? "down" : c.state)));
    const open = await tx
      .selectFrom("status_incidents")
      .select(["id", "title", "impact", "status"])
      .where("page_id", "=", pageId)
      .where("organization_id", "=", ctx.organizationId)
      .where("kind", "=", "incident")
      .where("monitor_incident_id", "is not", null)
      .where("resolved_at", "is", null)
      .where("status", "!=", "resolved")
      .orderBy("created_at", "desc")
      .limit(1)
      .executeTakeFirst();
    if (open) {
      const status = open.status as StatusIncidentStatus;
      return growDraft(tx, ctx, pageId, { ...open, status }, components, affected, impact, change);
    }

    const now = new Date(ctx.clock.now());
    const id = newId("spi", now.getTime());
    const names = affected.map((c) => c.display_name);
    const inserted = await tx
      .insertInto("status_incidents")
      .values({
        id,
        organization_id: ctx.organizationId,
        page_id: pageId,
        kind: "incident",
        title: draftTitle(impact, names),
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
    await insertUpdate(
      tx,
      ctx,
      id,
      "investigating",
      `We are investigating problems with ${names.join(", ")}.`,
      now,
    );
    await audit(tx, ctx, {
      action: page.auto_publish ? "status_incident.auto_publish" : "status_incident.draft",
      target: { type: "status_incident", id },
      summary: { pageId, monitorIncidentId: change.incidentId, impact, components: affected.length },
    });
    return id;
  });
}

/**
 * Grows the page's open draft with the components that failed since (page order kept), raises
 * its impact, and renames it when its title is still the one it was given. Nothing changes (and
 * undefined is returned) when every failing component is in it already at that impact.
 */
async function growDraft(
  tx: Db,
  ctx: Ctx,
  pageId: string,
  open: { id: string; title: string; impact: Impact; status: StatusIncidentStatus },
  components: PageComponent[],
  affected: PageComponent[],
  impact: Impact,
  change: IncidentChange,
): Promise<string | undefined> {
  const had = await tx
    .selectFrom("status_incident_components")
    .select("monitor_id")
    .where("incident_id", "=", open.id)
    .execute();
  const inDraft = new Set(had.map((r) => r.monitor_id));
  const added = affected.filter((c) => !inDraft.has(c.monitor_id));
  const raised = IMPACT_RANK[impact] > IMPACT_RANK[open.impact] ? impact : open.impact;
  if (added.length === 0 && raised === open.impact) return undefined;
  for (const c of added) inDraft.add(c.monitor_id);
  const now = new Date(ctx.clock.now());
  const shown = components.filter((c) => inDraft.has(c.monitor_id));
  const oldTitle = draftTitle(
    open.impact,
    shown.filter((c) => !added.includes(c)).map((c) => c.display_name),
  );
  await tx
    .updateTable("status_incidents")
    .set({
      impact: raised,
      ...(open.title === oldTitle
        ? {
            title: draftTitle(
              raised,
              shown.map((c) => c.display_name),
            ),
          }
        : {}),
      updated_at: now,
    })
    .where("id", "=", open.id)
    .execute();
  await setComponents(
    tx,
    ctx,
    pageId,
    open.id,
    shown.map((c) => c.monitor_id),
  );
  if (added.length > 0) {
    const names = added.map((c) => c.display_name).join(", ");
    await insertUpdate(
      tx,
      ctx,
      open.id,
      open.status,
      `${names} ${added.length === 1 ? "is" : "are"} affected too.`,
      now,
    );
  }
  await audit(tx, ctx, {
    action: "status_incident.draft_grown",
    target: { type: "status_incident", id: open.id },
    summary: { pageId, monitorIncidentId: change.incidentId, impact: raised, added: added.length },
  });
  return open.id;
}
