import { Link, useParams } from "@tanstack/react-router";
import { StateBadge } from "../../components/state-badge.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import { formatAt, incidentDuration } from "./format.ts";
import { AcknowledgePanel, PostmortemPanel, StatusPagePanel, WorkflowPanel } from "./incident-actions.tsx";
import { NoteForm } from "./note-form.tsx";
import { useAddNote, useIncident, useTimeline } from "./queries.ts";
import { Timeline } from "./timeline.tsx";

/**
 * `/incidents/$id`: what is failing and since when, acknowledge, assign, the workflow status, the
 * merged timeline with notes, the postmortem after resolution, and a status-page draft.
 */
export function IncidentPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const incident = useIncident(id);
  const timeline = useTimeline(id);
  const addNote = useAddNote(id);

  if (incident.isPending) {
    return (
      <section className="stack" aria-busy="true">
        <div className="skeleton" style={{ height: "2rem", width: "60%" }} />
        <div className="skeleton" style={{ height: "12rem" }} />
        <span className="visually-hidden">{t("loading")}</span>
      </section>
    );
  }
  if (incident.isError) {
    return (
      <section className="stack">
        <h1>{t("incidents.title")}</h1>
        <p role="alert">{incident.error.message}</p>
        <Link to="/incidents">{t("incidents.title")}</Link>
      </section>
    );
  }
  const i = incident.data;
  const open = i.status === "open";
  return (
    <article className="stack incident-detail">
      <nav aria-label="breadcrumb" className="muted">
        <Link to="/incidents">{t("incidents.title")}</Link>
      </nav>
      <header className="stack incident-head">
        <h1>{t("incident.title", { monitor: i.monitor.name })}</h1>
        <div className="row wrap">
          <span className={`pill ${open ? "pill-open" : "pill-resolved"}`}>
            {open ? t("incident.lifecycleOpen") : t("incident.lifecycleResolved")}
          </span>
          <span className="pill">{t(`workflow.${i.workflowStatus}` as MessageKey)}</span>
          <StateBadge state={i.monitor.state} />
          <Link to="/monitors/$id" params={{ id: i.monitor.id }}>
            {t("incident.openMonitor")}
          </Link>
        </div>
        <dl className="facts">
          <dt>{t("incidents.started")}</dt>
          <dd>{formatAt(i.startedAt)}</dd>
          <dt>{t("incidents.duration")}</dt>
          <dd>
            {incidentDuration(i)}
            {open && <span className="muted"> ({t("incidents.ongoing")})</span>}
          </dd>
          {i.cause && (
            <>
              <dt>{t("incident.cause")}</dt>
              <dd>{i.cause}</dd>
            </>
          )}
          <dt>{t("incidents.assignee")}</dt>
          <dd>{i.assignee ? i.assignee.name || i.assignee.email : t("incidents.unassigned")}</dd>
        </dl>
        <AcknowledgePanel incident={i} />
      </header>

      <div className="incident-grid">
        <section className="card stack" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">{t("incident.timeline")}</h2>
          {timeline.isPending ? (
            <div className="skeleton" style={{ height: "10rem" }} aria-busy="true" />
          ) : timeline.isError ? (
            <p role="alert">{timeline.error.message}</p>
          ) : (
            <Timeline items={timeline.data.items} truncated={timeline.data.truncated} />
          )}
          <NoteForm
            onAdd={(body) => addNote.mutateAsync(body)}
            pending={addNote.isPending}
            error={addNote.error}
          />
        </section>
        <div className="stack">
          <section className="card stack" aria-labelledby="workflow-heading">
            <h2 id="workflow-heading">{t("incidents.workflow")}</h2>
            <WorkflowPanel incident={i} />
          </section>
          <section className="card stack" aria-labelledby="postmortem-heading">
            <h2 id="postmortem-heading">{t("postmortem.title")}</h2>
            <PostmortemPanel key={i.postmortem ?? ""} incident={i} />
          </section>
          <section className="card stack" aria-labelledby="status-page-heading">
            <h2 id="status-page-heading">{t("incident.statusPage")}</h2>
            <StatusPagePanel incident={i} />
          </section>
          {i.affectedDependents.length > 0 && (
            <section className="card stack" aria-labelledby="dependents-heading">
              <h2 id="dependents-heading">{t("incident.affectedDependents")}</h2>
              <ul>
                {i.affectedDependents.map((d) => (
                  <li key={d.monitorId}>
                    <Link to="/monitors/$id" params={{ id: d.monitorId }}>
                      {d.name}
                    </Link>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </div>
      </div>
    </article>
  );
}
