import { z } from "zod";
import type { CheckResult } from "../domain/check-result.ts";
import type { CheckSpec } from "../domain/monitor.ts";

/**
 * Every job the roles exchange: name → payload schema and policy. Drivers parse payloads when
 * dequeued (parseJob), so they never hand a role a malformed job, and apply each job's timeout,
 * attempts and partition (drivers/contract.test-support.ts holds them to it). The embedded
 * default may skip the parse: its payloads never leave the process (drivers/memory.ts).
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
  /**
   * For an opened incident: whether a status page showed the monitor when it opened (the
   * evaluator looks once per batch). False lets the draft job skip its lookup; absent (a job
   * queued by an older version), the job looks itself.
   */
  onStatusPage: z.boolean().optional(),
});

/**
 * What a driver does with each job: how long a handler may run before its attempt counts as failed
 * (`timeoutMs`), how many attempts a job gets (`attempts`, the first included) and how long it
 * waits before the next (`backoffMs`, doubled each time). A check is never retried: a check that
 * failed to run is found by the lost-slot sweep and recorded `unknown` (services/checks/lost.ts);
 * running it again later would check a different moment than its slot.
 * `partition` splits a job name into queues consumed separately: check jobs per region, so a probe
 * takes only its region's checks.
 */
export interface JobPolicy {
  timeoutMs: number;
  attempts: number;
  backoffMs: number;
}

export const JOB_CATALOG = {
  "check.run": { schema: CheckRun, timeoutMs: 120_000, attempts: 1, backoffMs: 0, partitioned: true },
  "check.result": {
    schema: CheckResultShape,
    timeoutMs: 30_000,
    attempts: 5,
    backoffMs: 500,
    partitioned: false,
  },
  "incident.changed": {
    schema: IncidentChanged,
    timeoutMs: 30_000,
    attempts: 5,
    backoffMs: 500,
    partitioned: false,
  },
} as const;

export type JobName = keyof typeof JOB_CATALOG;

export const JOB_NAMES = Object.keys(JOB_CATALOG) as JobName[];

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

/** The queue a job goes to within its name: a check job's region; none for the others. */
export function partitionOf<N extends JobName>(name: N, payload: JobPayloads[N]): string | undefined {
  if (!JOB_CATALOG[name].partitioned) return undefined;
  return (payload as unknown as JobPayloads["check.run"]).region;
}

/** The catalog's policy for a job name, with a driver's overrides (tests shorten timeouts). */
export function jobPolicy(name: JobName, overrides?: JobPolicies): JobPolicy {
  const { timeoutMs, attempts, backoffMs } = JOB_CATALOG[name];
  return { timeoutMs, attempts, backoffMs, ...overrides?.[name] };
}

export type JobPolicies = Partial<Record<JobName, Partial<JobPolicy>>>;
