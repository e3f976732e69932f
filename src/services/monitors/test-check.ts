import type { AssertionVerdict } from "../../domain/assertion.ts";
import type { CheckError, ResultStatus, Timings } from "../../domain/check-result.ts";
import { type CheckSpec, type MonitorDefinition, pickSettings } from "../../domain/monitor.ts";
import { AppError } from "../../lib/errors.ts";
import { judgeObservation } from "../../monitor-types/run.ts";
import { isProbed } from "../../monitor-types/types.ts";
import type { Ctx } from "../context.ts";
import type { RateLimits } from "../rate-limit/limiter.ts";
import { consumeOrRefuse } from "../rate-limit/refuse.ts";

/** Test checks of one organization running at once in this process. */
const MAX_RUNNING_PER_ORG = 3;
const running = new Map<string, number>();

export interface TestCheckResult {
  startedAt: number;
  status: ResultStatus;
  statusCode?: number;
  timings: Timings;
  error?: CheckError;
  verdicts: AssertionVerdict[];
}

/**
 * Runs one check of a monitor definition that is not saved (the dashboard's "test before
 * saving"), judged like a scheduled one, and returns its result. Nothing is written: no monitor,
 * no result, no audit row (nothing changed). The probe is the same, with the same target safety.
 * Limited per organization: a window of requests (`monitorTests.perOrg`) and a few at once.
 */
export async function testCheck(
  ctx: Ctx,
  limits: RateLimits,
  def: MonitorDefinition,
  probe: (spec: CheckSpec) => Promise<import("../../domain/check-result.ts").Observation>,
): Promise<TestCheckResult> {
  const org = ctx.organizationId;
  if (!isProbed(def.type)) {
    throw new AppError("CONFLICT", `A ${def.type} monitor is pinged, not checked: there is nothing to test`);
  }
  if ((running.get(org) ?? 0) >= MAX_RUNNING_PER_ORG) {
    throw new AppError("LIMIT_EXCEEDED", `At most ${MAX_RUNNING_PER_ORG} test checks run at once`, {
      retryAfterSeconds: 1,
    });
  }
  await consumeOrRefuse(limits.monitorTestsPerOrg, org, "Too many test checks; try again shortly");
  running.set(org, (running.get(org) ?? 0) + 1);
  try {
    const spec: CheckSpec = {
      ...pickSettings(def),
      type: def.type,
      monitorId: "unsaved",
      organizationId: org,
      target: def.target,
      timeoutMs: def.timeoutMs,
      assertions: def.assertions,
    };
    const startedAt = ctx.clock.now();
    const observation = await probe(spec);
    const { status, verdicts } = judgeObservation(spec, observation);
    return {
      startedAt,
      status,
      statusCode: observation.statusCode,
      timings: observation.timings,
      error: observation.error,
      verdicts,
    };
  } finally {
    const left = (running.get(org) ?? 1) - 1;
    if (left > 0) running.set(org, left);
    else running.delete(org);
  }
}
