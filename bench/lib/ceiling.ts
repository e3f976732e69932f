import { fork } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BareClient } from "./bare-clients.ts";
import { freshGet } from "./fresh-get.ts";
import { progress } from "./progress.ts";
import type { Target } from "./target.ts";

export interface Ceiling {
  concurrency: number;
  seconds: number;
  requests: number;
  errors: number;
  perSecond: number;
  /** CPU of the loop itself (this process) per 1,000 requests: what a check costs at the least. */
  clientCpuSecondsPer1k: number;
  targetCpuSecondsPer1k: number;
}

/**
 * The machine's ceiling: GETs to the target, each on a fresh connection (its own undici Client,
 * destroyed after the response, as the probe does), `concurrency` at a time, for `ms` after a warm-up.
 */
export async function measureCeiling(
  target: Target,
  concurrency: number,
  ms: number,
  warmupMs = 2_000,
): Promise<Ceiling> {
  await target.reset();
  let requests = 0;
  let errors = 0;
  // Requests of the warm-up (JIT, first connections) are made but not counted.
  const deadline = performance.now() + warmupMs + ms;
  let started = Number.POSITIVE_INFINITY;
  let cpu0 = process.cpuUsage();
  let targetCpu0 = target.cpuMs();
  const warmup = setTimeout(() => {
    started = performance.now();
    cpu0 = process.cpuUsage();
    targetCpu0 = target.cpuMs();
    requests = 0;
    errors = 0;
  }, warmupMs);
  const once = async (n: number) => {
    if (await freshGet(target.origin, `/ceiling/${n}`)) requests++;
    else errors++;
  };

  let issued = 0;
  const worker = async () => {
    while (performance.now() < deadline) await once(issued++);
  };
  const ticker = setInterval(() => {
    if (!Number.isFinite(started)) return progress("ceiling", "warming up");
    const s = (performance.now() - started) / 1000;
    progress(
      "ceiling",
      `${s.toFixed(0)}/${ms / 1000} s  ${requests} requests (${(requests / s).toFixed(0)}/s), ${errors} errors`,
    );
  }, 1_000);
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    clearInterval(ticker);
    clearTimeout(warmup);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const served = await target.count();
  if (served < requests) throw new Error(`target served ${served} requests but the loop counted ${requests}`);
  return {
    concurrency,
    seconds,
    requests,
    errors,
    perSecond: requests / seconds,
    clientCpuSecondsPer1k: ((cpu.user + cpu.system) / 1e6 / requests) * 1000,
    targetCpuSecondsPer1k: ((target.cpuMs() - targetCpu0) / 1000 / requests) * 1000,
  };
}

/** The bare loop at a fixed rate: what fresh-connection requests cost at the pace monitors make them. */
export interface PacedLoop {
  perSecond: number;
  seconds: number;
  requests: number;
  errors: number;
  /** CPU of the loop's own process per 1,000 requests at this pace (the steady rows' baseline). */
  clientCpuSecondsPer1k: number;
}

const PACED_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "paced-loop.ts");

/**
 * The ceiling's GET on a fresh connection, `perSecond` of them spread evenly, each released by its
 * own timer at its time as the scheduler releases checks, in a process of its own (so the bench
 * driver's own work is not counted) after a warm-up at the same pace. At a low rate every request
 * wakes an idle process and an idle target, which costs far more CPU per request than the
 * back-to-back ceiling loop: this is the fair baseline for the steady rows.
 */
export async function measurePaced(
  target: Target,
  perSecond: number,
  ms: number,
  client: BareClient = "undici",
): Promise<PacedLoop> {
  const child = fork(PACED_SCRIPT, [target.origin, String(perSecond), String(ms), "5000", client], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  progress(
    "paced",
    `bare loop (${client}) at ${perSecond.toFixed(1)}/s for ${ms / 1000} s after a 5 s warm-up (pid ${child.pid})`,
  );
  return new Promise<PacedLoop>((resolve, reject) => {
    child.once("message", (m) => resolve(m as PacedLoop));
    child.once("exit", (code) => reject(new Error(`paced loop exited (${code}) without a result`)));
  });
}
