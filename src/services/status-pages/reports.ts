import { coveredMs, mergeSpans, type ReportPeriod, type Span } from "../../domain/report-period.ts";
import { AppError } from "../../lib/errors.ts";
import type { UptimeCounts } from "../../storage/repos/rollups.repo.ts";
import type { Ctx } from "../context.ts";
import { maintenanceBetween } from "../maintenance/between.ts";
import { uptimeRatio } from "./model.ts";
import { getStatusPage } from "./pages.ts";
import { countsOutside } from "./report-counts.ts";

const MINUTE = 60_000;
/** Incidents read per report at most, so a flapping monitor cannot make a report unbounded. */
const MAX_INCIDENTS = 50_000;

/** One component's figures over the period, maintenance left out. */
export interface ComponentReport {
  monitorId: string;
  name: string;
  group: string;
  /** (up + degraded) / (up + degraded + down) × 100, null without a judged check. */
  uptimePercent: number | null;
  checks: number;
  up: number;
  degraded: number;
  down: number;
  /** Minutes the component was in an open incident, outside maintenance. */
  downMinutes: number;
  /** Incidents open at any time in the period. */
  incidents: number;
  /** Minutes of maintenance covering the component in the period. */
  maintenanceMinutes: number;
}

export interface PageReport {
  pageId: string;
  period: string;
  from: Date;
  /** The period's end, or now for the current period. */
  until: Date;
  components: ComponentReport[];
}

const ZERO: UptimeCounts = { checks: 0, up: 0, degraded: 0, down: 0 };

/**
 * Monthly or yearly SLA figures of every component of a page (docs/status-pages.md, "SLA reports"):
 * checks and uptime outside the maintenance that covered each component, minutes in an incident
 * outside maintenance, and incidents. Raw results are used where they are kept; where only hourly
 * rollups remain, an hour that overlaps maintenance is left out whole.
 */
export async function pageReport(ctx: Ctx, pageId: string, period: ReportPeriod): Promise<PageReport> {
  const page = await getStatusPage(ctx, pageId);
  const now = ctx.clock.now();
  if (period.fromMs >= now) {
    throw new AppError("VALIDATION", "This period has not started yet", {
      errors: [{ path: "querystring.period", message: "must not be in the future" }],
    });
  }
  const from = period.fromMs;
  const until = Math.min(period.untilMs, now);
  const components = page.groups.flatMap((g) => g.components.map((c) => ({ ...c, group: g.name })));
  const ids = components.map((c) => c.monitorId);
  const maintenance = await maintenanceSpans(ctx, ids, from, until);
  const counts = await countsOutside(ctx.db, ids, from, until, maintenance);
  const incidents = await incidentSpans(ctx, ids, from, until);
  return {
    pageId,
    period: period.label,
    from: new Date(from),
    until: new Date(until),
    components: components.map((c) => {
      const spans = maintenance.get(c.monitorId) ?? [];
      const total = counts.get(c.monitorId) ?? ZERO;
      const ratio = uptimeRatio(total);
      const own = incidents.get(c.monitorId) ?? [];
      const downMs = own.reduce((sum, s) => sum + (s.end - s.start) - coveredMs(spans, s.start, s.end), 0);
      return {
        monitorId: c.monitorId,
        name: c.displayName,
        group: c.group,
        uptimePercent: ratio === null ? null : Math.round(ratio * 100 * 10_000) / 10_000,
        ...total,
        downMinutes: Math.round((downMs / MINUTE) * 10) / 10,
        incidents: own.length,
        maintenanceMinutes: Math.round((coveredMs(spans, from, until) / MINUTE) * 10) / 10,
      };
    }),
  };
}

/** Each monitor's maintenance in [from, until), merged. */
async function maintenanceSpans(ctx: Ctx, ids: string[], from: number, until: number) {
  const wanted = new Set(ids);
  const raw = new Map<string, Span[]>();
  for (const o of await maintenanceBetween(ctx.db, ctx.organizationId, from, until)) {
    for (const id of o.monitorIds) {
      if (!wanted.has(id)) continue;
      raw.set(id, [...(raw.get(id) ?? []), { start: o.startsAt.getTime(), end: o.endsAt.getTime() }]);
    }
  }
  return new Map([...raw].map(([id, spans]) => [id, mergeSpans(spans, from, until)]));
}

/** Each monitor's incidents open in the period, as spans clipped to [from, until). */
async function incidentSpans(ctx: Ctx, ids: string[], from: number, until: number) {
  const out = new Map<string, Span[]>();
  if (ids.length === 0) return out;
  const rows = await ctx.db
    .selectFrom("incidents")
    .select(["monitor_id", "started_at", "resolved_at"])
    .where("organization_id", "=", ctx.organizationId)
    .where("monitor_id", "in", ids)
    .where("started_at", "<", new Date(until))
    .where((eb) => eb.or([eb("resolved_at", "is", null), eb("resolved_at", ">", new Date(from))]))
    .orderBy("started_at")
    .limit(MAX_INCIDENTS)
    .execute();
  for (const r of rows) {
    const start = Math.max(from, r.started_at.getTime());
    const end = Math.min(until, r.resolved_at?.getTime() ?? until);
    out.set(r.monitor_id, [...(out.get(r.monitor_id) ?? []), { start, end: Math.max(start, end) }]);
  }
  return out;
}
