import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { sdk } from "../../api/client.ts";
import type { components } from "../../api/schema";
import { FormProblem } from "../../components/problem.tsx";
import { t, tn } from "../../i18n/index.ts";
import type { Series } from "./latency-series.ts";

// uPlot is loaded with the chart, never with the first page (the same chunk as response times).
const LatencyChart = lazy(() => import("./latency-chart.tsx"));

const CHART_HEIGHT = 300;
/** The most pings the API lists at once: the chart covers the runs among the latest ones. */
const PINGS = 200;

type Ping = components["schemas"]["Ping"];

/**
 * How long each run took, oldest first: the pings that ended a run begun with `/start` carry its
 * duration (others have none and are left out). The x axis runs from the first run to now.
 */
export function runDurationSeries(pings: Ping[], nowMs: number): Series {
  const runs = pings
    .filter((p): p is Ping & { durationMs: number } => p.durationMs !== null)
    .map((p) => ({ x: Date.parse(p.at) / 1000, ms: p.durationMs }))
    .sort((a, b) => a.x - b.x);
  const x = runs.map((r) => r.x);
  const now = nowMs / 1000;
  const first = x[0] ?? now;
  return {
    source: "raw",
    x,
    range: [Math.min(first, now - 3600), now],
    lines: [{ label: "detail.chart.runDuration", color: "--phase-total", values: runs.map((r) => r.ms) }],
  };
}

/**
 * A heartbeat's chart: how long its job's runs took. A heartbeat is pushed to, not checked, so it
 * has no response time; a run's duration is what it has (when the job pings /start first).
 */
export function RunDurations({ monitorId }: { monitorId: string }) {
  const series = useQuery({
    queryKey: ["monitor", monitorId, "run-durations"],
    queryFn: async () => {
      const page = await sdk.op.listPings({ path: { id: monitorId }, query: { limit: PINGS } });
      return runDurationSeries(page.items, Date.now());
    },
    staleTime: 15_000,
  });
  return (
    <section className="card stack" aria-labelledby="chart-title">
      <h2 id="chart-title">{t("detail.runDurations")}</h2>
      <div style={{ minHeight: CHART_HEIGHT }}>
        {series.data && series.data.x.length === 0 && (
          <p className="empty">{t("detail.runDurationsEmpty")}</p>
        )}
        {series.data && series.data.x.length > 0 && (
          <Suspense fallback={<div className="skeleton" style={{ height: CHART_HEIGHT }} />}>
            <LatencyChart series={series.data} label={tn("detail.runDurationsLabel", series.data.x.length)} />
          </Suspense>
        )}
        {series.isPending && <div className="skeleton" style={{ height: CHART_HEIGHT }} aria-busy="true" />}
        {series.error && <FormProblem error={series.error} />}
      </div>
    </section>
  );
}
