import type { CheckSpec } from "../domain/monitor.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { Probe, ProbeOptions } from "./types.ts";

/**
 * A check of a target we trust (CANARY_TARGET), used to tell "the target is down" from "our own
 * network is down". Asked only when a check failed. A healthy answer counts only if its canary
 * check started after the failed check did (the network may have dropped in between); a failing
 * answer is reused for a few seconds, which at worst records a few more results as `unknown`.
 */
export class Canary {
  private last: { healthy: boolean; startedAt: number; finishedAt: number } | undefined;
  private pending: { startedAt: number; result: Promise<boolean> } | undefined;

  constructor(
    private readonly spec: CheckSpec,
    private readonly probe: Probe,
    private readonly options: ProbeOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly failingCacheMs = 5_000,
  ) {}

  static fromTarget(target: string, probe: Probe, options: ProbeOptions, clock: Clock, log: Logger): Canary {
    const isTcp = target.startsWith("tcp://");
    const base = { monitorId: "canary", organizationId: "system", timeoutMs: 5_000, assertions: [] };
    const spec: CheckSpec = isTcp
      ? { ...base, type: "tcp", target: target.slice("tcp://".length) }
      : {
          ...base,
          type: "http",
          target,
          http: { method: "GET", headers: {}, followRedirects: true, maxRedirects: 5, verifyTls: true },
        };
    // The operator chose the canary, so it may sit on a private network.
    return new Canary(spec, probe, { ...options, allowPrivateTargets: true }, clock, log);
  }

  /** Is our network fine, judged by a canary check that started at or after `since`? */
  async isHealthy(since: number): Promise<boolean> {
    const last = this.last;
    if (last?.healthy && last.startedAt >= since) return true;
    if (last && !last.healthy && this.clock.now() - last.finishedAt < this.failingCacheMs) return false;
    if (this.pending && this.pending.startedAt >= since) return this.pending.result;
    const startedAt = this.clock.now();
    const result = this.check(startedAt).finally(() => {
      if (this.pending?.result === result) this.pending = undefined;
    });
    this.pending = { startedAt, result };
    return result;
  }

  private async check(startedAt: number): Promise<boolean> {
    const observation = await this.probe(this.spec, this.options);
    const healthy = observation.error === undefined;
    if (healthy !== (this.last?.healthy ?? true)) {
      this.log.warn(
        { healthy, error: observation.error },
        healthy ? "canary recovered" : "canary failing: results are recorded as unknown",
      );
    }
    // Concurrent canary checks may finish out of order; keep the answer of the latest one.
    if (!this.last || startedAt >= this.last.startedAt) {
      this.last = { healthy, startedAt, finishedAt: this.clock.now() };
    }
    return healthy;
  }
}
