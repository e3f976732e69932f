import type { Judgement } from "../../domain/assertions.ts";
import type { CheckResult, Observation } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import { latestSlotAtOrBefore, slotOffsetMs } from "../../domain/schedule.ts";
import type { Logger } from "../../lib/logger.ts";
import { MemoryQueue } from "../../queue/drivers/memory.ts";
import type { Consumer } from "../../queue/queue.ts";
import type { Probe, ProbeOptions } from "../types.ts";
import { startProbeWorker } from "../worker.ts";
import { ResultBuffer } from "./buffer.ts";
import { type AssignedSpec, ProbeClient, ProtocolRefused, TokenRefused } from "./client.ts";
import type { ProbeMetrics } from "./metrics.ts";

export type StopReason = "stopped" | "refused" | "incompatible";

export interface RemoteAgentOptions {
  url: string;
  token: string;
  version: string;
  probe: Probe;
  judge: (spec: CheckSpec, observation: Observation) => Judgement;
  /** `allowPrivateTargets` here is the operator's ceiling: the region's setting can only be narrowed by it. */
  probeOptions: ProbeOptions;
  concurrency: number;
  log: Logger;
  /** Results kept while the server is unreachable, at most (oldest dropped first). */
  bufferMax: number;
  /** Where the buffer survives a restart; in memory only when unset. */
  bufferFile?: string;
  /** Long-poll wait per claim request, seconds (the server caps it at 25). */
  waitSeconds?: number;
  /** After this long without a successful claim, check the last assignments on our own. */
  offlineAfterMs: number;
  /** ...for at most this long after the last contact (also capped by the server's limit). */
  offlineForMs: number;
  metrics?: ProbeMetrics;
}

/** The assignments are asked for again at least this often (If-None-Match: unchanged is a 304). */
const REFRESH_EVERY_MS = 15_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const keyOf = (monitorId: string, slotAt: number) => `${monitorId}@${slotAt}`;

/**
 * A remote probe (`upblit probe`): claims its region's due slots from the server (long-poll),
 * runs them with the same worker, probers and judge as an in-cluster probe (through a queue in
 * this process), and uploads the results in batches. When it cannot reach the server for
 * `offlineAfterMs`, it checks its last assignments on its own, on the server's slot grid, for at
 * most `offlineForMs`, marking those results `offline`. Stops when the token is refused.
 */
export class RemoteProbeAgent {
  private readonly client: ProbeClient;
  private readonly queue: MemoryQueue;
  private readonly buffer: ResultBuffer;
  private readonly specs = new Map<string, AssignedSpec>();
  private revision: string | undefined;
  private region: string | undefined;
  private worker: Consumer | undefined;
  private running = true;
  private readonly stopping = new AbortController();
  private skewMs = 0;
  private readonly running_ = new Set<string>();
  /** The newest slot of each monitor handed to the worker (claimed or scheduled here). */
  private readonly lastSlot = new Map<string, number>();
  /** Slots scheduled here while offline whose result has not come back yet. */
  private readonly offlineKeys = new Set<string>();
  /** When a claim last succeeded (probe clock); the start counts as contact. */
  private lastContact = Date.now();
  private offline = false;
  private refreshedAt = 0;
  /** When the long-poll in progress was sent (it counts as contact while it may still answer). */
  private pollingSince: number | undefined;
  private serverOfflineMaxMs = Number.POSITIVE_INFINITY;
  private readonly options: ProbeOptions;
  /** Why the agent stopped: asked to, token refused, or a protocol the server does not speak. */
  stopReason: StopReason = "stopped";

  constructor(private readonly o: RemoteAgentOptions) {
    this.client = new ProbeClient(o.url, o.token, `upblit-probe/${o.version} (+https://upblit.dev)`);
    this.queue = new MemoryQueue(o.log);
    this.buffer = new ResultBuffer(o.bufferMax, o.bufferFile);
    // Private targets stay refused until the region's assignments allow them.
    this.options = { ...o.probeOptions, allowPrivateTargets: false };
  }

  /** Runs until `stop()` or the token is refused; resolves with the reason. */
  async run(): Promise<StopReason> {
    const log = this.o.log;
    const m = this.o.metrics;
    log.info({ url: this.o.url, buffered: this.buffer.size }, `probe connecting to ${this.o.url}`);
    this.queue.consume(
      "check.result",
      async (result) => {
        const offline = this.offlineKeys.delete(keyOf(result.monitorId, result.slotAt));
        const kept: CheckResult = offline ? { ...result, offline: true } : result;
        const droppedBefore = this.buffer.dropped;
        this.buffer.push(kept);
        m?.checks.inc({ status: result.status, mode: offline ? "offline" : "claimed" });
        m?.dropped.inc(this.buffer.dropped - droppedBefore);
        m?.buffered.set(this.buffer.size);
        log.info(
          { monitorId: result.monitorId, slotAt: result.slotAt, status: result.status, offline },
          `checked ${result.monitorId}: ${result.status} in ${Math.round(result.timings.total)} ms${offline ? " (offline)" : ""}`,
        );
      },
      { concurrency: 1 },
    );
    await Promise.all([this.claimLoop(), this.uploadLoop(), this.offlineLoop()]);
    await this.worker?.stop(5_000);
    await this.flush().catch(() => undefined);
    this.buffer.close();
    await this.queue.close();
    await this.client.close();
    log.info({ reason: this.stopReason, buffered: this.buffer.size }, `probe stopped (${this.stopReason})`);
    return this.stopReason;
  }

  /** Stops claiming (a long-poll in progress is abandoned), finishes running checks, uploads. */
  stop(): void {
    this.running = false;
    this.stopping.abort();
  }

  /** Token refused or protocol refused: both end the agent; anything else is the link. */
  private fatal(err: unknown): boolean {
    if (err instanceof TokenRefused || err instanceof ProtocolRefused) {
      const reason = err instanceof TokenRefused ? "refused" : "incompatible";
      if (this.stopReason === "stopped") this.o.log.error(`${err.message}: stopping`);
      if (this.stopReason === "stopped") this.stopReason = reason;
      this.running = false;
      this.stopping.abort();
      return true;
    }
    return false;
  }

  private contact(): void {
    this.lastContact = Date.now();
    this.o.metrics?.lastContact.set(this.lastContact / 1000);
  }

  private async refresh(): Promise<void> {
    const got = await this.client.assignments(this.revision);
    this.contact();
    this.refreshedAt = Date.now();
    if (got.unchanged) return;
    this.specs.clear();
    for (const spec of got.monitors) this.specs.set(spec.monitorId, spec);
    this.revision = got.revision;
    this.serverOfflineMaxMs = (got.offlineMaxSeconds ?? 0) * 1000;
    // The region decides; the operator's flag can only take it away.
    const allow = got.allowPrivateTargets && this.o.probeOptions.allowPrivateTargets;
    if (allow !== this.options.allowPrivateTargets) {
      this.o.log.info(
        { allowPrivateTargets: allow },
        allow ? "private targets: allowed by the region" : "private targets: refused",
      );
    }
    this.options.allowPrivateTargets = allow;
    this.o.metrics?.monitors.set(got.monitors.length);
    if (this.region !== got.region) {
      this.region = got.region;
      this.worker = startProbeWorker({
        queue: this.queue,
        probe: this.o.probe,
        judge: this.o.judge,
        options: this.options,
        canary: undefined,
        inFlight: {
          tryStart: (id) => !this.running_.has(id) && Boolean(this.running_.add(id)),
          finish: (id) => void this.running_.delete(id),
        },
        // Results carry the server's time: the probe's own clock may be off.
        clock: { now: () => Date.now() + this.skewMs },
        log: this.o.log,
        concurrency: this.o.concurrency,
        region: got.region,
      });
    }
    this.o.log.info(
      { region: got.region, revision: got.revision, monitors: got.monitors.length },
      `assignments: ${got.monitors.length} monitors in region ${got.region}`,
    );
  }

  private async room(): Promise<number> {
    if (!this.region) return 0;
    const { waiting, active } = await this.queue.depth("check.run", this.region);
    return 2 * this.o.concurrency - waiting - active;
  }

  private async claimLoop(): Promise<void> {
    let backoff = 1_000;
    let down = false;
    while (this.running) {
      try {
        if (!this.region) await this.refresh();
        if (!this.region) continue;
        const room = await this.room();
        if (room <= 0) {
          await sleep(100);
          continue;
        }
        const sent = Date.now();
        this.pollingSince = sent;
        const { serverTime, slots } = await this.client
          .claim(room, this.o.waitSeconds ?? 20, this.stopping.signal)
          .finally(() => {
            this.pollingSince = undefined;
          });
        this.contact();
        // The answer left the server at serverTime, about half way through a short exchange.
        if (Date.now() - sent < 1_000) {
          this.skewMs = serverTime - Math.round((sent + Date.now()) / 2);
          this.o.metrics?.skew.set(this.skewMs / 1000);
        }
        if (down) this.o.log.info("server reachable again");
        if (this.offline) this.o.log.info("offline checking ended: slots come from the server again");
        down = false;
        this.setOffline(false);
        backoff = 1_000;
        // A newer monitor revision in a slot, or every REFRESH_EVERY_MS (a 304 while nothing
        // changed): the region's settings and removed monitors reach the probe that way.
        if (
          slots.some((s) => (this.specs.get(s.monitorId)?.revision ?? -1) < s.revision) ||
          Date.now() - this.refreshedAt >= REFRESH_EVERY_MS
        )
          await this.refresh();
        for (const slot of slots) {
          const spec = this.specs.get(slot.monitorId);
          if (!spec || !this.region) {
            this.o.log.warn(
              { monitorId: slot.monitorId },
              "slot for a monitor not in the assignments: skipped",
            );
            continue;
          }
          // Already checked here while offline: its buffered result fills this claim.
          if (slot.slotAt <= (this.lastSlot.get(slot.monitorId) ?? -1)) continue;
          this.lastSlot.set(slot.monitorId, slot.slotAt);
          await this.queue.enqueue("check.run", {
            spec,
            region: this.region,
            slotAt: slot.slotAt,
            manual: false,
          });
        }
      } catch (err) {
        if (this.fatal(err)) return;
        if (!this.running) return;
        if (!down) this.o.log.warn({ err: String(err) }, `server unreachable (${String(err)}): retrying`);
        down = true;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  private setOffline(on: boolean): void {
    this.offline = on;
    this.o.metrics?.offline.set(on ? 1 : 0);
  }

  /**
   * While the server is unreachable (no successful claim for `offlineAfterMs`), checks the last
   * assignments on their slots: the same grid the server uses (`k × interval + offset`, the
   * offset a hash of the monitor id), the latest slot at or before now, so missed slots are
   * skipped as the server skips them. Stops after `offlineForMs` (or the server's own limit)
   * since the last contact: past that nothing is checked until the server answers again.
   */
  private async offlineLoop(): Promise<void> {
    while (this.running) {
      await sleep(250);
      const now = Date.now();
      // A long-poll still within its wait (plus a margin) is a link that works.
      const polling =
        this.pollingSince !== undefined && now - this.pollingSince < ((this.o.waitSeconds ?? 20) + 10) * 1000;
      const silentFor = polling ? 0 : now - this.lastContact;
      const limit = Math.min(this.o.offlineForMs, this.serverOfflineMaxMs);
      const wanted = this.region !== undefined && silentFor >= this.o.offlineAfterMs && silentFor < limit;
      if (wanted !== this.offline) {
        if (wanted) {
          this.o.log.warn(
            { monitors: this.specs.size },
            `offline checking: no contact for ${Math.round(silentFor / 1000)} s, checking the last assignments here`,
          );
        } else if (silentFor >= limit) {
          this.o.log.warn(`offline checking stopped: no contact for ${Math.round(limit / 1000)} s`);
        }
        this.setOffline(wanted);
      }
      if (!this.offline || !this.region) continue;
      try {
        await this.scheduleOffline(this.region);
      } catch (err) {
        this.o.log.warn({ err: String(err) }, "offline scheduling failed");
      }
    }
  }

  private async scheduleOffline(region: string): Promise<void> {
    const now = Date.now() + this.skewMs;
    let room = await this.room();
    for (const spec of this.specs.values()) {
      if (room <= 0) return;
      if (!(spec.intervalSeconds > 0)) continue;
      const intervalMs = spec.intervalSeconds * 1000;
      const slotAt = latestSlotAtOrBefore(now, intervalMs, slotOffsetMs(spec.monitorId, intervalMs));
      if (slotAt <= (this.lastSlot.get(spec.monitorId) ?? -1)) continue;
      this.lastSlot.set(spec.monitorId, slotAt);
      this.offlineKeys.add(keyOf(spec.monitorId, slotAt));
      await this.queue.enqueue("check.run", { spec, region, slotAt, manual: false });
      room--;
    }
  }

  private async uploadLoop(): Promise<void> {
    while (this.running) {
      try {
        await this.flush();
      } catch (err) {
        if (this.fatal(err)) return;
        this.o.metrics?.uploadFailures.inc();
        // Kept in the buffer; the claim loop reports the link.
      }
      await sleep(this.buffer.size > 0 ? 250 : 500);
    }
  }

  private async flush(): Promise<void> {
    while (this.buffer.size > 0) {
      const batch = this.buffer.peek(500);
      const outcome = await this.client.results(batch);
      for (const r of outcome.refused) {
        this.o.log.warn(
          { monitorId: batch[r.index]?.monitorId, slotAt: batch[r.index]?.slotAt },
          `result refused: ${r.reason}`,
        );
      }
      this.buffer.remove(batch.length);
      this.o.metrics?.uploaded.inc(batch.length);
      this.o.metrics?.buffered.set(this.buffer.size);
      if (batch.some((r) => r.offline)) {
        this.o.log.info(
          { results: batch.length, refused: outcome.refused.length },
          `uploaded ${batch.length} buffered results`,
        );
      }
    }
  }
}
