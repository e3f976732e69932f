import type { components } from "../../api/schema";
import { type MessageKey, t } from "../../i18n/index.ts";

type Report = components["schemas"]["DrillReport"];
type Attempt = Report["channels"][number]["down"];

function AttemptCell({ attempt }: { attempt: Attempt }) {
  if (!attempt) return <td className="muted">{t("drill.notHeard")}</td>;
  return (
    <td>
      <span className={`outcome outcome-${attempt.outcome}`}>
        {t(`drill.outcome.${attempt.outcome}` as MessageKey)}
      </span>
      {attempt.statusCode !== null && <span className="muted"> HTTP {attempt.statusCode}</span>}
      {attempt.latencyMs !== null && (
        <span className="muted"> {t("result.ms", { ms: attempt.latencyMs })}</span>
      )}
      {attempt.error && <div className="field-error">{attempt.error}</div>}
    </td>
  );
}

/** What each channel answered to a fire drill's simulated down and recovery. */
export function DrillReport({ report }: { report: Report }) {
  return (
    <section className="card stack" aria-labelledby="drill-title">
      <h3 id="drill-title">{t("drill.title")}</h3>
      {report.channels.length === 0 ? (
        <p className="muted">{t("drill.noChannels")}</p>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t("drill.channel")}</th>
                <th scope="col">{t("drill.down")}</th>
                <th scope="col">{t("drill.up")}</th>
              </tr>
            </thead>
            <tbody>
              {report.channels.map((c) => (
                <tr key={c.channelId}>
                  <th scope="row">
                    {c.name} <span className="muted">({c.kind})</span>
                  </th>
                  <AttemptCell attempt={c.down} />
                  <AttemptCell attempt={c.up} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
