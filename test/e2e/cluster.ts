/**
 * Helpers for tests that run Upblit's roles as separate processes (issue 16): start a role, track
 * every process a test started (killed or not) so their output can be read afterwards and
 * `killAll` cleans up, read an API process's live stream, read the probes' log of finished checks.
 */
import { expect } from "vitest";
import {
  accessTokenFor,
  freePort,
  runCli,
  startUpblitProcess,
  type UpblitProcess,
  waitForOutput,
} from "./helpers.ts";

export type Role = "api" | "scheduler" | "probe" | "evaluator" | "notifier";

export interface RoleProcess extends UpblitProcess {
  name: string;
  role: Role;
  region: string | undefined;
}

/** Every process a test started, in order; `killAll` SIGKILLs those still running. */
export class Cluster {
  readonly processes: RoleProcess[] = [];
  private n = 0;

  constructor(
    /** DATABASE_URL, REDIS_URL, SECRET_KEY, … given to every process. */
    readonly env: Record<string, string>,
    private readonly dataRoot: string,
  ) {}

  /**
   * Starts `upblit start --roles <role> [--region r]` and waits until it is ready: an API process
   * answers /readyz (and is signed in to), any other prints "roles started". `port` reuses an API
   * process's port (a replacement behind the same address).
   */
  async start(
    role: Role,
    options: { region?: string; port?: number; env?: Record<string, string> } = {},
  ): Promise<RoleProcess> {
    const name = `${role}${options.region ? `-${options.region}` : ""}-${++this.n}`;
    const env: Record<string, string> = { ...this.env, DATA_DIR: `${this.dataRoot}/${name}`, ...options.env };
    if (options.region) env.REGION = options.region;
    if (role === "api") {
      const p = await startUpblitProcess(env.DATA_DIR!, options.port ?? (await freePort()), {
        ...env,
        UPBLIT_ROLES: "api",
      });
      return this.track(p, name, role, options.region);
    }
    const args = ["start", "--roles", role, ...(options.region ? ["--region", options.region] : [])];
    const p = this.track(runCli(args, env), name, role, options.region);
    await waitForOutput(p, /roles started/);
    return p;
  }

  live(role?: Role): RoleProcess[] {
    return this.processes.filter(
      (p) =>
        (role === undefined || p.role === role) && p.child.exitCode === null && p.child.signalCode === null,
    );
  }

  async kill(p: RoleProcess, signal: NodeJS.Signals = "SIGKILL") {
    p.child.kill(signal);
    return p.exited;
  }

  async killAll(): Promise<void> {
    for (const p of this.live()) {
      p.child.kill("SIGKILL");
      await p.exited;
    }
  }

  private track(p: UpblitProcess, name: string, role: Role, region: string | undefined): RoleProcess {
    const rp = Object.assign(p, { name, role, region });
    this.processes.push(rp);
    return rp;
  }
}

export interface LiveMessage {
  event: string;
  data: { monitorId?: string; incidentId?: string; change?: string; status?: string; slotAt?: string };
  at: number;
}

/**
 * Reads an API process's event stream in the background, collecting every event with its arrival
 * time. `onClose` gets the abort that ends it (register it with the test's cleanups).
 */
export async function openStream(base: string, onClose: (abort: () => void) => void): Promise<LiveMessage[]> {
  const messages: LiveMessage[] = [];
  const controller = new AbortController();
  onClose(() => controller.abort());
  const res = await fetch(`${base}/api/v1/events`, {
    headers: { authorization: `Bearer ${accessTokenFor(base)}`, accept: "text/event-stream" },
    signal: controller.signal,
  });
  expect(res.status).toBe(200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      buffer += value;
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.+)$/m.exec(block)?.[1];
        const data = /^data: (.+)$/m.exec(block)?.[1];
        if (event && data) messages.push({ event, data: JSON.parse(data), at: Date.now() });
        end = buffer.indexOf("\n\n");
      }
    }
  })();
  return messages;
}

/** A check a probe ran to a result and queued (its `check result queued` debug line). */
export interface FinishedCheck {
  monitorId: string;
  region: string;
  slotAt: number;
  status: string;
  manual: boolean;
  /** When the probe logged it (ms). */
  time: number;
  probe: string;
}

/** The checks the probe processes finished, from their JSON log lines (LOG_LEVEL=debug). */
export function finishedChecks(probes: RoleProcess[]): FinishedCheck[] {
  const out: FinishedCheck[] = [];
  for (const p of probes) {
    for (const line of p.stdout().split("\n")) {
      if (!line.includes('"check result queued"')) continue;
      // A killed process may leave half a line.
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      out.push({
        monitorId: String(entry.monitorId),
        region: String(entry.region),
        slotAt: Number(entry.slotAt),
        status: String(entry.status),
        manual: entry.manual === true,
        time: Number(entry.time),
        probe: p.name,
      });
    }
  }
  return out;
}
