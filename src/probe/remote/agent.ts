import type { Judgement } from "../../domain/assertions.ts";
import type { Observation } from "../../domain/check-result.ts";
import type { CheckSpec } from "../../domain/monitor.ts";
import type { Logger } from "../../lib/logger.ts";
import { MemoryQueue } from "../../queue/drivers/memory.ts";
import type { Consumer } from "../../queue/queue.ts";
import type { Probe, ProbeOptions } from "../types.ts";
import { startProbeWorker } from "../worker.ts";
import { ResultBuffer } from "./buffer.ts";
import { type AssignedSpec, ProbeClient, TokenRefused } from "./client.ts";

export interface RemoteAgentOptions {
  url: string;
  token: string;
  version: string;
  probe: Probe;
  judge: (spec: CheckSpec, observation: Observation) => Judgement;
  probeOptions: ProbeOptions;
  concurrency: number;
  log: Logger;
  /** Results kept while the server is unreachable, at most (oldest dropped first). */
  bufferMax: number;
  /** Where the buffer survives a restart; in memory only when unset. */
  bufferFile?: string;
  /** Long-poll wait per claim request, seconds (the server caps it at 25). */
  waitSeconds?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A remote probe (`upblit probe`): claims its region's due slots from the server (long-poll),
 * runs them with the same worker, probers and judge as an in-cluster probe (through a queue in
 * this process), and uploads the results in batches. Stops when the token is refused.
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
  /** Why the agent stopped: "stopped" (asked to) or "refused" (token revoked or unknown). */
  stopReason: "stopped" | "refused" = "stopped";

  constructor(private readonly o: RemoteAgentOptions) {
    this.client = new ProbeClient(o.url, o.token, `upblit-probe/${o.version} (+https://upblit.dev)`);
    this.queue = new MemoryQueue(o.log);
    this.buffer = new ResultBuffer(o.bufferMax, o.bufferFile);
  }

  /** Runs until `stop()` or the token is refused; resolves with the reason. */
  async run(): Promise<"stopped" | "refused"> {
    const log = this.o.log;
    log.info({ url: this.o.url, buffered: this.buffer.size }, `probe connecting to ${this.o.url}`);
    this.queue.consume(
      "check.result",
      async (result) => {
        this.buffer.push(result);
        log.info(
          { monitorId: result.monitorId, slotAt: result.slotAt, status: result.status },
          `checked ${result.monitorId}: ${result.status} in ${Math.round(result.timings.total)} ms`,
        );
      },
      { concurrency: 1 },
    );
    await Promise.all([this.claimLoop(), this.uploadLoop()]);
    await this.worker?.stop(5_000);
    await this.flush().catch(() => undefined);
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

  private refused(err: TokenRefused): void {
    if (this.stopReason !== "refused") this.o.log.error(`${err.message}: stopping`);
    this.stopReason = "refused";
    this.running = false;
  }

  private async refresh(): Promise<void> {
    const got = await this.client.assignments(this.revision);
    if (got.unchanged) return;
    this.specs.clear();
    for (const spec of got.monitors) this.specs.set(spec.monitorId, spec);
    this.revision = got.revision;
    if (this.region !== got.region) {
      this.region = got.region;
      this.worker = startProbeWorker({
        queue: this.queue,
        probe: this.o.probe,
        judge: this.o.judge,
        options: this.o.probeOptions,
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

  private async claimLoop(): Promise<void> {
    let backoff = 1_000;
    let down = false;
    while (this.running) {
      try {
        if (!this.region) await this.refresh();
        if (!this.region) continue;
        const { waiting, active } = await this.queue.depth("check.run", this.region);
        const room = 2 * this.o.concurrency - waiting - active;
        if (room <= 0) {
          await sleep(100);
          continue;
        }
        const sent = Date.now();
        const { serverTime, slots } = await this.client.claim(
          room,
          this.o.waitSeconds ?? 20,
          this.stopping.signal,
        );
        // The answer left the server at serverTime, about half way through a short exchange.
        if (Date.now() - sent < 1_000) this.skewMs = serverTime - Math.round((sent + Date.now()) / 2);
        if (down) this.o.log.info("server reachable again");
        down = false;
        backoff = 1_000;
        if (slots.some((s) => (this.specs.get(s.monitorId)?.revision ?? -1) < s.revision))
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
          await this.queue.enqueue("check.run", {
            spec,
            region: this.region,
            slotAt: slot.slotAt,
            manual: false,
          });
        }
      } catch (err) {
        if (err instanceof TokenRefused) return this.refused(err);
        if (!this.running) return;
        if (!down) this.o.log.warn({ err: String(err) }, `server unreachable (${String(err)}): retrying`);
        down = true;
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 30_000);
      }
    }
  }

  private async uploadLoop(): Promise<void> {
    while (this.running) {
      try {
        await this.flush();
      } catch (err) {
        if (err instanceof TokenRefused) return this.refused(err);
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
        this.o.log.warn({ monitorId: batch[r.index]?.monitorId }, `result refused: ${r.reason}`);
      }
      this.buffer.remove(batch.length);
    }
  }
}
