import { Link, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { formatAt } from "../incidents/format.ts";
import { MarkdownField } from "../incidents/note-form.tsx";
import type { StatusPage } from "./editor-model.ts";
import { IMPACTS, IncidentEditForm } from "./incident-edit.tsx";
import { type MessageKey, t } from "./messages.ts";
import { PageFrame } from "./page-frame.tsx";
import { type StatusIncident, useIncidents, useStatusMutation } from "./queries.ts";

type Kind = StatusIncident["kind"];
type Status = StatusIncident["status"];
type Impact = StatusIncident["impact"];
const STATUSES: Record<Kind, Status[]> = {
  incident: ["investigating", "identified", "monitoring", "resolved"],
  maintenance: ["scheduled", "in_progress", "completed"],
};
const DONE: Status[] = ["resolved", "completed"];

/** `/status-pages/$id/incidents`: drafts to publish, open and past incidents, and posting new ones. */
export function StatusIncidentsPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  return <PageFrame id={id}>{(page) => <Incidents page={page} />}</PageFrame>;
}

function Incidents({ page }: { page: StatusPage }) {
  const list = useIncidents(page.id);
  const components = page.groups.flatMap((g) => g.components);
  const names = new Map(components.map((c) => [c.monitorId, c.displayName]));
  const drafts = (list.data ?? []).filter((i) => !i.published);
  const open = (list.data ?? []).filter((i) => i.published && !DONE.includes(i.status));
  const closed = (list.data ?? []).filter((i) => i.published && DONE.includes(i.status));
  return (
    <div className="stack">
      <PostForm page={page} />
      {list.isError ? (
        <p role="alert" className="form-error">
          {t("sp.loadFailed", { detail: list.error.message })}
        </p>
      ) : list.isPending ? (
        <div className="skeleton sp-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : list.data.length === 0 ? (
        <p className="empty">{t("sp.inc.empty")}</p>
      ) : (
        <>
          <IncidentSection title={t("sp.inc.drafts")} items={drafts} page={page} names={names} />
          <IncidentSection title={t("sp.inc.open")} items={open} page={page} names={names} />
          <IncidentSection title={t("sp.inc.closed")} items={closed} page={page} names={names} />
        </>
      )}
    </div>
  );
}

function IncidentSection(props: {
  title: string;
  items: StatusIncident[];
  page: StatusPage;
  names: Map<string, string>;
}) {
  if (props.items.length === 0) return null;
  return (
    <section className="stack" aria-label={props.title}>
      <h2>{props.title}</h2>
      {props.items.map((i) => (
        <IncidentCard key={i.id} incident={i} page={props.page} names={props.names} />
      ))}
    </section>
  );
}

/** Posts an incident or a maintenance announcement, published at once or kept as a draft. */
function PostForm({ page }: { page: StatusPage }) {
  const [kind, setKind] = useState<Kind>("incident");
  const [title, setTitle] = useState("");
  const [status, setStatus] = useState<Status>("investigating");
  const [impact, setImpact] = useState<Impact>("minor");
  const [componentIds, setComponentIds] = useState<string[]>([]);
  const [message, setMessage] = useState("");
  const [publish, setPublish] = useState(true);
  const [from, setFrom] = useState("");
  const [until, setUntil] = useState("");
  const post = useStatusMutation(
    async () =>
      await sdk.op.createStatusPageIncident({
        path: { id: page.id },
        body: {
          kind,
          title: title.trim(),
          status,
          impact,
          componentIds,
          message,
          published: publish,
          ...(kind === "maintenance"
            ? {
                scheduledFor: from ? new Date(from).toISOString() : null,
                scheduledUntil: until ? new Date(until).toISOString() : null,
              }
            : {}),
        },
      }),
  );
  const err = post.error;
  const components = page.groups.flatMap((g) => g.components);
  return (
    <form
      className="card stack"
      aria-labelledby="sp-post-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        post.mutate(undefined, {
          onSuccess: () => {
            setTitle("");
            setMessage("");
            setComponentIds([]);
          },
        });
      }}
    >
      <h2 id="sp-post-title">{t("sp.inc.post")}</h2>
      <FormProblem
        error={err}
        fields={[
          "body.title",
          "body.message",
          "body.scheduledFor",
          "body.scheduledUntil",
          "body.componentIds",
        ]}
      />
      <div className="row">
        <label>
          {t("sp.inc.kind")}
          <select
            value={kind}
            onChange={(e) => {
              const k = e.target.value as Kind;
              setKind(k);
              setStatus(STATUSES[k][0] as Status);
              setImpact(k === "maintenance" ? "none" : "minor");
            }}
          >
            <option value="incident">{t("sp.inc.kind.incident")}</option>
            <option value="maintenance">{t("sp.inc.kind.maintenance")}</option>
          </select>
        </label>
        <label>
          {t("sp.inc.status")}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {STATUSES[kind].map((s) => (
              <option key={s} value={s}>
                {t(`sp.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("sp.inc.impact")}
          <select value={impact} onChange={(e) => setImpact(e.target.value as Impact)}>
            {IMPACTS.map((i) => (
              <option key={i} value={i}>
                {t(`sp.impact.${i}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Field
        label={t("sp.inc.title")}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        error={fieldError(err, "body.title")}
      />
      {kind === "maintenance" && (
        <div className="row">
          <Field
            label={t("sp.inc.from")}
            type="datetime-local"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            error={fieldError(err, "body.scheduledFor")}
          />
          <Field
            label={t("sp.inc.until")}
            type="datetime-local"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
            error={fieldError(err, "body.scheduledUntil")}
          />
        </div>
      )}
      <fieldset className="sp-checks">
        <legend>{t("sp.inc.components")}</legend>
        {components.length === 0 && <p className="muted">{t("sp.inc.noComponents")}</p>}
        {components.map((c) => (
          <label key={c.monitorId} className="checkbox">
            <input
              type="checkbox"
              checked={componentIds.includes(c.monitorId)}
              onChange={(e) =>
                setComponentIds((ids) =>
                  e.target.checked ? [...ids, c.monitorId] : ids.filter((x) => x !== c.monitorId),
                )
              }
            />
            {c.displayName}
          </label>
        ))}
        {fieldError(err, "body.componentIds") && (
          <span className="field-error">{fieldError(err, "body.componentIds")}</span>
        )}
      </fieldset>
      <MarkdownField
        label={t("sp.inc.message")}
        hint={t("sp.inc.messageHint")}
        value={message}
        onChange={setMessage}
        error={fieldError(err, "body.message")}
      />
      <label className="checkbox">
        <input type="checkbox" checked={publish} onChange={(e) => setPublish(e.target.checked)} />
        {t("sp.inc.publishNow")}
      </label>
      <div>
        <button
          className="primary"
          type="submit"
          disabled={post.isPending || !title.trim() || !message.trim()}
        >
          {publish ? t("sp.inc.submitPublish") : t("sp.inc.submitDraft")}
        </button>
      </div>
    </form>
  );
}

function IncidentCard({
  incident: i,
  page,
  names,
}: {
  incident: StatusIncident;
  page: StatusPage;
  names: Map<string, string>;
}) {
  const [status, setStatus] = useState<Status>(i.status);
  const [body, setBody] = useState("");
  const [editing, setEditing] = useState(false);
  const publish = useStatusMutation(
    async () => await sdk.op.publishStatusPageIncident({ path: { id: page.id, incidentId: i.id } }),
  );
  const update = useStatusMutation(
    async () =>
      await sdk.op.createStatusPageIncidentUpdate({
        path: { id: page.id, incidentId: i.id },
        body: { status, body },
      }),
  );
  const remove = useStatusMutation(
    async () => await sdk.op.deleteStatusPageIncident({ path: { id: page.id, incidentId: i.id } }),
  );
  const headingId = `sp-inc-${i.id}`;
  return (
    <article className="card stack sp-incident" aria-labelledby={headingId}>
      <div className="row">
        <h3 id={headingId} className="grow">
          {i.title}
        </h3>
        {!i.published && <span className="pill">{t("sp.inc.draft")}</span>}
        <span className="pill">{t(`sp.status.${i.status}` as MessageKey)}</span>
        <span className="pill">{t(`sp.impact.${i.impact}` as MessageKey)}</span>
        {!editing && (
          <button type="button" onClick={() => setEditing(true)}>
            {t("sp.inc.edit")}
            <span className="visually-hidden"> {i.title}</span>
          </button>
        )}
      </div>
      {editing && <IncidentEditForm pageId={page.id} incident={i} onDone={() => setEditing(false)} />}
      <p className="muted">
        {t(`sp.inc.kind.${i.kind}` as MessageKey)} · {formatAt(i.createdAt)}
        {i.componentIds.length > 0 && ` · ${i.componentIds.map((c) => names.get(c) ?? c).join(", ")}`}
        {i.scheduledFor &&
          ` · ${formatAt(i.scheduledFor)} – ${i.scheduledUntil ? formatAt(i.scheduledUntil) : ""}`}
      </p>
      {i.monitorIncidentId && (
        <p>
          {t("sp.inc.fromOutage")}{" "}
          <Link to="/incidents/$id" params={{ id: i.monitorIncidentId }}>
            {t("sp.inc.openOutage")}
          </Link>
        </p>
      )}
      {!i.published && (
        <div className="row">
          <button
            className="primary"
            type="button"
            disabled={publish.isPending}
            onClick={() => publish.mutate()}
          >
            {t("sp.inc.publish")}
            <span className="visually-hidden"> {i.title}</span>
          </button>
          <span className="muted">{t("sp.inc.draftHint")}</span>
        </div>
      )}
      <FormProblem error={publish.error ?? remove.error} />
      <ol className="timeline">
        {i.updates.map((u) => (
          <li key={u.id} className="timeline-item timeline-person">
            <div>
              <strong>{t(`sp.status.${u.status}` as MessageKey)}</strong> ·{" "}
              <time dateTime={u.createdAt}>{formatAt(u.createdAt)}</time>
            </div>
            <div
              className="markdown"
              // biome-ignore lint/security/noDangerouslySetInnerHtml: `html` is rendered and sanitised by the server (docs/status-pages.md)
              dangerouslySetInnerHTML={{ __html: u.html }}
            />
          </li>
        ))}
      </ol>
      <form
        className="stack sp-update-form"
        aria-label={t("sp.inc.updateFor", { title: i.title })}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate(undefined, { onSuccess: () => setBody("") });
        }}
      >
        <FormProblem error={update.error} fields={["body.body", "body.status"]} />
        <label>
          {t("sp.inc.newStatus")}
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {STATUSES[i.kind].map((s) => (
              <option key={s} value={s}>
                {t(`sp.status.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <MarkdownField
          label={t("sp.inc.updateBody")}
          hint={t("sp.inc.messageHint")}
          value={body}
          onChange={setBody}
          error={fieldError(update.error, "body.body")}
        />
        <div className="row">
          <button type="submit" className="primary" disabled={update.isPending || !body.trim()}>
            {t("sp.inc.postUpdate")}
          </button>
          <button
            type="button"
            className="danger"
            disabled={remove.isPending}
            onClick={() => {
              if (window.confirm(t("sp.inc.deleteConfirm", { title: i.title }))) remove.mutate();
            }}
          >
            {t("sp.inc.delete")}
          </button>
        </div>
      </form>
    </article>
  );
}
