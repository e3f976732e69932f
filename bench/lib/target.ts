import { type ChildProcess, fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { onCleanup, trackPid } from "./cleanup.ts";
import { processCpuMs } from "./proc.ts";
import { withTimeout } from "./progress.ts";

export interface Target {
  pid: number;
  origin: string;
  /** Requests answered since the last reset. */
  count(): Promise<number>;
  reset(): Promise<void>;
  cpuMs(): number;
  stop(): Promise<void>;
}

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "target-server.ts");

/** Forks the target server (target-server.ts) and waits until it listens. */
export async function startTarget(): Promise<Target> {
  const child: ChildProcess = fork(SCRIPT, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  if (child.pid === undefined) throw new Error("could not start the target server");
  const pid = child.pid;
  const untrack = trackPid(pid);
  let nextId = 0;
  const waiting = new Map<number, (count: number) => void>();
  const ready = new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`target server exited early (${code})`)));
    child.on("message", (m: { type: string; port?: number; id?: number; count?: number }) => {
      if (m.type === "ready" && m.port) resolve(m.port);
      if (m.type === "reply" && m.id !== undefined) waiting.get(m.id)?.(m.count ?? 0);
    });
  });
  // Generous: a tsx fork has taken over 15 s to listen on the shared machine under load.
  const port = await withTimeout("target server start", 120_000, ready);
  const ask = (type: "count" | "reset") => {
    const id = nextId++;
    const answer = new Promise<number>((resolve) => waiting.set(id, resolve));
    child.send({ type, id });
    return withTimeout(`target ${type}`, 5_000, answer).finally(() => waiting.delete(id));
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.disconnect();
    await withTimeout("target stop", 5_000, exited).catch(() => child.kill("SIGKILL"));
    untrack();
  };
  onCleanup(stop, "the target server");
  return {
    pid,
    origin: `http://127.0.0.1:${port}`,
    count: () => ask("count"),
    reset: async () => {
      await ask("reset");
    },
    cpuMs: () => processCpuMs(pid),
    stop,
  };
}
