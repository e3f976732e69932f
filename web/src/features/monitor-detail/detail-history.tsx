import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import type { components } from "../../api/schema";
import { StateBadge } from "../../components/state-badge.tsx";
import { t } from "../../i18n/index.ts";
import { readOutcome, Verdicts } from "../monitor-form/check-result.tsx";
import { ResultScreenshot } from "./result-screenshot.tsx";

/** The incident page (built by the incidents screens; a plain link until its route is typed here). */
const incidentHref = (id: string) => `/incidents/${encodeURIComponent(id)}`;

const when = (iso: string) => new Date(iso).toLocaleString();

function Skeleton({ rows }: { rows: number }) {
  return (
    <div className="stack" aria-busy="true">
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: placeholders have no identity
        <div key={i} className="skeleton" style={{ height: 28 }} />
      ))}
    </div>
  );
}

/** State changes, newest first. */
export function Timeline({ monitorId }: { monitorId: string }) {
  const events = useQuery({
    queryKey: ["monitor", monitorId, "events"],
    queryFn: async () => await sdk.op.listMonitorEvents({ path: { id: monitorId }, query: { limit: 30 } }),
  });
  return (
    <section className="card stack" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t("detail.timeline")}</h2>
      {events.isPending && <Skeleton rows={4} />}
      {events.data?.items.length === 0 && <p className="muted">{t("detail.timelineEmpty")}</p>}
      <ol className="timeline">
        {events.data?.items.map((e) => (
          <li key={e.id}>
            <time dateTime={e.at}>{when(e.at)}</time> <StateBadge state={e.from} /> →{" "}
            <StateBadge state={e.to} />
            {e.reason && <span className="muted"> {e.reason}</span>}
            {e.incidentId && (
              <>
                {" "}
                <a href={incidentHref(e.incidentId)}>{t("detail.incidentLink")}</a>
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** This monitor's incidents, open first as the API orders them (newest first). */
export function MonitorIncidents({ monitorId }: { monitorId: string }) {
  const incidents = useQuery({
    queryKey: ["incidents", { monitorId }],
    queryFn: async () => await sdk.op.listIncidents({ query: { monitorId, limit: 10 } }),
  });
  return (
    <section className="card stack" aria-labelledby="incidents-title">
      <h2 id="incidents-title">{t("detail.incidents")}</h2>
      {incidents.isPending && <Skeleton rows={2} />}
      {incidents.data?.items.length === 0 && <p className="muted">{t("detail.incidentsEmpty")}</p>}
      <ul className="plain-list">
        {incidents.data?.items.map((i) => (
          <li key={i.id}>
            <a href={incidentHref(i.id)}>
              {i.status === "open" ? t("detail.incidentOpen") : t("detail.incidentResolved")}
            </a>{" "}
            <span className="muted">
              {t("detail.incidentSince", { at: when(i.startedAt) })}
              {i.durationMs !== null &&
                ` · ${t("detail.duration", { minutes: Math.max(1, Math.round(i.durationMs / 60_000)) })}`}
            </span>
            {i.cause && <div className="muted">{i.cause}</div>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The latest results with their errors and each assertion's verdict. */
export function RecentResults({ monitorId }: { monitorId: string }) {
  const results = useQuery({
    queryKey: ["monitor", monitorId, "results"],
    queryFn: async () => await sdk.op.listMonitorResults({ path: { id: monitorId }, query: { limit: 20 } }),
  });
  return (
    <section className="card stack" aria-labelledby="results-title">
      <h2 id="results-title">{t("detail.results")}</h2>
      {results.isPending && <Skeleton rows={5} />}
      {results.data?.items.length === 0 && <p className="muted">{t("detail.resultsEmpty")}</p>}
      <ul className="results-list">
        {results.data?.items.map((r) => (
          <ResultRow key={`${r.region}-${r.slotAt}-${r.manual}`} result={r} />
        ))}
      </ul>
    </section>
  );
}

type Result = components["schemas"]["CheckResult"];

/** One result: a summary line that opens to its verdicts and, for a failed browser check, its screenshot. */
function ResultRow({ result: r }: { result: Result }) {
  const [open, setOpen] = useState(false);
  const o = readOutcome(r);
  return (
    <li>
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <StateBadge state={r.status} /> <time dateTime={r.slotAt}>{when(r.slotAt)}</time>{" "}
          <span className="muted">
            {r.statusCode !== null && `HTTP ${r.statusCode} · `}
            {t("result.ms", { ms: Math.round(r.timings.total) })} · {r.region}
            {r.manual && ` · ${t("detail.manual")}`}
          </span>
          {r.error && <span className="field-error"> {r.error.message}</span>}
        </summary>
        {o && <Verdicts verdicts={o.verdicts} />}
        {r.screenshot && <ResultScreenshot path={r.screenshot} at={when(r.slotAt)} shown={open} />}
      </details>
    </li>
  );
}
