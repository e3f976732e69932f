// The bare client of one monitor type at a fixed pace, in its own process (forked by
// measureTypePaced in types-run.ts): `perSecond` exchanges spread evenly, each released by its own
// timer, `warmupMs` unmeasured then `ms` measured. Its CPU includes reaped child processes (ping).

import { processCpuWithChildrenMs } from "./proc.ts";
import { TYPE_CASES } from "./type-cases.ts";
import type { TypeTargets } from "./type-servers.ts";

const [type = "", targetsJson = "{}", rateArg = "1", msArg = "20000", warmupArg = "3000"] =
  process.argv.slice(2);
const typeCase = TYPE_CASES[type];
if (!typeCase) throw new Error(`no bench case for type ${type}`);
const targets = JSON.parse(targetsJson) as TypeTargets;
const perSecond = Number(rateArg);
const gapMs = 1000 / perSecond;

let done = 0;
let errors = 0;

async function once(): Promise<void> {
  if (await typeCase!.bare(targets).catch(() => false)) done++;
  else errors++;
}

async function run(ms: number): Promise<void> {
  const started = performance.now();
  const total = Math.round((perSecond * ms) / 1000);
  const pending = new Set<Promise<void>>();
  // Bounded: one pass a second, each arming that second's exchanges.
  for (let second = 0; second * 1000 < ms; second++) {
    const to = Math.min(total, Math.round((second + 1) * perSecond));
    for (let i = Math.round(second * perSecond); i < to; i++) {
      const wait = Math.max(0, started + i * gapMs - performance.now());
      const p: Promise<void> = new Promise<void>((r) => setTimeout(r, wait))
        .then(once)
        .finally(() => pending.delete(p));
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, started + (second + 1) * 1000 - performance.now())));
  }
  await Promise.all(pending);
}

await run(Number(warmupArg));
done = 0;
errors = 0;
const cpu0 = processCpuWithChildrenMs(process.pid);
const t0 = performance.now();
await run(Number(msArg));
const cpuMs = processCpuWithChildrenMs(process.pid) - cpu0;
process.send?.(
  { perSecond, seconds: (performance.now() - t0) / 1000, checks: done, errors, cpuSeconds: cpuMs / 1000 },
  () => process.exit(0),
);
