import type { CheckResult, Observation } from "../../domain/check-result.ts";
import { toCheckSpec } from "../../domain/monitor.ts";
import { newId } from "../../lib/ids.ts";
import { windowMs } from "../../monitor-types/heartbeat/schedule.ts";
import type { HeartbeatSettings } from "../../monitor-types/heartbeat/settings.ts";
import { judgeObservation } from "../../monitor-types/run.ts";
import {
  closeRun,
  countSuccesses,
  findByPingToken,
  findBySlug,
  insertPing,
  type PingKind,
} from "../../storage/repos/heartbeats.repo.ts";
import type { Runtime } from "../context.ts";
import { organizationOfPingKey } from "./ping-key.ts";

/** The most of a ping's body (or query string) that is stored, in bytes; sent as `Ping-Body-Limit`. */
export const PING_BODY_LIMIT = 100_000;

/** A signal as the URL gives it: nothing (success), start, fail, log, or an exit status 0–255. */
export type PingSignal = { kind: "success" | "start" | "fail" | "log" } | { kind: "exit"; status: number };

/**
 * Which monitor a ping is for: its token (`/ping/{token}`), the organization's ping key and its
 * slug (`/ping/{ping key}/{slug}`), or, with an API key, the key's organization and the slug.
 */
export type PingTarget =
  | { token: string }
  | { pingKey: string; slug: string }
  | { organizationId: string; slug: string };

export interface Ping {
  target: PingTarget;
  signal: PingSignal;
  rid: string | null;
  method: string;
  sourceIp: string | null;
  userAgent: string | null;
  /** The body (or the query string for GET), already cut at PING_BODY_LIMIT bytes. */
  body: string;
  bodyBytes: number;
}

/**
 * Records a ping of a heartbeat monitor and, for a success, failure or exit status, judges it like
 * any check result and hands it to the evaluator (`check.result`): states, incidents, alerts,
 * maintenance and status pages follow as for every other type. False when no monitor has the token.
 */
export async function receivePing(rt: Runtime, ping: Ping): Promise<boolean> {
  const monitor = await findTarget(rt, ping.target);
  if (!monitor) return false;
  const heartbeat = monitor.heartbeat as HeartbeatSettings;
  const at = new Date(rt.clock.now());
  const kind: PingKind = ping.signal.kind;
  const exitStatus =
    ping.signal.kind === "exit" ? ping.signal.status : kind === "fail" ? 1 : kind === "success" ? 0 : null;
  const finishes = exitStatus !== null;
  const facts = await rt.db.transaction().execute(async (tx) => {
    const startedAt = finishes ? await closeRun(tx, monitor.id, ping.rid, at) : undefined;
    const durationMs = startedAt ? at.getTime() - startedAt.getTime() : null;
    await insertPing(tx, {
      id: newId("png", at.getTime()),
      organization_id: monitor.organizationId,
      monitor_id: monitor.id,
      kind,
      exit_status: ping.signal.kind === "exit" ? ping.signal.status : null,
      at,
      rid: ping.rid,
      method: ping.method,
      source_ip: ping.sourceIp,
      user_agent: ping.userAgent,
      body: ping.body,
      body_bytes: ping.bodyBytes,
      duration_ms: durationMs,
      finished_at: null,
    });
    if (exitStatus !== 0) return { durationMs, runs: null };
    const window = windowMs(heartbeat, at.getTime());
    const runs = await countSuccesses(tx, monitor.id, new Date(at.getTime() - window + 1), at);
    return { durationMs, runs };
  });
  if (exitStatus === null) return true;
  const observation: Observation = {
    timings: { total: facts.durationMs ?? 0 },
    facts: { "heartbeat.exitStatus": exitStatus },
  };
  if (facts.durationMs !== null) observation.facts!["heartbeat.duration"] = facts.durationMs;
  if (facts.runs !== null) observation.facts!["heartbeat.runsInWindow"] = facts.runs;
  const spec = toCheckSpec(monitor);
  const { status, verdicts } = judgeObservation(spec, observation);
  const result: CheckResult = {
    monitorId: monitor.id,
    organizationId: monitor.organizationId,
    region: rt.region,
    slotAt: at.getTime(),
    startedAt: at.getTime(),
    manual: false,
    status,
    timings: observation.timings,
    verdicts,
  };
  await rt.queue.enqueue("check.result", result);
  return true;
}

async function findTarget(rt: Runtime, target: PingTarget) {
  if ("token" in target) return findByPingToken(rt.db, target.token);
  const organizationId =
    "organizationId" in target ? target.organizationId : await organizationOfPingKey(rt, target.pingKey);
  return organizationId ? findBySlug(rt.db, organizationId, target.slug) : undefined;
}
