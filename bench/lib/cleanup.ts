import { rmSync } from "node:fs";

/**
 * Everything the bench must undo: child processes (by pid) and temp folders. Async tasks run on a
 * normal or failed finish; the synchronous part also runs on `exit`, so a crash still kills children.
 */
const pids = new Set<number>();
const dirs = new Set<string>();
const tasks: Array<{ task: () => Promise<void>; label: string }> = [];

/** The longest one cleanup task may take before the bench gives up on it and goes on. */
const TASK_DEADLINE_MS = 20_000;

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

/** `label` names the task if it ever outlives TASK_DEADLINE_MS (the bench then says which, and goes on). */
export function onCleanup(task: () => Promise<void>, label = "a cleanup task"): void {
  tasks.push({ task, label });
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

/** Runs the cleanup tasks, last registered first, each bounded; then kills what is left. */
export async function runCleanup(): Promise<void> {
  for (const { task, label } of tasks.splice(0).reverse()) {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), TASK_DEADLINE_MS);
    });
    const outcome = await Promise.race([task().catch(() => undefined), late]);
    clearTimeout(timer);
    if (outcome === "late")
      process.stderr.write(`bench: cleanup of ${label} took over ${TASK_DEADLINE_MS / 1000} s; going on\n`);
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
