import type { CheckSpec } from "../domain/monitor.ts";
import type { Clock } from "../lib/clock.ts";
import type { Logger } from "../lib/logger.ts";
import type { Probe, ProbeOptions } from "./types.ts";

/**
 * A check of a target we trust (CANARY_TARGET), used to tell "the target is down" from "our own
 * network is down". Asked only when a check fails; answers are cached briefly and concurrent
 * askers share one canary check.
 */
export class Canary {
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastHealthy = true;
  private pending: Promise<boolean> | undefined;

  constructor(
    private readonly spec: CheckSpec,
    private readonly probe: Probe,
    private readonly options: ProbeOptions,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly cacheMs = 5_000,
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

  async isHealthy(): Promise<boolean> {
    if (this.clock.now() - this.lastAt < this.cacheMs) return this.lastHealthy;
    this.pending ??= this.check().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async check(): Promise<boolean> {
    const observation = await this.probe(this.spec, this.options);
    const healthy = observation.error === undefined;
    if (healthy !== this.lastHealthy) {
      this.log.warn(
        { healthy, error: observation.error },
        healthy ? "canary recovered" : "canary failing: results are recorded as unknown",
      );
    }
    this.lastHealthy = healthy;
    this.lastAt = this.clock.now();
    return healthy;
  }
}
