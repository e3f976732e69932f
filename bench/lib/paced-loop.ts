// The bare loop at a fixed pace, in its own process (forked by measurePaced in ceiling.ts): the same
// GET on a fresh connection as the ceiling loop, `perSecond` spread evenly, each on its own timer.
// Runs `warmupMs` at that pace unmeasured, then `ms` measured; sends the result and exits.
// The client is undici's by default (what a check uses); bench/floor.ts compares others.
import { BARE_CLIENTS, type BareClient } from "./bare-clients.ts";

const [origin = "", rateArg = "1", msArg = "20000", warmupArg = "5000", clientArg = "undici"] =
  process.argv.slice(2);
const get = BARE_CLIENTS[clientArg as BareClient];
if (!get) throw new Error(`unknown client ${clientArg}`);
const perSecond = Number(rateArg);
const gapMs = 1000 / perSecond;

let requests = 0;
let errors = 0;

async function once(): Promise<void> {
  if (await get(origin, "/paced")) requests++;
  else errors++;
}

/** Sends `perSecond` requests a second for `ms`, one timer per request, and waits for all of them. */
async function run(ms: number): Promise<void> {
  const started = performance.now();
  const total = Math.round((perSecond * ms) / 1000);
  const pending = new Set<Promise<void>>();
  // Bounded: one pass a second, each arming that second's requests.
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
requests = 0;
errors = 0;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await run(Number(msArg));
const cpu = process.cpuUsage(cpu0);
const seconds = (performance.now() - t0) / 1000;
process.send?.(
  {
    perSecond,
    seconds,
    requests,
    errors,
    clientCpuSecondsPer1k: ((cpu.user + cpu.system) / 1e6 / Math.max(1, requests)) * 1000,
  },
  () => process.exit(0),
);
