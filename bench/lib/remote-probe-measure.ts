/**
 * One measured window of `bench:remote-probe`: the checks the target answered, each process's CPU
 * and peak RSS, and the bytes through the relay, after a warm-up, with progress every 5 s.
 */
import type { ByteRelay } from "./byte-relay.ts";
import { loadAverage } from "./proc.ts";
import { progress, sleep } from "./progress.ts";
import type { Target } from "./target.ts";

export interface Measured {
  label: string;
  seconds: number;
  checks: number;
  perSecond: number;
  /** CPU-ms in the window, by process name. */
  cpu: Map<string, number>;
  rss: Map<string, number>;
  bytes?: { up: number; down: number };
}

/** Checks the target answered and each process's CPU over `windowS`, after `warmupS`. */
export async function measure(
  label: string,
  target: Target,
  procs: Array<{ name: string; cpuMs(): number; rssMb(): number }>,
  warmupS: number,
  windowS: number,
  relay?: ByteRelay,
): Promise<Measured> {
  const warmUntil = Date.now() + warmupS * 1000;
  const c0 = await target.count();
  while (Date.now() < warmUntil) {
    await sleep(Math.min(5_000, Math.max(0, warmUntil - Date.now())));
    const s = (Date.now() - warmUntil + warmupS * 1000) / 1000;
    progress(label, `warm-up: ${(((await target.count()) - c0) / s).toFixed(0)} checks/s`);
  }
  const t0 = Date.now();
  const count0 = await target.count();
  const cpu0 = new Map(procs.map((p) => [p.name, p.cpuMs()]));
  const bytes0 = relay?.bytes();
  const rss = new Map<string, number>();
  const until = t0 + windowS * 1000;
  while (Date.now() < until) {
    await sleep(Math.min(5_000, Math.max(0, until - Date.now())));
    for (const p of procs) rss.set(p.name, Math.max(rss.get(p.name) ?? 0, p.rssMb()));
    const s = (Date.now() - t0) / 1000;
    progress(
      label,
      `${s.toFixed(0)}/${windowS} s: ${(((await target.count()) - count0) / s).toFixed(0)} checks/s; load ${loadAverage()}`,
    );
  }
  const seconds = (Date.now() - t0) / 1000;
  const checks = (await target.count()) - count0;
  const cpu = new Map(procs.map((p) => [p.name, p.cpuMs() - cpu0.get(p.name)!]));
  const b = relay?.bytes();
  const bytes = b && bytes0 ? { up: b.up - bytes0.up, down: b.down - bytes0.down } : undefined;
  return { label, seconds, checks, perSecond: checks / seconds, cpu, rss, bytes };
}

/** CPU-ms per 1,000 checks of the named processes in a window. */
export const per1k = (m: Measured, names: string[]) =>
  (names.reduce((s, n) => s + (m.cpu.get(n) ?? 0), 0) / 1000 / Math.max(1, m.checks)) * 1000;
