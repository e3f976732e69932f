/**
 * Reading the output of iputils `ping -n` (run with LC_ALL=C): one line per reply,
 * `64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.048 ms`. Only reply lines are read, each
 * sequence number once (a duplicate, `(DUP!)`, does not count twice).
 */
export interface PingStats {
  sent: number;
  received: number;
  /** Percent of probes without a reply, 0–100. */
  loss: number;
  rttMin?: number;
  rttAvg?: number;
  rttMax?: number;
  /** The mean difference between consecutive round trips (RFC 3550's idea, unsmoothed). */
  jitter?: number;
}

const REPLY = /icmp_seq=(\d+)\b.*\btime[=<]([\d.]+) ms/;

export function readPingOutput(output: string, sent: number): PingStats {
  const bySeq = new Map<number, number>();
  for (const line of output.split("\n")) {
    const m = REPLY.exec(line);
    if (!m || line.includes("(DUP!)")) continue;
    const seq = Number(m[1]);
    if (!bySeq.has(seq)) bySeq.set(seq, Number(m[2]));
  }
  const rtts = [...bySeq.entries()].sort((a, b) => a[0] - b[0]).map(([, rtt]) => rtt);
  const received = Math.min(rtts.length, sent);
  const stats: PingStats = { sent, received, loss: round(((sent - received) / sent) * 100) };
  if (rtts.length > 0) {
    stats.rttMin = round(Math.min(...rtts));
    stats.rttMax = round(Math.max(...rtts));
    stats.rttAvg = round(rtts.reduce((a, b) => a + b, 0) / rtts.length);
    const diffs = rtts.slice(1).map((rtt, i) => Math.abs(rtt - rtts[i]!));
    stats.jitter = round(diffs.length > 0 ? diffs.reduce((a, b) => a + b, 0) / diffs.length : 0);
  }
  return stats;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
