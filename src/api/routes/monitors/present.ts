import { z } from "zod";
import { MONITOR_STATES, pickSettings } from "../../../domain/monitor.ts";
import { monitorType, SETTINGS_BLOCKS } from "../../../monitor-types/types.ts";
import type { MonitorWithState } from "../../../services/monitors/view.ts";

/**
 * The public shape of a monitor. Credentials are write-only: each type's `secrets.present`
 * (src/monitor-types) hides them, so they never leave the server once stored.
 */
export function presentMonitor(m: MonitorWithState) {
  const base = {
    id: m.id,
    name: m.name,
    type: m.type,
    target: m.target,
    intervalSeconds: m.intervalSeconds,
    timeoutMs: m.timeoutMs,
    regions: m.regions,
    assertions: m.assertions,
    failuresBeforeDown: m.failuresBeforeDown,
    successesBeforeUp: m.successesBeforeUp,
    tags: m.tags,
    description: m.description,
    runbookUrl: m.runbookUrl,
    paused: m.paused,
    parents: m.parents,
    certExpiryDays: m.certExpiryDays ?? null,
    quorum: m.quorum ?? null,
    state: m.state,
    stateSince: m.stateSince.toISOString(),
    lastCheckedAt: m.lastCheckedAt?.toISOString() ?? null,
    lastStatus: m.lastStatus,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
  const stored = pickSettings(m);
  const settings = monitorType(m.type)?.secrets?.present(stored) ?? stored;
  return { ...base, ...settings };
}

export const MonitorResponse = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    target: z.string(),
    intervalSeconds: z.number(),
    timeoutMs: z.number(),
    regions: z.array(z.string()),
    assertions: z.array(z.unknown()),
    failuresBeforeDown: z.number(),
    successesBeforeUp: z.number(),
    tags: z.array(z.string()),
    description: z.string().nullable(),
    runbookUrl: z.string().nullable(),
    paused: z.boolean(),
    parents: z.array(z.string()),
    certExpiryDays: z.array(z.number()).nullable().meta({ description: "null: the server's default" }),
    quorum: z
      .number()
      .nullable()
      .meta({ description: "Regions that must agree on down or degraded; null: a majority" }),
    state: z.enum(MONITOR_STATES),
    stateSince: z.string(),
    lastCheckedAt: z.string().nullable(),
    lastStatus: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    ...Object.fromEntries(
      SETTINGS_BLOCKS.map((block) => [block, z.record(z.string(), z.unknown()).optional()]),
    ),
  })
  .meta({ id: "Monitor" });

/** Turns a stored monitor back into input form, secrets included, for merging an update. */
export function toInput(m: MonitorWithState): Record<string, unknown> {
  const {
    id: _id,
    organizationId: _org,
    createdAt: _c,
    updatedAt: _u,
    state: _s,
    stateSince: _ss,
    lastCheckedAt: _l,
    lastStatus: _ls,
    ...input
  } = m;
  return input;
}
