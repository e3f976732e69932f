import { Builder, type Imported } from "./builder.ts";

type Check = Record<string, unknown>;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Healthchecks' checks as its API v3 lists them (`GET /api/v3/checks/`: `{ "checks": [...] }`,
 * each as Healthchecks' `Check.to_dict`) as Upblit heartbeat monitors. With a read-write key
 * the checks carry their `uuid`, which stays the ping URL's token: jobs keep pinging the same
 * path (`/ping/<uuid>`) on Upblit's address. docs/importing.md#healthchecks.
 */
export function importHealthchecks(data: unknown): Imported {
  const checks = Array.isArray(data) ? data : (data as { checks?: unknown })?.checks;
  if (!Array.isArray(checks)) throw new Error('not a Healthchecks checks list: expected { "checks": [...] }');
  const b = new Builder();
  for (const c of checks as Check[]) {
    const name = String(c.name || c.slug || "check");
    const what = `check "${name}"`;
    const key = b.key("monitors", String(c.slug || name));
    const heartbeat: Record<string, unknown> = { graceSeconds: Math.max(0, Number(c.grace ?? 3600)) };
    if (typeof c.schedule === "string") {
      if (c.schedule.trim().split(/\s+/).length !== 5) {
        b.skip(`${what}: the OnCalendar schedule "${c.schedule}" has no cron equivalent`);
        continue;
      }
      heartbeat.cron = c.schedule;
      heartbeat.timezone = String(c.tz ?? "UTC");
    } else {
      const period = Number(c.timeout ?? 86_400);
      if (period < 60) b.approx(`${what}: period ${period}s raised to 60s`);
      heartbeat.periodSeconds = Math.max(60, Math.round(period));
    }
    if (typeof c.uuid === "string" && UUID.test(c.uuid)) {
      heartbeat.token = b.secret(c.uuid, "UPBLIT", key, "token");
    } else {
      b.approx(`${what}: exported with a read-only key (no uuid); it gets a new ping URL`);
    }
    const tags = String(c.tags ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((t) => t.slice(0, 50))
      .slice(0, 20);
    if (c.methods === "POST")
      b.approx(`${what}: Upblit accepts pings by GET and POST (Healthchecks took only POST)`);
    if (c.filter_subject || c.filter_body || c.filter_http_body) {
      b.approx(
        `${what}: keyword filters (${[c.success_kw, c.failure_kw, c.start_kw].filter(Boolean).join(", ")}) are not imported; send /fail or exit codes`,
      );
    }
    if (c.manual_resume) b.approx(`${what}: manual resume is not supported; it resumes on the next ping`);
    if (c.channels)
      b.skip(
        `${what}: its integrations (${String(c.channels)}) are Healthchecks' own; route it with channels or alert rules`,
      );
    b.add(
      "monitors",
      {
        key,
        name: name.slice(0, 200),
        type: "heartbeat",
        ...(c.desc ? { description: String(c.desc).slice(0, 2000) } : {}),
        ...(tags.length ? { tags } : {}),
        ...(c.status === "paused" ? { paused: true } : {}),
        heartbeat,
      },
      `${what} → ${key} (heartbeat${heartbeat.cron ? `, cron ${String(heartbeat.cron)}` : ""})`,
    );
  }
  return b.done();
}
