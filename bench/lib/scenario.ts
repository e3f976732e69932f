import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SETUP_LINK_MESSAGE } from "../../src/main.ts";
import { type Creation, createMonitors, setUpOwner } from "./api.ts";
import type { PacedLoop } from "./ceiling.ts";
import { trackDir } from "./cleanup.ts";
import { StatsDb, type StoreStats, type WindowStats } from "./db-stats.ts";
import { dirBytes, machineCpuMs } from "./proc.ts";
import { progress, sleep } from "./progress.ts";
import type { Target } from "./target.ts";
import { migrateDataDir, spawnUpblit, type UpblitChild } from "./upblit-child.ts";

export interface ScenarioSpec {
  label: string;
  monitors: number;
  intervalSeconds: number;
  timeoutMs: number;
  durationS: number;
  /** Seconds run after the monitors exist and before the window opens. */
  warmupS: number;
  probeConcurrency: number;
  createConcurrency: number;
  /** Extra environment for Upblit, e.g. MIN_INTERVAL_SECONDS. */
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Create the monitors with only the API role running, then restart with every role. */
  createWithoutChecks?: boolean;
}

export interface ScenarioResult {
  spec: ScenarioSpec;
  /** The bare loop at this scenario's due rate, measured right after it (steady sizes only). */
  paced?: PacedLoop;
  dataDir: string;
  /** Removes the data folder; call once nothing else needs it. */
  removeData: () => void;
  creation: Creation;
  /** `upblit migrate` on the empty folder (PGlite initdb), in its own process. */
  initdb: { ms: number; peakRssMb: number };
  window: { fromMs: number; toMs: number; seconds: number };
  stats: WindowStats;
  store: StoreStats;
  /** Requests the target answered over the child's whole life, against results stored. */
  targetRequests: number;
  cpuSeconds: number;
  peakRssMb: number;
  windowPeakRssMb: number;
  diskBytesDelta: number;
  /** Share of the machine's CPU used by processes other than Upblit and the target, in the window. */
  otherLoad: number;
  stopMs: number;
  exit: string;
  problemCount: number;
  problems: string[];
}

const STOP_TIMEOUT_MS = 30_000;

/**
 * One measured configuration on a fresh DATA_DIR: start Upblit, create the monitors through the
 * API, let it run for the duration, stop it (SIGTERM flushes results), then read the database.
 */
export async function runScenario(spec: ScenarioSpec, target: Target): Promise<ScenarioResult> {
  const { label } = spec;
  const dataDir = mkdtempSync(path.join(tmpdir(), "upblit-bench-"));
  const removeData = trackDir(dataDir);
  progress(label, `upblit migrate on a fresh DATA_DIR (${dataDir})`);
  const initdb = await migrateDataDir(dataDir);
  await target.reset();
  let child = await startChild(spec, dataDir, spec.createWithoutChecks ? { UPBLIT_ROLES: "api" } : {});
  const setupLine = await child.waitForLog(SETUP_LINK_MESSAGE, 10_000);
  const accessToken = await setUpOwner(child.url, String(setupLine.setupUrl));
  progress(label, `creating ${spec.monitors} monitors`);
  const creation = await createMonitors(
    child.url,
    accessToken,
    spec.monitors,
    { targetOrigin: target.origin, intervalSeconds: spec.intervalSeconds, timeoutMs: spec.timeoutMs },
    spec.createConcurrency,
    label,
  );
  progress(
    label,
    `created ${creation.created} in ${creation.seconds.toFixed(1)} s (${creation.perSecond.toFixed(0)}/s)` +
      (creation.failed ? `, ${creation.failed} FAILED: ${creation.firstErrors[0]}` : ""),
  );
  if (creation.failed > 0) {
    const ended = child.exitStatus();
    progress(
      label,
      `upblit ${ended ? `EXITED (${ended})` : "still running"} after failed creations; ` +
        `log: ${
          child.problems
            .map((l) => l.msg)
            .slice(0, 3)
            .join(" | ") || "-"
        }; stderr: ${child.stderrTail().slice(-500) || "-"}`,
    );
  }
  if (creation.created === 0) throw new Error(`${label}: no monitor could be created`);
  if (spec.createWithoutChecks) {
    await child.stop(STOP_TIMEOUT_MS);
    child = await startChild(spec, dataDir, {});
  }

  await warmUp(spec);
  const measured = await measureWindow(child, target, spec, dataDir);
  progress(label, "stopping upblit (SIGTERM)");
  const end = await child.stop(STOP_TIMEOUT_MS);
  const targetRequests = await target.count();
  progress(label, `stopped in ${end.ms} ms (${end.code ?? end.signal}); reading the database`);
  const db = await StatsDb.open(dataDir);
  try {
    const stats = await db.window(measured.fromMs, measured.toMs);
    const store = await db.store();
    return {
      spec,
      dataDir,
      removeData,
      creation,
      initdb,
      ...measured,
      stats,
      store,
      targetRequests,
      stopMs: end.ms,
      exit: end.code === 0 ? "0" : String(end.code ?? end.signal),
      problemCount: child.problemCount,
      problems: child.problems.slice(0, 5).map((l) => `${l.msg} ${JSON.stringify(l.err ?? "")}`),
    };
  } finally {
    await db.close();
  }
}

async function startChild(spec: ScenarioSpec, dataDir: string, env: Record<string, string>) {
  const child = await spawnUpblit({
    env: {
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      PROBE_CONCURRENCY: String(spec.probeConcurrency),
      SHUTDOWN_TIMEOUT_SECONDS: "10",
      ...spec.env,
      ...env,
    },
    nodeArgs: spec.nodeArgs,
  });
  // Generous: on the shared machine (load 30–40 on 2 CPUs) a start has taken over a minute.
  const readyAt = await child.waitReady(180_000);
  const roles = env.UPBLIT_ROLES ?? "all roles";
  progress(
    spec.label,
    `upblit pid ${child.pid} (${roles}) ready ${readyAt - child.spawnedAt} ms after spawn`,
  );
  return child;
}

async function warmUp(spec: ScenarioSpec): Promise<void> {
  const until = Date.now() + spec.warmupS * 1000;
  // Bounded: one progress line a second until the warm-up ends.
  while (Date.now() < until) {
    progress(spec.label, `warming up: ${Math.ceil((until - Date.now()) / 1000)} s before the window opens`);
    await sleep(Math.min(1_000, until - Date.now()));
  }
}

async function measureWindow(child: UpblitChild, target: Target, spec: ScenarioSpec, dataDir: string) {
  const fromMs = Date.now();
  const cpu0 = child.cpuMs();
  const targetCpu0 = target.cpuMs();
  const machine0 = machineCpuMs();
  const disk0 = dirBytes(dataDir);
  const count0 = await target.count();
  const toMs = fromMs + spec.durationS * 1000;
  let windowPeakRssMb = 0;
  let last = { at: fromMs, count: count0, cpu: cpu0 };
  // Bounded: one iteration a second until the window ends.
  while (Date.now() < toMs) {
    await sleep(Math.min(1_000, Math.max(0, toMs - Date.now())));
    const now = Date.now();
    const count = await target.count();
    const cpu = child.cpuMs();
    const mem = child.memoryMb();
    windowPeakRssMb = Math.max(windowPeakRssMb, mem.rss);
    const dt = (now - last.at) / 1000;
    progress(
      spec.label,
      `${((now - fromMs) / 1000).toFixed(0)}/${spec.durationS} s  checks ${((count - last.count) / dt).toFixed(0)}/s ` +
        `(due ${(spec.monitors / spec.intervalSeconds).toFixed(0)}/s)  upblit cpu ${((cpu - last.cpu) / 10 / dt).toFixed(0)}%  ` +
        `rss ${mem.rss.toFixed(0)} MB` +
        (child.problemCount ? `  ${child.problemCount} warn/error log lines` : ""),
    );
    last = { at: now, count, cpu };
  }
  const endMs = Date.now();
  const cpuMs = child.cpuMs() - cpu0;
  const targetCpuMs = target.cpuMs() - targetCpu0;
  const machine = machineCpuMs();
  const memory = child.memoryMb();
  const diskBytesDelta = dirBytes(dataDir) - disk0;
  const machineBusy = machine.busy - machine0.busy;
  const machineTotal = machine.total - machine0.total;
  return {
    fromMs,
    toMs: endMs,
    window: { fromMs, toMs: endMs, seconds: (endMs - fromMs) / 1000 },
    cpuSeconds: cpuMs / 1000,
    peakRssMb: memory.peak,
    windowPeakRssMb: Math.max(windowPeakRssMb, memory.rss),
    diskBytesDelta,
    otherLoad: Math.max(0, (machineBusy - cpuMs - targetCpuMs) / machineTotal),
  };
}
