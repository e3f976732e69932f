import { sql } from "kysely";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { CheckResult } from "../../domain/check-result.ts";
import { JOB_CATALOG, JOB_NAMES } from "../../queue/catalog.ts";
import type { JobQueue } from "../../queue/queue.ts";
import { type Db, poolStats } from "../../storage/db.ts";

/** Per-monitor series in one scrape, at most; beyond it `upblit_metrics_monitors_omitted` says how many. */
export const MAX_MONITOR_SERIES = 2_000;
const MONITOR_STATES = ["pending", "up", "degraded", "down", "paused", "maintenance", "affected"] as const;
const RESULT_STATUSES = ["up", "degraded", "down", "unknown"] as const;

/** What the last check of a monitor showed, kept in memory from the results this process saw. */
interface LastCheck {
  organizationId: string;
  latencySeconds: number;
  certDaysLeft: number | undefined;
}

/**
 * Upblit's Prometheus metrics. Process and role figures live in one registry for the process's
 * life; per-monitor series are built at each scrape, for one organization (an API key) or all of
 * them (the operator's METRICS_TOKEN). Every label takes a bounded set of values: job names,
 * result statuses, states, channel kinds, delivery statuses, and monitor ids capped at
 * MAX_MONITOR_SERIES.
 */
export class UpblitMetrics {
  readonly registry = new Registry();
  private readonly checks: Counter<"status">;
  private readonly lateness: Histogram;
  private readonly stored: Counter;
  private readonly batchSeconds: Histogram;
  private buffered: () => number = () => 0;
  private readonly last = new Map<string, LastCheck>();

  constructor(
    private readonly db: Db,
    queue: JobQueue,
    region: string,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.checks = new Counter({
      name: "upblit_checks_total",
      help: "Checks run by this process, by result status",
      labelNames: ["status"],
      registers: [this.registry],
    });
    for (const status of RESULT_STATUSES) this.checks.inc({ status }, 0);
    this.lateness = new Histogram({
      name: "upblit_check_lateness_seconds",
      help: "How long after its due time a check started",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    new Gauge({
      name: "upblit_queue_depth",
      help: "Jobs waiting in the queue, by job name (check jobs: this process's region)",
      labelNames: ["job"],
      registers: [this.registry],
      async collect() {
        for (const job of JOB_NAMES) {
          const partition = JOB_CATALOG[job].partitioned ? region : undefined;
          this.set({ job }, (await queue.depth(job, partition)).waiting);
        }
      },
    });
    this.stored = new Counter({
      name: "upblit_results_stored_total",
      help: "Check results written to the database by this process's evaluator",
      registers: [this.registry],
    });
    this.batchSeconds = new Histogram({
      name: "upblit_result_batch_seconds",
      help: "How long writing one batch of results (and the states and incidents they change) took",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    const buffered = () => this.buffered();
    new Gauge({
      name: "upblit_results_buffered",
      help: "Results received by the evaluator and not yet written",
      registers: [this.registry],
      collect() {
        this.set(buffered());
      },
    });
    // PostgreSQL only: PGlite is one connection in the process, with no pool.
    if (poolStats(db)) {
      new Gauge({
        name: "upblit_db_pool_connections",
        help: "Connections of the PostgreSQL pool: open (total), idle, and queries waiting for one (waiting)",
        labelNames: ["state"],
        registers: [this.registry],
        collect() {
          const stats = poolStats(db);
          if (!stats) return;
          this.set({ state: "total" }, stats.total);
          this.set({ state: "idle" }, stats.idle);
          this.set({ state: "waiting" }, stats.waiting);
        },
      });
    }
  }

  /** Called for every batch of results the evaluator wrote. */
  observeStored(count: number, seconds: number): void {
    this.stored.inc(count);
    this.batchSeconds.observe(seconds);
  }

  /** Where the evaluator's count of buffered results comes from (set once it exists). */
  watchBuffered(pending: () => number): void {
    this.buffered = pending;
  }

  /** Called for every judged check this process hands to the evaluator. */
  observeResult(result: CheckResult): void {
    this.checks.inc({ status: result.status });
    if (!result.manual) this.lateness.observe(Math.max(0, result.startedAt - result.slotAt) / 1000);
    this.last.set(result.monitorId, {
      organizationId: result.organizationId,
      latencySeconds: result.timings.total / 1000,
      certDaysLeft: result.cert?.daysLeft,
    });
  }

  /** The text exposition: process and roles, then the database-wide and per-monitor series. */
  async render(scope: { organizationId?: string }): Promise<string> {
    const scrape = new Registry();
    await this.addStoredSeries(scrape, scope.organizationId);
    return `${await this.registry.metrics()}\n${await scrape.metrics()}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async addStoredSeries(registers: Registry, organizationId: string | undefined): Promise<void> {
    const org = organizationId;
    const monitors = await this.db
      .selectFrom("monitor_state as s")
      .innerJoin("monitors as m", "m.id", "s.monitor_id")
      .select(["s.monitor_id", "s.organization_id", "s.state", "m.type", "m.paused"])
      .$if(org !== undefined, (q) => q.where("s.organization_id", "=", org!))
      .orderBy("s.monitor_id")
      .limit(MAX_MONITOR_SERIES + 1)
      .execute();
    const counts = await this.db
      .selectFrom("monitor_state")
      .select(["state", sql<number>`count(*)::int`.as("n")])
      .$if(org !== undefined, (q) => q.where("organization_id", "=", org!))
      .groupBy("state")
      .execute();
    const byState = new Gauge({
      name: "upblit_monitors",
      help: "Monitors by state",
      labelNames: ["state"],
      registers: [registers],
    });
    for (const state of MONITOR_STATES) byState.set({ state }, 0);
    let total = 0;
    for (const row of counts) {
      byState.set({ state: row.state }, row.n);
      total += row.n;
    }

    const shown = monitors.slice(0, MAX_MONITOR_SERIES);
    new Gauge({
      name: "upblit_metrics_monitors_omitted",
      help: `Monitors left out of the per-monitor series (at most ${MAX_MONITOR_SERIES} per scrape)`,
      registers: [registers],
    }).set(Math.max(0, total - shown.length));
    const up = new Gauge({
      name: "upblit_monitor_up",
      help: "1 when the monitor's state is up, 0 otherwise",
      labelNames: ["monitor_id", "type", "state"],
      registers: [registers],
    });
    const latency = new Gauge({
      name: "upblit_monitor_latency_seconds",
      help: "Total time of the monitor's last check seen by this process",
      labelNames: ["monitor_id"],
      registers: [registers],
    });
    const certDays = new Gauge({
      name: "upblit_monitor_certificate_days_left",
      help: "Days until the certificate seen by the monitor's last TLS check expires",
      labelNames: ["monitor_id"],
      registers: [registers],
    });
    for (const m of shown) {
      up.set({ monitor_id: m.monitor_id, type: m.type, state: m.state }, m.state === "up" ? 1 : 0);
      const last = this.last.get(m.monitor_id);
      if (!last || last.organizationId !== m.organization_id) continue;
      latency.set({ monitor_id: m.monitor_id }, last.latencySeconds);
      if (last.certDaysLeft !== undefined) certDays.set({ monitor_id: m.monitor_id }, last.certDaysLeft);
    }
    await this.addDeliverySeries(registers, org);
  }

  private async addDeliverySeries(registers: Registry, org: string | undefined): Promise<void> {
    const rows = await this.db
      .selectFrom("notifications as n")
      .innerJoin("notification_channels as c", "c.id", "n.channel_id")
      .select(["c.kind", "n.status", sql<number>`count(*)::int`.as("n")])
      .$if(org !== undefined, (q) => q.where("n.organization_id", "=", org!))
      .groupBy(["c.kind", "n.status"])
      .execute();
    const deliveries = new Gauge({
      name: "upblit_deliveries",
      help: "Notifications in the outbox by channel kind and status (pending, sending, sent, failed)",
      labelNames: ["channel_kind", "status"],
      registers: [registers],
    });
    for (const row of rows) deliveries.set({ channel_kind: row.kind, status: row.status }, row.n);
    const oldest = await this.db
      .selectFrom("notifications")
      .select(sql<Date | null>`min(created_at)`.as("oldest"))
      .where("status", "in", ["pending", "sending"])
      .$if(org !== undefined, (q) => q.where("organization_id", "=", org!))
      .executeTakeFirst();
    new Gauge({
      name: "upblit_outbox_oldest_pending_seconds",
      help: "Age of the oldest notification not yet sent (0 when none waits)",
      registers: [registers],
    }).set(oldest?.oldest ? Math.max(0, (Date.now() - new Date(oldest.oldest).getTime()) / 1000) : 0);
  }
}
