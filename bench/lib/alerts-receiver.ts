import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onCleanup, trackPid } from "./cleanup.ts";
import { processCpuMs } from "./proc.ts";
import { withTimeout } from "./progress.ts";

export interface ReceiverCounts {
  /** POSTs answered since the last reset. */
  requests: number;
  /** Distinct `webhook-id`s among them. */
  distinct: number;
  /** Date.now() when the last new id arrived (0: none yet). */
  lastNewAt: number;
}

export interface Receiver {
  pid: number;
  origin: string;
  counts(): Promise<ReceiverCounts>;
  reset(): Promise<void>;
  cpuMs(): number;
  stop(): Promise<void>;
}

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "alerts-receiver-server.ts");

/** Forks the webhook receiver (alerts-receiver-server.ts) and waits until it listens. */
export async function startReceiver(): Promise<Receiver> {
  const child: ChildProcess = fork(SCRIPT, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  if (child.pid === undefined) throw new Error("could not start the webhook receiver");
  const pid = child.pid;
  const untrack = trackPid(pid);
  let nextId = 0;
  const waiting = new Map<number, (counts: ReceiverCounts) => void>();
  const ready = new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`webhook receiver exited early (${code})`)));
    child.on("message", (m: { type: string; port?: number; id?: number; counts?: ReceiverCounts }) => {
      if (m.type === "ready" && m.port) resolve(m.port);
      if (m.type === "reply" && m.id !== undefined && m.counts) waiting.get(m.id)?.(m.counts);
    });
  });
  const port = await withTimeout("webhook receiver start", 15_000, ready);
  const ask = (type: "count" | "reset") => {
    const id = nextId++;
    const answer = new Promise<ReceiverCounts>((resolve) => waiting.set(id, resolve));
    child.send({ type, id });
    return withTimeout(`receiver ${type}`, 5_000, answer).finally(() => waiting.delete(id));
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.disconnect();
    await withTimeout("receiver stop", 5_000, exited).catch(() => child.kill("SIGKILL"));
    untrack();
  };
  onCleanup(stop, "the alerts receiver");
  return {
    pid,
    origin: `http://127.0.0.1:${port}`,
    counts: () => ask("count"),
    reset: async () => {
      await ask("reset");
    },
    cpuMs: () => processCpuMs(pid),
    stop,
  };
}
