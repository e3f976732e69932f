import { median } from "./stats.ts";
import type { LoadResult } from "./status-load.ts";

/**
 * One round of a status-bench row: a short window of the bare route and one of Upblit's, back to
 * back. The bench alternates which goes first and reports the median of the rounds' ratios, so a
 * neighbour's burst on the shared machine lands in one round rather than in one whole server's
 * figure (two long windows read one after the other spread 0.52–1.10 over five runs of the same
 * code; docs/benchmarks.md).
 */
export interface StatusRound {
  bare: LoadResult;
  upblit: LoadResult;
  bareCpuMs: number;
  upblitCpuMs: number;
}

/** Upblit's requests/s over the bare route's, in each round. */
export function roundRatios(rounds: StatusRound[]): number[] {
  return rounds.map((r) => r.upblit.requestsPerSecond / r.bare.requestsPerSecond);
}

/**
 * One server's rounds as one load: requests/s and p50 the median of the rounds, p99 and max the
 * worst round's, the counts summed.
 */
export function combineLoads(loads: LoadResult[]): LoadResult {
  const first = loads[0]!;
  const sum = (pick: (l: LoadResult) => number) => loads.reduce((s, l) => s + pick(l), 0);
  return {
    url: first.url,
    seconds: sum((l) => l.seconds),
    connections: first.connections,
    requestsPerSecond: median(loads.map((l) => l.requestsPerSecond)),
    latencyMs: {
      p50: median(loads.map((l) => l.latencyMs.p50)),
      p99: Math.max(...loads.map((l) => l.latencyMs.p99)),
      max: Math.max(...loads.map((l) => l.latencyMs.max)),
    },
    ok: sum((l) => l.ok),
    non2xx: sum((l) => l.non2xx),
    errors: sum((l) => l.errors),
    timeouts: sum((l) => l.timeouts),
    bytesPerResponse: median(loads.map((l) => l.bytesPerResponse)),
    loaderCpuSeconds: sum((l) => l.loaderCpuSeconds),
  };
}
