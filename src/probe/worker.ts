import type { Judgement } from "../domain/assertions.ts";
import type { CheckResult, Observation } from "../domain/check-result.ts";
import type { CheckSpec } from "../domain/monitor.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { JobPayloads } from "../queue/catalog.ts";
import type { Consumer, JobQueue } from "../queue/queue.ts";
import type { Canary } from "./canary.ts";
import { toCheckError } from "./probe-error.ts";
import type { Probe, ProbeOptions } from "./types.ts";

export interface ProbeWorkerDeps {
  queue: JobQueue;
  probe: Probe;
  /** Judges what a check saw by its type's implied and the user's assertions (monitor-types/run.ts). */
  judge: (spec: CheckSpec, observation: Observation) => Judgement;
  options: ProbeOptions;
  canary: Canary | undefined;
  /** Refuses a second check of a monitor already in flight here. */
  inFlight: { tryStart(id: string): boolean; finish(id: string): void };
  clock: Clock;
  log: Logger;
  concurrency: number;
  /** The region this probe checks from: it takes that region's check queue only. */
  region: string;
}

/** The probe role: takes `check.run` jobs, runs and judges each check, emits `check.result`. */
export function startProbeWorker(deps: ProbeWorkerDeps): Consumer {
  return deps.queue.consume("check.run", (job) => runOne(deps, job), {
    concurrency: deps.concurrency,
    partition: deps.region,
  });
}

async function runOne(deps: ProbeWorkerDeps, job: JobPayloads["check.run"]): Promise<void> {
  const { spec } = job;
  // The previous slot's check of this monitor may still run here (a slow target, a busy machine):
  // this one waits for it rather than overlapping it, up to its own timeout. Still busy then, the
  // slot is recorded as not checked (`unknown`, with the reason): never silently missing.
  if (!deps.inFlight.tryStart(spec.monitorId) && !(await startWhenFree(deps.inFlight, spec))) {
    deps.log.warn(
      { monitorId: spec.monitorId, slotAt: job.slotAt },
      "check skipped: the previous check of this monitor is still running",
    );
    await deps.queue.enqueue("check.result", notChecked(job, deps.clock.now()));
    return;
  }
  try {
    const startedAt = deps.clock.now();
    const { observation, lost } = await observe(deps, spec);
    let { status, verdicts } = deps.judge(spec, observation);
    // A lost check, or a failed exchange while our own network is down, says nothing about the target.
    const ours =
      lost ||
      (status === "down" &&
        observation.error !== undefined &&
        deps.canary !== undefined &&
        !(await deps.canary.isHealthy(startedAt)));
    if (ours) {
      status = "unknown";
      verdicts = [];
    }
    const result: CheckResult = {
      monitorId: spec.monitorId,
      organizationId: spec.organizationId,
      region: job.region,
      slotAt: job.slotAt,
      startedAt,
      manual: job.manual,
      status,
      statusCode: observation.statusCode,
      timings: observation.timings,
      error: observation.error,
      verdicts,
    };
    if (observation.cert) result.cert = observation.cert;
    // Only a failed check keeps its picture (services/checks/artifacts.ts stores it).
    if (observation.screenshot && status === "down") result.screenshot = observation.screenshot;
    await deps.queue.enqueue("check.result", result);
    // One line per finished check at debug: what a test with several probe processes can hold the
    // stored results to.
    deps.log.debug(
      { monitorId: spec.monitorId, region: job.region, slotAt: job.slotAt, status, manual: job.manual },
      "check result queued",
    );
  } finally {
    deps.inFlight.finish(spec.monitorId);
  }
}

/**
 * Runs the probe. A probe never fails, but a probe thread can stop under a check: that loss is
 * ours, not the target's, so its result is recorded as `unknown` and moves no state.
 */
async function observe(
  deps: ProbeWorkerDeps,
  spec: CheckSpec,
): Promise<{ observation: Observation; lost: boolean }> {
  try {
    return { observation: await deps.probe(spec, deps.options), lost: false };
  } catch (err) {
    deps.log.error({ err, monitorId: spec.monitorId }, "check lost: recorded as unknown");
    return { observation: { timings: { total: 0 }, error: toCheckError(err, false) }, lost: true };
  }
}

const FREE_POLL_MS = 20;

/** Waits up to the check's timeout for the monitor's check in flight here to end, then takes its place. */
async function startWhenFree(inFlight: ProbeWorkerDeps["inFlight"], spec: CheckSpec): Promise<boolean> {
  for (let waited = 0; waited < spec.timeoutMs; waited += FREE_POLL_MS) {
    await new Promise((resolve) => setTimeout(resolve, FREE_POLL_MS));
    if (inFlight.tryStart(spec.monitorId)) return true;
  }
  return false;
}

function notChecked(job: JobPayloads["check.run"], now: number): CheckResult {
  return {
    monitorId: job.spec.monitorId,
    organizationId: job.spec.organizationId,
    region: job.region,
    slotAt: job.slotAt,
    startedAt: now,
    manual: job.manual,
    status: "unknown",
    timings: { total: 0 },
    error: {
      kind: "internal",
      message: "not checked: the check of the previous slot was still running here after this slot's timeout",
    },
    verdicts: [],
  };
}
