import { useQuery } from "@tanstack/react-query";
import { useParams } from "@tanstack/react-router";
import { lazy, Suspense, useState } from "react";
import { sdk } from "../../api/client.ts";
import type { Monitor } from "../../app/session.ts";
import { FormProblem } from "../../components/problem.tsx";
import { StateBadge } from "../../components/state-badge.tsx";
import { hasMessage, t, tlist, tn } from "../../i18n/index.ts";
import { readOutcome } from "../monitor-form/check-result.tsx";
import { DetailActions } from "./detail-actions.tsx";
import { MonitorIncidents, RecentResults, Timeline } from "./detail-history.tsx";
import { HeartbeatUrls } from "./heartbeat-urls.tsx";
import { RANGES, type Range, useLatencySeries } from "./latency-series.ts";
import { RegionNotice } from "./region-notice.tsx";
import { RunDurations } from "./run-durations.tsx";
import { SilenceState } from "./silence-panel.tsx";

// uPlot is loaded with the chart, never with the first page.
const LatencyChart = lazy(() => import("./latency-chart.tsx"));

const CHART_HEIGHT = 300;

/** `/monitors/$id`: state, history, response times, uptime and what can be done to it. */
export function MonitorDetailPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const monitor = useQuery({
    queryKey: ["monitor", id],
    queryFn: async () => await sdk.op.getMonitor({ path: { id } }),
  });
  if (monitor.error) return <FormProblem error={monitor.error} />;
  const m = monitor.data;
  return (
    <section className="monitor-detail stack">
      <header className="stack detail-header">
        {m ? (
          <>
            <h1>{m.name}</h1>
            <p className="row">
              <StateBadge state={m.state} />
              <span>{t("detail.since", { at: new Date(m.stateSince).toLocaleString() })}</span>
              <span className="muted">
                {typeName(m.type)}
                {m.target && (
                  <>
                    {" · "}
                    <code>{m.target}</code>
                  </>
                )}
              </span>
            </p>
            {m.tags.length > 0 && (
              <ul className="chips" aria-label={t("monitorForm.tags")}>
                {m.tags.map((tag) => (
                  <li key={tag} className="chip">
                    {tag}
                  </li>
                ))}
              </ul>
            )}
            <RegionNotice regions={m.regions} />
            {m.description && <p>{m.description}</p>}
            {m.runbookUrl && (
              <p>
                <a href={m.runbookUrl} rel="noreferrer noopener" target="_blank">
                  {t("detail.runbook")}
                </a>
              </p>
            )}
          </>
        ) : (
          <div className="skeleton" style={{ height: 76 }} aria-busy="true" />
        )}
      </header>
      {m && <DetailActions monitor={m} />}
      {/* A heartbeat is pushed to, not checked: it has run durations, not response times. */}
      {!m ? (
        <div className="skeleton" style={{ height: CHART_HEIGHT + 60 }} aria-busy="true" />
      ) : m.type === "heartbeat" ? (
        <RunDurations monitorId={id} />
      ) : (
        <ResponseTimes monitorId={id} />
      )}
      <div className="detail-grid">
        {m?.type === "heartbeat" && <HeartbeatUrls monitor={m} />}
        <Uptime monitorId={id} />
        <section className="card stack" aria-labelledby="alerting-title">
          <h2 id="alerting-title">{t("detail.alerting")}</h2>
          <SilenceState monitorId={id} />
          {m && <Maintenance monitor={m} />}
        </section>
        {m && ["http", "keyword", "json", "tls"].includes(m.type) && <Certificate monitor={m} />}
        <MonitorIncidents monitorId={id} />
        <Timeline monitorId={id} />
        <RecentResults monitorId={id} />
      </div>
    </section>
  );
}

function ResponseTimes({ monitorId }: { monitorId: string }) {
  const [range, setRange] = useState<Range>("24h");
  const series = useLatencySeries(monitorId, range);
  const label = t("detail.chartLabel", { range: t(`detail.range.${range}`) });
  return (
    <section className="card stack" aria-labelledby="chart-title">
      <div className="row chart-head">
        <h2 id="chart-title">{t("detail.responseTimes")}</h2>
        <fieldset className="segmented">
          <legend className="visually-hidden">{t("detail.range")}</legend>
          {RANGES.map((r) => (
            <button key={r} type="button" aria-pressed={r === range} onClick={() => setRange(r)}>
              {t(`detail.range.${r}`)}
            </button>
          ))}
        </fieldset>
      </div>
      <div style={{ minHeight: CHART_HEIGHT }}>
        {series.data && series.data.x.length === 0 && (
          <p className="empty">
            {t(series.data.source === "raw" ? "detail.chartEmpty" : "detail.chartEmptyRollups")}
          </p>
        )}
        {series.data && series.data.x.length > 0 && (
          <Suspense fallback={<div className="skeleton" style={{ height: CHART_HEIGHT }} />}>
            <LatencyChart series={series.data} label={label} />
          </Suspense>
        )}
        {series.isPending && <div className="skeleton" style={{ height: CHART_HEIGHT }} aria-busy="true" />}
        {series.error && <FormProblem error={series.error} />}
      </div>
      {series.data && series.data.source !== "raw" && <p className="muted">{t("detail.chartRollups")}</p>}
    </section>
  );
}

function Uptime({ monitorId }: { monitorId: string }) {
  const uptime = useQuery({
    queryKey: ["monitor", monitorId, "uptime"],
    queryFn: async () => await sdk.op.getMonitorUptime({ path: { id: monitorId } }),
  });
  return (
    <section className="card stack" aria-labelledby="uptime-title">
      <h2 id="uptime-title">{t("detail.uptime")}</h2>
      <dl className="figures">
        {(
          uptime.data?.windows ?? [{ window: "24h" }, { window: "7d" }, { window: "30d" }, { window: "90d" }]
        ).map((w) => (
          <div key={w.window}>
            <dt>{w.window}</dt>
            <dd>
              {"uptime" in w
                ? w.uptime === null
                  ? "–"
                  : `${(w.uptime * 100).toFixed(w.uptime === 1 ? 0 : 3)} %`
                : "\u00a0"}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Maintenance({ monitor }: { monitor: Monitor }) {
  const windows = useQuery({
    queryKey: ["maintenance-windows"],
    queryFn: async () => await sdk.op.listMaintenanceWindows({ query: { limit: 200 } }),
  });
  const mine = (windows.data?.items ?? []).filter(
    (w) => w.monitorIds.includes(monitor.id) || w.tags.some((tag) => monitor.tags.includes(tag)),
  );
  const active = mine.find((w) => w.active);
  const next = mine.flatMap((w) => w.nextOccurrences.map((o) => ({ title: w.title, ...o })))[0];
  if (active) return <p>{t("detail.maintenanceNow", { title: active.title })}</p>;
  if (next) {
    return (
      <p className="muted">
        {t("detail.maintenanceNext", { title: next.title, at: new Date(next.startsAt).toLocaleString() })}
      </p>
    );
  }
  return <p className="muted">{t("detail.maintenanceNone")}</p>;
}

/** The certificate as the latest check read it (days left, host name, chain) from its verdicts. */
function Certificate({ monitor }: { monitor: Monitor }) {
  const latest = useQuery({
    queryKey: ["monitor", monitor.id, "results"],
    queryFn: async () => await sdk.op.listMonitorResults({ path: { id: monitor.id }, query: { limit: 20 } }),
  });
  const verdicts = readOutcome(latest.data?.items[0])?.verdicts ?? [];
  const read = (subject: string) => verdicts.find((v) => v.assertion.startsWith(`${subject} `))?.actual;
  const days = read("cert.daysLeft");
  const host = read("cert.hostnameMatch");
  const chain = read("cert.chainValid");
  const yesNo = (v: unknown) => (v === true ? t("detail.yes") : v === false ? t("detail.no") : "–");
  return (
    <section className="card stack" aria-labelledby="cert-title">
      <h2 id="cert-title">{t("detail.certificate")}</h2>
      {days === undefined && host === undefined && chain === undefined ? (
        <p className="muted">{t("detail.certificateUnknown")}</p>
      ) : (
        <dl className="figures">
          <div>
            <dt>{t("detail.certDaysLeft")}</dt>
            <dd>{days ?? "–"}</dd>
          </div>
          <div>
            <dt>{t("detail.certHost")}</dt>
            <dd>{yesNo(host)}</dd>
          </div>
          <div>
            <dt>{t("detail.certChain")}</dt>
            <dd>{yesNo(chain)}</dd>
          </div>
        </dl>
      )}
      <p className="muted">{certWarning(monitor.certExpiryDays)}</p>
    </section>
  );
}

/** When the monitor warns: "Warns at 30, 14 and 7 days left." (the last number says day or days). */
function certWarning(thresholds: number[] | null): string {
  if (thresholds === null) return t("detail.certWarnDefault");
  const last = thresholds.at(-1);
  return last === undefined
    ? t("detail.certWarnNever")
    : tn("detail.certWarn", last, { days: tlist(thresholds) });
}

/** The type's name from the catalogue; a type it has no text for, as the API names it. */
function typeName(type: string): string {
  const key = `monitorForm.type.${type}`;
  return hasMessage(key) ? t(key) : type;
}
