import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { cpus } from "node:os";
import path from "node:path";

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU of a process (all its threads), in ms, from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond();
}

/**
 * Like processCpuMs, plus the CPU of its children that have exited and been waited for (cutime,
 * cstime): what a process that spawns short-lived helpers (ping) costs in all.
 */
export function processCpuWithChildrenMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / ticksPerSecond();
}

/** Current and peak resident memory of a process, in MB (VmRSS, VmHWM). */
export function processMemoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** Machine-wide busy and total CPU time in ms, from the first line of /proc/stat. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const n = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = n.reduce((a, b) => a + b, 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  const perTick = 1000 / ticksPerSecond();
  return { busy: (total - idle) * perTick, total: total * perTick };
}

/** Bytes on disk under a folder (apparent file sizes), without following links. */
export function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    try {
      total += statSync(path.join(entry.parentPath, entry.name)).size;
    } catch {
      // removed while we walked (WAL segments come and go)
    }
  }
  return total;
}

export function machineInfo(): { nproc: number; cpuModel: string; node: string; memGb: number } {
  const meminfo = readFileSync("/proc/meminfo", "utf8");
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
  return {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    memGb: Math.round(memKb / 1024 / 1024),
  };
}

/** The commit measured, with a note when src/ differs from it (others edit the tree meanwhile). */
export function codeVersion(repoRoot: string): string {
  try {
    const git = (args: string[]) => execFileSync("git", args, { cwd: repoRoot, encoding: "utf8" }).trim();
    const dirty = git(["status", "--porcelain", "--", "src", "bin", "package.json"]) !== "";
    return `${git(["rev-parse", "--short", "HEAD"])}${dirty ? " + uncommitted changes in src/" : ""}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

export function loadAverage(): string {
  return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
}

/**
 * Where a process's resident memory is, from /proc/<pid>/smaps, in MB: `wasmMemory` is the
 * WebAssembly linear memory (PGlite's PostgreSQL heap: shared buffers, catalog caches, work
 * memory): V8 reserves several GB of address space for it and opens the part in use read-write,
 * so it is the anonymous read-write mapping right before a multi-GB inaccessible one; `files` is
 * what is mapped from files (the node binary, shared libraries); `otherAnon` is the rest (V8's
 * heaps and compiled code, WebAssembly code, malloc).
 */
export function processMemoryBreakdownMb(pid: number): {
  wasmMemory: number;
  files: number;
  otherAnon: number;
} {
  const maps: Array<{ start: number; end: number; perms: string; name: string; rssKb: number }> = [];
  for (const line of readFileSync(`/proc/${pid}/smaps`, "utf8").split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) {
      maps.push({
        start: Number.parseInt(head[1]!, 16),
        end: Number.parseInt(head[2]!, 16),
        perms: head[3]!,
        name: head[4] ?? "",
        rssKb: 0,
      });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    const last = maps[maps.length - 1];
    if (rss && last) last.rssKb += Number(rss[1]);
  }
  const out = { wasmMemory: 0, files: 0, otherAnon: 0 };
  for (const [i, m] of maps.entries()) {
    const next = maps[i + 1];
    const beforeReservation =
      next !== undefined &&
      next.start === m.end &&
      next.perms.startsWith("---") &&
      next.name === "" &&
      next.end - next.start >= 4 * 1024 ** 3;
    const kind = m.name.startsWith("/")
      ? "files"
      : m.name === "" && m.perms.startsWith("rw") && beforeReservation
        ? "wasmMemory"
        : "otherAnon";
    out[kind] += m.rssKb / 1024;
  }
  return out;
}
