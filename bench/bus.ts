// npm run bench:bus — how long a live event takes from one connection to another: Redis pub/sub
// against PostgreSQL LISTEN/NOTIFY, on the services at 127.0.0.1 (docs/scaling.md, "Live bus").
// Each is measured one message at a time (latency alone) and at a steady rate (latency under load).
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";

const { values } = parseArgs({
  options: {
    redis: { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
    postgres: {
      type: "string",
      default: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    },
    count: { type: "string", default: "2000" },
    rate: { type: "string", default: "2000" },
    seconds: { type: "string", default: "5" },
  },
});
const COUNT = Number(values.count);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const CHANNEL = `upblit_bench_${process.pid}`;
/** A check.result event as the bus carries it (about 250 bytes). */
const EVENT = JSON.stringify({
  origin: "3f2b8a4e-8c1d-4f6e-9a55-0c2e7d1b9f00",
  event: {
    type: "check.result",
    organizationId: "org_01JF0000000000000000000000",
    monitorId: "mon_01JF0000000000000000000000",
    region: "eu-west",
    status: "up",
    slotAt: "2026-12-07T08:00:00.000Z",
    totalMs: 12.5,
  },
});

interface Transport {
  name: string;
  publish(message: string): Promise<void>;
  onMessage(listener: (message: string) => void): void;
  close(): Promise<void>;
}

async function redisTransport(): Promise<Transport> {
  const pub = new Redis(values.redis);
  const sub = new Redis(values.redis);
  await sub.subscribe(CHANNEL);
  return {
    name: "Redis pub/sub",
    publish: async (m) => void (await pub.publish(CHANNEL, m)),
    onMessage: (l) => sub.on("message", (_c: string, m: string) => l(m)),
    close: async () => {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

async function postgresTransport(): Promise<Transport> {
  const pub = new pg.Client({ connectionString: values.postgres });
  const sub = new pg.Client({ connectionString: values.postgres });
  await pub.connect();
  await sub.connect();
  await sub.query(`LISTEN ${CHANNEL}`);
  return {
    name: "PostgreSQL LISTEN/NOTIFY",
    publish: async (m) => void (await pub.query("SELECT pg_notify($1, $2)", [CHANNEL, m])),
    onMessage: (l) => sub.on("notification", (n) => l(n.payload ?? "")),
    close: async () => {
      await pub.end();
      await sub.end();
    },
  };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const summary = (ms: number[]) => {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${pct(s, 0.5).toFixed(3)} ms, p99 ${pct(s, 0.99).toFixed(3)} ms, max ${s.at(-1)!.toFixed(3)} ms (n=${s.length})`;
};

async function measure(t: Transport): Promise<void> {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let waiter: (() => void) | undefined;
  t.onMessage((m) => {
    const seq = Number(m.slice(0, m.indexOf(" ")));
    const at = sentAt.get(seq);
    if (at !== undefined) latencies.push(performance.now() - at);
    waiter?.();
  });
  const send = (seq: number) => {
    sentAt.set(seq, performance.now());
    return t.publish(`${seq} ${EVENT}`);
  };
  // One at a time: each message waits for the previous one to arrive.
  for (let i = 0; i < COUNT; i++) {
    const arrived = new Promise<void>((r) => {
      waiter = r;
    });
    await send(i);
    await arrived;
  }
  const oneAtATime = summary(latencies);
  latencies.length = 0;
  // A steady rate, sent without waiting for arrivals.
  const total = RATE * SECONDS;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    void send(COUNT + i);
  }
  while (latencies.length < total) await new Promise((r) => setTimeout(r, 10));
  process.stdout.write(
    `${t.name}\n  one at a time: ${oneAtATime}\n  ${RATE}/s for ${SECONDS} s: ${summary(latencies)}\n`,
  );
}

for (const open of [redisTransport, postgresTransport]) {
  const t = await open();
  try {
    await measure(t);
  } finally {
    await t.close();
  }
}
