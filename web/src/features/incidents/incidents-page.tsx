import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { useMe } from "../../app/session.ts";
import { type MessageKey, t } from "../../i18n/index.ts";
import { formatAt, incidentDuration } from "./format.ts";
import {
  type Incident,
  useAcknowledge,
  useIncident,
  useIncidentList,
  useMembers,
  useMonitorName,
  WORKFLOW,
  type WorkflowStatus,
} from "./queries.ts";

type Lifecycle = "open" | "resolved" | "all";

/**
 * `/incidents`: open incidents first (each can be acknowledged from here), then resolved ones;
 * filtered by lifecycle, workflow status and "assigned to me". Live: the stream re-reads it.
 */
export function IncidentsPage() {
  const [lifecycle, setLifecycle] = useState<Lifecycle>("open");
  const [workflow, setWorkflow] = useState<WorkflowStatus | "">("");
  const [mine, setMine] = useState(false);
  const me = useMe();
  const open = useIncidentList("open");
  const resolved = useIncidentList("resolved");
  const members = useMembers();
  const names = new Map(members.data?.items.map((m) => [m.userId, m.name || m.email]));

  const lists = lifecycle === "open" ? [open] : lifecycle === "resolved" ? [resolved] : [open, resolved];
  const pending = lists.some((l) => l.isPending);
  const failed = lists.find((l) => l.isError)?.error;
  const rows = lists
    .flatMap((l) => l.data?.items ?? [])
    .filter((i) => !workflow || i.workflowStatus === workflow)
    .filter((i) => !mine || i.assigneeId === me.data?.id);
  const filtered = workflow !== "" || mine;

  return (
    <section className="stack">
      <h1>{t("incidents.title")}</h1>
      <div className="row incident-filters">
        <label>
          {t("incidents.filterLifecycle")}
          <select value={lifecycle} onChange={(e) => setLifecycle(e.target.value as Lifecycle)}>
            <option value="open">{t("incidents.open")}</option>
            <option value="resolved">{t("incidents.resolved")}</option>
            <option value="all">{t("incidents.filterAll")}</option>
          </select>
        </label>
        <label>
          {t("incidents.filterWorkflow")}
          <select value={workflow} onChange={(e) => setWorkflow(e.target.value as WorkflowStatus | "")}>
            <option value="">{t("incidents.filterAnyStatus")}</option>
            {WORKFLOW.map((w) => (
              <option key={w} value={w}>
                {t(`workflow.${w}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} />
          {t("incidents.filterMine")}
        </label>
      </div>
      {failed ? (
        <p role="alert" className="form-error">
          {t("incidents.loadFailed", { detail: failed.message })}
        </p>
      ) : pending ? (
        <div className="skeleton incident-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : rows.length === 0 ? (
        <p className="empty">
          {filtered || lifecycle === "resolved" ? t("incidents.emptyFiltered") : t("incidents.emptyOpen")}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="incident-table">
            <thead>
              <tr>
                <th scope="col">{t("incidents.monitor")}</th>
                <th scope="col">{t("incidents.workflow")}</th>
                <th scope="col">{t("incidents.started")}</th>
                <th scope="col">{t("incidents.duration")}</th>
                <th scope="col">{t("incidents.assignee")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("incidents.acknowledge")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((i) =>
                i.status === "open" ? (
                  <OpenRow key={i.id} incident={i} names={names} />
                ) : (
                  <ResolvedRow key={i.id} incident={i} names={names} />
                ),
              )}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type RowProps = { incident: Incident; names: Map<string, string> };

/** An open incident reads its detail (few are open at once): the monitor's name and the ack. */
function OpenRow({ incident, names }: RowProps) {
  const detail = useIncident(incident.id);
  const ack = useAcknowledge(incident.id);
  const name = detail.data?.monitor.name ?? incident.monitorId;
  const acknowledged = Boolean(detail.data?.acknowledgement);
  return (
    <tr className="incident-open">
      <td>
        <span className="monitor-cell">
          <span className="state state-down" aria-hidden="true" />
          <Link to="/incidents/$id" params={{ id: incident.id }}>
            {name}
          </Link>
        </span>
      </td>
      <td>{t(`workflow.${incident.workflowStatus}` as MessageKey)}</td>
      <td>{formatAt(incident.startedAt)}</td>
      <td>
        {incidentDuration(incident)} <span className="muted">({t("incidents.ongoing")})</span>
      </td>
      <td>{assigneeName(incident, names)}</td>
      <td>
        {detail.isPending ? null : acknowledged ? (
          <span className="muted">{t("incidents.acknowledged")}</span>
        ) : (
          <button
            type="button"
            disabled={ack.isPending}
            aria-label={t("incidents.acknowledgeNamed", { monitor: name })}
            onClick={() => ack.mutate("")}
          >
            {t("incidents.acknowledge")}
          </button>
        )}
        {ack.isError && (
          <span role="alert" className="field-error">
            {ack.error.message}
          </span>
        )}
      </td>
    </tr>
  );
}

function ResolvedRow({ incident, names }: RowProps) {
  const name = useMonitorName(incident.monitorId);
  return (
    <tr>
      <td>
        <Link to="/incidents/$id" params={{ id: incident.id }}>
          {name.data ?? incident.monitorId}
        </Link>
      </td>
      <td>{t(`workflow.${incident.workflowStatus}` as MessageKey)}</td>
      <td>{formatAt(incident.startedAt)}</td>
      <td>{incidentDuration(incident)}</td>
      <td>{assigneeName(incident, names)}</td>
      <td />
    </tr>
  );
}

function assigneeName(i: Incident, names: Map<string, string>): string {
  if (!i.assigneeId) return t("incidents.unassigned");
  return names.get(i.assigneeId) ?? t("incidents.unassigned");
}
