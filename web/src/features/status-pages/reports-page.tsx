import { useParams } from "@tanstack/react-router";
import { useState } from "react";
import { FormProblem } from "../../components/problem.tsx";
import type { StatusPage } from "./editor-model.ts";
import { t } from "./messages.ts";
import { PageFrame } from "./page-frame.tsx";
import { downloadReportCsv, useReport } from "./queries.ts";

/** This month as `YYYY-MM` in UTC (reports count UTC periods). */
export function currentMonth(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}

/** `/status-pages/$id/reports`: monthly or yearly SLA per component, with a CSV download. */
export function ReportsPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  return <PageFrame id={id}>{(page) => <Reports page={page} />}</PageFrame>;
}

function Reports({ page }: { page: StatusPage }) {
  const [kind, setKind] = useState<"month" | "year">("month");
  const [month, setMonth] = useState(currentMonth);
  const [year, setYear] = useState(() => currentMonth().slice(0, 4));
  const period = kind === "month" ? month : year;
  const report = useReport(page.id, period);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  const [downloading, setDownloading] = useState(false);
  return (
    <div className="stack">
      <p className="muted">{t("sp.rep.intro")}</p>
      <div className="row card">
        <label>
          {t("sp.rep.kind")}
          <select value={kind} onChange={(e) => setKind(e.target.value as "month" | "year")}>
            <option value="month">{t("sp.rep.month")}</option>
            <option value="year">{t("sp.rep.year")}</option>
          </select>
        </label>
        {kind === "month" ? (
          <label>
            {t("sp.rep.monthPick")}
            <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} />
          </label>
        ) : (
          <label>
            {t("sp.rep.yearPick")}
            <input
              type="number"
              min={2000}
              max={2999}
              value={year}
              onChange={(e) => setYear(e.target.value)}
            />
          </label>
        )}
        <button
          type="button"
          className="primary align-end"
          disabled={!period || downloading}
          onClick={() => {
            setDownloading(true);
            setDownloadError(null);
            downloadReportCsv(page.id, period, `${page.slug}-sla-${period}.csv`)
              .catch(setDownloadError)
              .finally(() => setDownloading(false));
          }}
        >
          {t("sp.rep.csv")}
        </button>
      </div>
      <FormProblem error={downloadError ?? report.error} />
      {report.isPending && period ? (
        <div className="skeleton sp-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : report.data && report.data.components.length === 0 ? (
        <p className="empty">{t("sp.rep.empty")}</p>
      ) : report.data ? (
        <div className="table-scroll">
          <table className="data-table sp-report">
            <caption>{t("sp.rep.caption", { period: report.data.period })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("sp.rep.component")}</th>
                <th scope="col">{t("sp.rep.group")}</th>
                <th scope="col">{t("sp.rep.uptime")}</th>
                <th scope="col">{t("sp.rep.checks")}</th>
                <th scope="col">{t("sp.rep.downMinutes")}</th>
                <th scope="col">{t("sp.rep.incidents")}</th>
                <th scope="col">{t("sp.rep.maintenance")}</th>
              </tr>
            </thead>
            <tbody>
              {report.data.components.map((c) => (
                <tr key={c.monitorId}>
                  <td>{c.name}</td>
                  <td>{c.group}</td>
                  <td>{c.uptimePercent === null ? t("sp.rep.noData") : `${c.uptimePercent.toFixed(3)}%`}</td>
                  <td>{c.checks}</td>
                  <td>{c.downMinutes}</td>
                  <td>{c.incidents}</td>
                  <td>{c.maintenanceMinutes}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
