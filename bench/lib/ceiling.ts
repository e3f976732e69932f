import { Client } from "undici";
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
    const client = new Client(target.origin, { pipelining: 1, headersTimeout: 5_000, bodyTimeout: 5_000 });
    try {
      const res = await client.request({ path: `/ceiling/${n}`, method: "GET" });
      await res.body.text();
      if (res.statusCode === 200) requests++;
      else errors++;
    } catch {
      errors++;
    } finally {
      await client.destroy().catch(() => {});
    }
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
