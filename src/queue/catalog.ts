import { z } from "zod";
import type { CheckResult } from "../domain/check-result.ts";
import type { CheckSpec } from "../domain/monitor.ts";

/**
 * Every job the roles exchange: name → payload schema. A driver that crosses a process boundary
 * (Redis) parses payloads when dequeued (parseJob), so it can never hand a role a malformed job;
 * the in-process driver hands over the objects it was given, typed at compile time.
 * Nested monitor settings are checked structurally only: the scheduler builds them from rows
 * that the API validated on the way in.
 */
const CheckSpecShape = z.looseObject({
  monitorId: z.string(),
  organizationId: z.string(),
  // Any name: the probe answers a type it does not know (a job from another version) with an error.
  type: z.string().min(1),
  target: z.string(),
  timeoutMs: z.number().int().positive(),
  assertions: z.array(z.looseObject({ subject: z.string(), op: z.string() })),
});

const CheckRun = z.object({
  spec: CheckSpecShape,
  region: z.string(),
  slotAt: z.number(),
  manual: z.boolean(),
});

const CheckResultShape = z.looseObject({
  monitorId: z.string(),
  organizationId: z.string(),
  region: z.string(),
  slotAt: z.number(),
  startedAt: z.number(),
  manual: z.boolean(),
  status: z.enum(["up", "degraded", "down", "unknown"]),
  timings: z.looseObject({ total: z.number() }),
  verdicts: z.array(z.unknown()),
});

const IncidentChanged = z.object({
  organizationId: z.string(),
  monitorId: z.string(),
  monitorName: z.string(),
  incidentId: z.string(),
  change: z.enum(["opened", "resolved"]),
  at: z.number(),
  cause: z.string().nullable(),
});

export const JOB_CATALOG = {
  "check.run": { schema: CheckRun, timeoutMs: 120_000 },
  "check.result": { schema: CheckResultShape, timeoutMs: 30_000 },
  "incident.changed": { schema: IncidentChanged, timeoutMs: 30_000 },
} as const;

export type JobName = keyof typeof JOB_CATALOG;

/** Payload types: schema output, with the structurally-checked parts given their domain types. */
export interface JobPayloads {
  "check.run": { spec: CheckSpec; region: string; slotAt: number; manual: boolean };
  "check.result": CheckResult;
  "incident.changed": z.infer<typeof IncidentChanged>;
}

export function parseJob<N extends JobName>(name: N, payload: unknown): JobPayloads[N] {
  // The schema checks the shape; the domain types carry the meaning (see the note above).
  return JOB_CATALOG[name].schema.parse(payload) as unknown as JobPayloads[N];
}
