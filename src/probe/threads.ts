import { Worker } from "node:worker_threads";
import type { Observation } from "../domain/check-result.ts";
import type { CheckSpec } from "../domain/monitor.ts";
import type { Logger } from "../lib/logger.ts";
import type { Probe, ProbeOptions } from "./types.ts";

export interface ProbeRequest {
  id: number;
  spec: CheckSpec;
  options: ProbeOptions;
}

export interface ProbeResponse {
  id: number;
  observation: Observation;
}

/** Why a check handed to a thread has no observation: the thread stopped under it. */
export class ProbeThreadStopped extends Error {
  constructor(reason: string) {
    super(`probe thread stopped: ${reason}`);
    this.name = "ProbeThreadStopped";
  }
}

interface Pending {
  resolve: (observation: Observation) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/**
 * Runs checks in worker threads (PROBE_THREADS) and is itself a `Probe`, so the probe role uses it
 * exactly as it uses `runProbe`. Each check goes to the thread with the fewest in flight. A thread
 * that dies fails its in-flight checks with ProbeThreadStopped (the probe role records those as
 * `unknown`: our fault, not the target's) and is replaced.
 */
export class ProbeThreads {
  private readonly threads: Thread[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    count: number,
    private readonly log: Logger,
    /** The thread's module: src/monitor-types/thread.ts (PROBE_THREAD_ENTRY), which runs every type. */
    private readonly entry: URL,
  ) {
    for (let i = 0; i < count; i++) this.threads.push(this.spawn());
  }

  readonly probe: Probe = (spec: CheckSpec, options: ProbeOptions) => {
    if (this.closed) return Promise.reject(new ProbeThreadStopped("closed"));
    const thread = this.leastBusy();
    const id = ++this.nextId;
    return new Promise<Observation>((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      const request: ProbeRequest = { id, spec, options };
      thread.worker.postMessage(request);
    });
  };

  get size(): number {
    return this.threads.length;
  }

  /** Stops every thread; checks still in flight fail with ProbeThreadStopped. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private leastBusy(): Thread {
    let best = this.threads[0]!;
    for (const t of this.threads) if (t.pending.size < best.pending.size) best = t;
    return best;
  }

  private spawn(): Thread {
    // Run from the sources (tests), the thread first registers the TypeScript loader (tsx); the
    // compiled build starts the JavaScript file directly.
    const worker = this.entry.pathname.endsWith(".ts")
      ? new Worker(
          `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(this.entry.href)}); })`,
          { eval: true },
        )
      : new Worker(this.entry);
    const thread: Thread = { worker, pending: new Map() };
    worker.on("message", (response: ProbeResponse) => {
      const pending = thread.pending.get(response.id);
      thread.pending.delete(response.id);
      pending?.resolve(response.observation);
    });
    worker.on("error", (err) => this.log.error({ err }, "probe thread failed"));
    worker.on("exit", (code) => this.replace(thread, `exit code ${code}`));
    return thread;
  }

  private replace(thread: Thread, reason: string): void {
    const failed = [...thread.pending.values()];
    thread.pending.clear();
    for (const p of failed) p.reject(new ProbeThreadStopped(reason));
    if (this.closed) return;
    this.log.error({ reason, failedChecks: failed.length }, "probe thread stopped; starting another");
    const index = this.threads.indexOf(thread);
    if (index >= 0) this.threads[index] = this.spawn();
  }
}
