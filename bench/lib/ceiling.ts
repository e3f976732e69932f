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
 * destroyed after the response, as the probe does), `concurrency` at a time, for `ms`.
 */
export async function measureCeiling(target: Target, concurrency: number, ms: number): Promise<Ceiling> {
  await target.reset();
  let requests = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + ms;
  const cpu0 = process.cpuUsage();
  const targetCpu0 = target.cpuMs();
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
