import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { onCleanup, trackPid } from "./cleanup.ts";
import { processCpuMs, processMemoryMb } from "./proc.ts";
import { REPO_ROOT, UPBLIT_ENTRY } from "./upblit-child.ts";

export interface ProbeChild {
  pid: number;
  /** Resolves with Date.now() when a log line whose msg passes `test` arrives (after this call). */
  nextLine(test: (msg: string, line: Record<string, unknown>) => boolean, timeoutMs: number): Promise<number>;
  /** Resolves with the exit code and Date.now() at the exit. */
  exited: Promise<{ code: number | null; at: number }>;
  cpuMs(): number;
  rssMb(): number;
  stop(timeoutMs: number): Promise<void>;
  output(): string;
}

/**
 * `upblit probe --connect URL` (the compiled CLI, as `npx upblit probe` runs it) with the token in
 * UPBLIT_PROBE_TOKEN and JSON logs at LOG_LEVEL info (the default), a clean environment otherwise.
 * Every line is read (a full pipe would stall the probe); only the ones waited for are parsed.
 */
export function spawnProbe(url: string, token: string, args: string[]): ProbeChild {
  const child: ChildProcess = spawn(
    process.execPath,
    [UPBLIT_ENTRY, "probe", "--connect", url, "--log-format", "json", ...args],
    {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        UPBLIT_PROBE_TOKEN: token,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  if (child.pid === undefined) throw new Error("could not spawn upblit probe");
  const pid = child.pid;
  const untrack = trackPid(pid);
  let tail = "";
  const keep = (text: string) => {
    tail = (tail + text).slice(-4000);
  };
  child.stderr?.on("data", (c: Buffer) => keep(c.toString()));
  const watchers = new Set<(msg: string, line: Record<string, unknown>, at: number) => void>();
  createInterface({ input: child.stdout! }).on("line", (text) => {
    if (text.includes('"checked ')) return;
    keep(`${text}\n`);
    if (watchers.size === 0) return;
    const at = Date.now();
    try {
      const line = JSON.parse(text) as Record<string, unknown>;
      for (const w of [...watchers]) w(String(line.msg), line, at);
    } catch {
      // not a log line
    }
  });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.once("exit", (code) => {
      untrack();
      resolve({ code, at: Date.now() });
    }),
  );
  const stop = async (timeoutMs: number) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    await exited;
    clearTimeout(timer);
  };
  onCleanup(() => stop(5_000), `the remote probe (pid ${pid})`);
  return {
    pid,
    exited,
    nextLine: (test, timeoutMs) =>
      new Promise<number>((resolve, reject) => {
        const w = (msg: string, line: Record<string, unknown>, at: number) => {
          if (!test(msg, line)) return;
          watchers.delete(w);
          clearTimeout(timer);
          resolve(at);
        };
        const timer = setTimeout(() => {
          watchers.delete(w);
          reject(new Error(`upblit probe: no such line within ${timeoutMs} ms\n${tail}`));
        }, timeoutMs);
        watchers.add(w);
        void exited.then(({ code }) => {
          if (!watchers.has(w)) return;
          watchers.delete(w);
          clearTimeout(timer);
          reject(new Error(`upblit probe exited (${code}) while waited on\n${tail}`));
        });
      }),
    cpuMs: () => processCpuMs(pid),
    rssMb: () => processMemoryMb(pid).rss,
    stop,
    output: () => tail,
  };
}
