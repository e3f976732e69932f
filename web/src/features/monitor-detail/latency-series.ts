import { useQuery } from "@tanstack/react-query";
import { sdk } from "../../api/client.ts";
import type { components } from "../../api/schema";
import type { MessageKey } from "../../i18n/index.ts";

export const RANGES = ["1h", "24h", "7d", "30d", "90d"] as const;
export type Range = (typeof RANGES)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Where each range's points come from: raw results (every phase) while they are surely kept
 * (RAW_RETENTION_DAYS is at least a day), hourly rollups for 7 and 30 days, daily ones for 90.
 * Rollups hold the total time only (min/avg/p95/max), so long ranges draw those instead of phases.
 */
const SOURCES: Record<Range, { ms: number; source: "raw" | "hour" | "day" }> = {
  "1h": { ms: HOUR, source: "raw" },
  "24h": { ms: DAY, source: "raw" },
  "7d": { ms: 7 * DAY, source: "hour" },
  "30d": { ms: 30 * DAY, source: "hour" },
  "90d": { ms: 90 * DAY, source: "day" },
};

export interface Line {
  label: MessageKey;
  /** CSS variable with the colour, e.g. --phase-dns. */
  color: string;
  values: Array<number | null>;
}

export interface Series {
  source: "raw" | "hour" | "day";
  /** Unix seconds, oldest first. */
  x: number[];
  /**
   * The x axis's span in unix seconds (the range asked for, up to now), so that a few points are
   * drawn where they fall in it rather than stretched to fill the width.
   */
  range: [number, number];
  lines: Line[];
}

const RAW_PAGE = 1000;
const RAW_PAGES = 5;

async function rawSeries(id: string, from: Date): Promise<Series> {
  const items: components["schemas"]["CheckResult"][] = [];
  let cursor: string | undefined;
  for (let page = 0; page < RAW_PAGES; page++) {
    const query = { from: from.toISOString(), limit: RAW_PAGE, ...(cursor ? { cursor } : {}) };
    const res = await sdk.op.listMonitorResults({ path: { id }, query });
    items.push(...res.items);
    if (!res.nextCursor) break;
    cursor = res.nextCursor;
  }
  items.reverse();
  const pick = (k: "dns" | "connect" | "tls" | "firstByte" | "total") => items.map((r) => r.timings[k]);
  return {
    source: "raw",
    x: items.map((r) => Date.parse(r.slotAt) / 1000),
    range: [from.getTime() / 1000, Date.now() / 1000],
    lines: [
      { label: "detail.chart.dns", color: "--phase-dns", values: pick("dns") },
      { label: "detail.chart.connect", color: "--phase-connect", values: pick("connect") },
      { label: "detail.chart.tls", color: "--phase-tls", values: pick("tls") },
      { label: "detail.chart.firstByte", color: "--phase-wait", values: pick("firstByte") },
      { label: "detail.chart.total", color: "--phase-total", values: pick("total") },
    ],
  };
}

async function rollupSeries(id: string, granularity: "hour" | "day", from: Date): Promise<Series> {
  const res = await sdk.op.listMonitorRollups({
    path: { id },
    query: { granularity, from: from.toISOString() },
  });
  const rows = res.items as Array<Record<string, unknown>>;
  const num = (v: unknown) => (typeof v === "number" ? v : null);
  return {
    source: granularity,
    x: rows.map((r) => Date.parse(String(r.bucket)) / 1000),
    range: [from.getTime() / 1000, Date.now() / 1000],
    lines: [
      { label: "detail.chart.avg", color: "--phase-total", values: rows.map((r) => num(r.latency_avg)) },
      { label: "detail.chart.p95", color: "--phase-wait", values: rows.map((r) => num(r.latency_p95)) },
      { label: "detail.chart.max", color: "--phase-tls", values: rows.map((r) => num(r.latency_max)) },
    ],
  };
}

/** The response-time series of a monitor over a range. */
export function useLatencySeries(id: string, range: Range) {
  return useQuery({
    queryKey: ["monitor", id, "latency", range],
    queryFn: () => {
      const { ms, source } = SOURCES[range];
      const from = new Date(Date.now() - ms);
      return source === "raw" ? rawSeries(id, from) : rollupSeries(id, source, from);
    },
    placeholderData: (previous) => previous,
    staleTime: 15_000,
  });
}
