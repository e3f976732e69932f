import { rmSync } from "node:fs";

/**
 * Everything the bench must undo: child processes (by pid) and temp folders. Async tasks run on a
 * normal or failed finish; the synchronous part also runs on `exit`, so a crash still kills children.
 */
const pids = new Set<number>();
const dirs = new Set<string>();
const tasks: Array<() => Promise<void>> = [];

export function trackPid(pid: number): () => void {
  pids.add(pid);
  return () => pids.delete(pid);
}

export function trackDir(dir: string): () => void {
  dirs.add(dir);
  return () => {
    dirs.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
}

export function onCleanup(task: () => Promise<void>): void {
  tasks.push(task);
}

function killAndRemoveSync(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

export async function runCleanup(): Promise<void> {
  for (const task of tasks.splice(0).reverse()) {
    await task().catch(() => {});
  }
  killAndRemoveSync();
}

export function installCleanupHandlers(): void {
  process.on("exit", killAndRemoveSync);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
      void runCleanup().finally(() => process.exit(130));
    });
  }
}
