import { randomBytes } from "node:crypto";
import type { AlertMessage } from "../../src/notify/channels/types.ts";
import type { Dist } from "./alerts-dist.ts";
import type { Receiver } from "./alerts-receiver.ts";
import { progress } from "./progress.ts";

export interface AlertCeiling {
  concurrency: number;
  posts: number;
  seconds: number;
  perSecond: number;
  failed: number;
  /** The loop's own CPU (this process) per 1,000 POSTs. */
  cpuSecondsPer1k: number;
  receiverCpuSecondsPer1k: number;
  /** What the receiver saw: every POST once, with its own id. */
  received: { requests: number; distinct: number };
}

/** A message shaped like the ones the outbox writes (same fields, similar lengths). */
function sampleMessage(i: number): AlertMessage {
  const since = new Date().toISOString();
  return {
    notificationId: `ntf_ceiling${i.toString().padStart(8, "0")}${randomBytes(6).toString("hex")}`,
    event: i % 2 === 0 ? "down" : "up",
    drill: false,
    organization: { id: "org_0000000000000000000000", name: "Bench" },
    monitor: {
      id: "mon_0000000000000000000000",
      name: `bench ${i}`,
      type: "http",
      target: "http://127.0.0.1:9/m/1",
    },
    state: i % 2 === 0 ? "down" : "up",
    previousState: i % 2 === 0 ? "up" : "down",
    since,
    incident: { id: "inc_0000000000000000000000", startedAt: since, resolvedAt: null, durationMs: null },
    cause: "assertion failed: status in [200] (actual 503)",
    runbookUrl: null,
    acknowledgeUrl: null,
    monitorUrl: "http://127.0.0.1:3000/monitors/mon_0000000000000000000000",
  };
}

/**
 * The ceiling of alert delivery on this machine: `posts` signed webhook POSTs sent straight to the
 * receiver by the webhook adapter through Upblit's outbound client (a fresh connection per request,
 * the SSRF-safe connector), `concurrency` at a time, as the notifier sends them, but with no outbox,
 * no claim and no record. A short warm-up (not counted) comes first.
 */
export async function measureAlertCeiling(
  dist: Dist,
  receiver: Receiver,
  posts: number,
  concurrency: number,
  warmup = 500,
): Promise<AlertCeiling> {
  const http = dist.outbound.createOutbound({
    allowPrivate: true,
    userAgent: "Upblit/0.1 (+https://upblit.dev)",
  });
  const ctx = {
    config: { url: `${receiver.origin}/hooks/upblit` },
    secrets: { signingSecret: dist.webhook.generateWebhookSecret() },
    http,
    sendMail: async () => {},
    timeoutMs: 10_000,
  };
  let failed = 0;
  let sent = 0;
  const run = async (count: number, offset: number) => {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const outcome = await dist.webhook.webhookChannel.send(sampleMessage(offset + next++), ctx);
        if (outcome.ok) sent++;
        else failed++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  };
  await run(warmup, posts);
  await receiver.reset();
  sent = 0;
  failed = 0;
  const cpu0 = process.cpuUsage();
  const receiverCpu0 = receiver.cpuMs();
  const started = performance.now();
  const ticker = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    progress("ceiling", `${sent}/${posts} POSTs acknowledged (${(sent / s).toFixed(0)}/s), ${failed} failed`);
  }, 1_000);
  try {
    await run(posts, 0);
  } finally {
    clearInterval(ticker);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const counts = await receiver.counts();
  return {
    concurrency,
    posts,
    seconds,
    perSecond: sent / seconds,
    failed,
    cpuSecondsPer1k: ((cpu.user + cpu.system) / 1e6 / posts) * 1000,
    receiverCpuSecondsPer1k: ((receiver.cpuMs() - receiverCpu0) / 1000 / posts) * 1000,
    received: { requests: counts.requests, distinct: counts.distinct },
  };
}
