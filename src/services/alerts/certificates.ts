import type { AlertMessage } from "../../domain/alert-message.ts";
import type { CertificateInfo, CheckResult } from "../../domain/check-result.ts";
import { newId } from "../../lib/ids.ts";
import type { Db } from "../../storage/db.ts";
import { type Draft, insertNotifications, monitorFacts, monitorPart } from "./outbox.ts";
import { routeChannels } from "./routing.ts";
import { silencedMonitors } from "./silences.ts";

/** What certificate warnings need besides the results: the default thresholds, links, the time. */
export interface CertificateWarningOptions {
  /** Thresholds in days for monitors whose `certExpiryDays` is null (CERT_EXPIRY_WARN_DAYS). */
  defaultDays: number[];
  publicUrl: string;
  nowMs: number;
}

/** One certificate one monitor presented in this batch, and the threshold it newly crossed. */
interface Crossing {
  organizationId: string;
  monitorId: string;
  certificateId: string;
  cert: CertificateInfo;
  seenAt: number;
  /** Thresholds crossed and not yet warned for this certificate; the lowest is the one sent. */
  thresholds: number[];
}

/**
 * Warns once per threshold when a monitor's certificate has `daysLeft` at or below one of its
 * thresholds, inside the recording transaction: one `certificate` notification per routed channel.
 * Crossing several thresholds at once sends only the lowest (and marks the others as warned); a
 * renewed certificate (another fingerprint) starts over. A silenced monitor warns no one, and its
 * crossing is not marked, so the warning goes out with the first result after the silence.
 */
export async function queueCertificateWarnings(
  tx: Db,
  results: CheckResult[],
  options: CertificateWarningOptions,
): Promise<number> {
  const seen = latestCertificates(results);
  if (seen.length === 0) return 0;
  const monitorIds = [...new Set(seen.map((s) => s.monitorId))];
  const monitors = await tx
    .selectFrom("monitors")
    .select(["id", "cert_expiry_days"])
    .where("id", "in", monitorIds)
    .execute();
  const thresholdsOf = new Map(monitors.map((m) => [m.id, m.cert_expiry_days ?? options.defaultDays]));
  // Most certificates are far from every threshold: those cost no further query.
  const near = seen.flatMap((s): Crossing[] => {
    const thresholds = (thresholdsOf.get(s.monitorId) ?? []).filter((t) => s.cert.daysLeft <= t);
    return thresholds.length > 0 ? [{ ...s, thresholds }] : [];
  });
  if (near.length === 0) return 0;
  const nearIds = [...new Set(near.map((c) => c.monitorId))];
  const warned = await warnedThresholds(tx, nearIds);
  const silenced = await silencedMonitors(tx, nearIds, new Set(), options.nowMs);
  const crossings = near.flatMap((c): Crossing[] => {
    if (silenced.has(c.monitorId)) return [];
    const thresholds = c.thresholds.filter((t) => !warned.has(warnedKey(c.monitorId, c.certificateId, t)));
    return thresholds.length > 0 ? [{ ...c, thresholds }] : [];
  });
  const due = await markWarned(tx, crossings, options.nowMs);
  return queueDrafts(tx, due, options);
}

/** The newest certificate each monitor presented, per certificate (regions may see different ones). */
function latestCertificates(results: CheckResult[]) {
  const latest = new Map<string, Omit<Crossing, "thresholds">>();
  for (const r of results) {
    if (!r.cert) continue;
    const certificateId = certificateIdOf(r.cert);
    const key = warnedKey(r.monitorId, certificateId, 0);
    const known = latest.get(key);
    if (known && known.seenAt >= r.startedAt) continue;
    latest.set(key, {
      organizationId: r.organizationId,
      monitorId: r.monitorId,
      certificateId,
      cert: r.cert,
      seenAt: r.startedAt,
    });
  }
  return [...latest.values()];
}

/** A certificate's identity: its fingerprint, else (older probes) its expiry and subject. */
export function certificateIdOf(cert: CertificateInfo): string {
  return cert.fingerprint ?? `${cert.validTo}/${cert.subject ?? ""}`;
}

function warnedKey(monitorId: string, certificateId: string, threshold: number): string {
  return `${monitorId}\u0000${certificateId}\u0000${threshold}`;
}

async function warnedThresholds(tx: Db, monitorIds: string[]): Promise<Set<string>> {
  const rows = await tx
    .selectFrom("certificate_warnings")
    .select(["monitor_id", "certificate", "threshold"])
    .where("monitor_id", "in", monitorIds)
    .execute();
  return new Set(rows.map((r) => warnedKey(r.monitor_id, r.certificate, r.threshold)));
}

/**
 * Records every newly crossed threshold as warned and returns the crossings whose lowest
 * threshold this call recorded (a concurrent recorder that got there first sends it instead).
 */
async function markWarned(tx: Db, crossings: Crossing[], nowMs: number): Promise<Crossing[]> {
  if (crossings.length === 0) return [];
  const inserted = await tx
    .insertInto("certificate_warnings")
    .values(
      crossings.flatMap((c) =>
        c.thresholds.map((threshold) => ({
          monitor_id: c.monitorId,
          organization_id: c.organizationId,
          certificate: c.certificateId,
          threshold,
          days_left: c.cert.daysLeft,
          not_after: new Date(c.cert.validTo),
          warned_at: new Date(nowMs),
        })),
      ),
    )
    .onConflict((oc) => oc.columns(["monitor_id", "certificate", "threshold"]).doNothing())
    .returning(["monitor_id", "certificate", "threshold"])
    .execute();
  const mine = new Set(inserted.map((r) => warnedKey(r.monitor_id, r.certificate, r.threshold)));
  return crossings.filter((c) => mine.has(warnedKey(c.monitorId, c.certificateId, lowest(c))));
}

const lowest = (c: Crossing) => Math.min(...c.thresholds);

/** One draft per (crossing, routed channel), keyed `crt:<monitor>:<certificate>:<threshold>`. */
async function queueDrafts(tx: Db, due: Crossing[], options: CertificateWarningOptions): Promise<number> {
  if (due.length === 0) return 0;
  const monitorIds = [...new Set(due.map((c) => c.monitorId))];
  const facts = await monitorFacts(tx, monitorIds);
  const states = new Map(
    (
      await tx
        .selectFrom("monitor_state")
        .select(["monitor_id", "state"])
        .where("monitor_id", "in", monitorIds)
        .execute()
    ).map((s) => [s.monitor_id, s.state]),
  );
  const routes = await routeChannels(
    tx,
    due.map((c) => ({ organizationId: c.organizationId, monitorId: c.monitorId, event: "certificate" })),
  );
  const drafts: Draft[] = [];
  due.forEach((c, i) => {
    const m = facts.get(c.monitorId);
    if (!m) return;
    const threshold = lowest(c);
    const state = states.get(c.monitorId) ?? "pending";
    for (const channelId of routes[i]!) {
      const message: AlertMessage = {
        notificationId: newId("ntf"),
        event: "certificate",
        drill: false,
        ...monitorPart(m, options.publicUrl),
        state,
        previousState: state,
        since: new Date(c.seenAt).toISOString(),
        incident: null,
        cause: null,
        acknowledgeUrl: null,
        certificate: {
          daysLeft: c.cert.daysLeft,
          notAfter: c.cert.validTo,
          ...(c.cert.subject ? { subject: c.cert.subject } : {}),
          threshold,
        },
      };
      const eventId = `crt:${c.monitorId}:${c.certificateId}:${threshold}`;
      drafts.push({ organizationId: c.organizationId, channelId, monitorId: c.monitorId, eventId, message });
    }
  });
  await insertNotifications(tx, drafts, options.nowMs);
  return drafts.length;
}
