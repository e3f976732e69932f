import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { sdk } from "../../api/client.ts";
import { useMe } from "../../app/session.ts";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import { MarkdownField } from "./note-form.tsx";
import {
  type IncidentDetail,
  useAcknowledge,
  useMembers,
  usePatchIncident,
  WORKFLOW,
  type WorkflowStatus,
} from "./queries.ts";

/** Acknowledge (with an optional note) while the incident is open and nobody has. */
export function AcknowledgePanel({ incident }: { incident: IncidentDetail }) {
  const ack = useAcknowledge(incident.id);
  const [note, setNote] = useState("");
  const noteId = useId();
  if (incident.acknowledgement) {
    return (
      <p className="ack-done">
        {t("incidents.acknowledgedBy", {
          by: incident.acknowledgement.by.name,
          at: new Date(incident.acknowledgement.at).toLocaleString(),
        })}
      </p>
    );
  }
  if (incident.status !== "open") return null;
  return (
    <form
      className="row ack-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        ack.mutate(note);
      }}
    >
      <div className="field grow">
        <label htmlFor={noteId}>{t("incidents.ackNote")}</label>
        <input id={noteId} value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
      </div>
      <button className="primary" type="submit" disabled={ack.isPending}>
        {t("incidents.acknowledge")}
      </button>
      <FormProblem error={ack.error} />
    </form>
  );
}

/** The workflow status (investigating → identified → monitoring → resolved) and the assignee. */
export function WorkflowPanel({ incident }: { incident: IncidentDetail }) {
  const patch = usePatchIncident(incident.id);
  const members = useMembers();
  const me = useMe();
  const statusId = useId();
  const assigneeId = useId();
  const final = incident.workflowStatus === "resolved";
  const assigneeError = fieldError(patch.error, "body.assigneeId");
  const statusError = fieldError(patch.error, "body.workflowStatus");
  return (
    <div className="stack">
      <FormProblem error={patch.error} fields={["body.assigneeId", "body.workflowStatus"]} />
      <div className="row workflow-row">
        <div className="field">
          <label htmlFor={statusId}>{t("incident.setStatus")}</label>
          <select
            id={statusId}
            value={incident.workflowStatus}
            disabled={final || patch.isPending}
            aria-invalid={statusError ? true : undefined}
            onChange={(e) => patch.mutate({ workflowStatus: e.target.value as WorkflowStatus })}
          >
            {WORKFLOW.map((w) => (
              <option key={w} value={w}>
                {t(`workflow.${w}` as MessageKey)}
              </option>
            ))}
          </select>
          {statusError && <span className="field-error">{statusError}</span>}
        </div>
        <div className="field">
          <label htmlFor={assigneeId}>{t("incident.assign")}</label>
          <select
            id={assigneeId}
            value={incident.assigneeId ?? ""}
            disabled={patch.isPending || members.isPending}
            aria-invalid={assigneeError ? true : undefined}
            onChange={(e) => patch.mutate({ assigneeId: e.target.value || null })}
          >
            <option value="">{t("incidents.unassigned")}</option>
            {members.data?.items.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name ? `${m.name} (${m.email})` : m.email}
              </option>
            ))}
          </select>
          {assigneeError && <span className="field-error">{assigneeError}</span>}
        </div>
        {me.data && incident.assigneeId !== me.data.id && (
          <button
            type="button"
            className="align-end"
            disabled={patch.isPending}
            onClick={() => patch.mutate({ assigneeId: me.data?.id ?? null })}
          >
            {t("incident.assignMe")}
          </button>
        )}
      </div>
      {final && (
        <p className="muted">
          {incident.workflowResolvedBy === "monitor"
            ? t("incident.resolvedByMonitor")
            : t("incident.resolvedByPerson")}
        </p>
      )}
    </div>
  );
}

/** The postmortem: written once the incident is resolved; shown as the server's sanitised HTML. */
export function PostmortemPanel({ incident }: { incident: IncidentDetail }) {
  const patch = usePatchIncident(incident.id);
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(incident.postmortem ?? "");
  if (incident.workflowStatus !== "resolved") return <p className="muted">{t("postmortem.waiting")}</p>;
  if (!editing && incident.postmortemHtml) {
    return (
      <div className="stack">
        <div
          className="markdown postmortem"
          // biome-ignore lint/security/noDangerouslySetInnerHtml: `postmortemHtml` is rendered and sanitised by the server
          dangerouslySetInnerHTML={{ __html: incident.postmortemHtml }}
        />
        <div>
          <button
            type="button"
            onClick={() => {
              setText(incident.postmortem ?? "");
              setEditing(true);
            }}
          >
            {t("postmortem.edit")}
          </button>
        </div>
      </div>
    );
  }
  return (
    <form
      className="stack"
      aria-label={t("postmortem.title")}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        patch.mutate({ postmortem: text.trim() ? text : null }, { onSuccess: () => setEditing(false) });
      }}
    >
      {!incident.postmortem && !editing && <p className="muted">{t("postmortem.none")}</p>}
      <FormProblem error={patch.error} fields={["body.postmortem"]} />
      <MarkdownField
        label={t("postmortem.body")}
        hint={t("postmortem.hint")}
        value={text}
        onChange={setText}
        error={fieldError(patch.error, "body.postmortem")}
      />
      <div className="row">
        <button className="primary" type="submit" disabled={patch.isPending}>
          {t("postmortem.save")}
        </button>
        {editing && (
          <button type="button" onClick={() => setEditing(false)}>
            {t("action.cancel")}
          </button>
        )}
      </div>
    </form>
  );
}

/** One click: a draft incident on a status page, prefilled from this one by the server. */
export function StatusPagePanel({ incident }: { incident: IncidentDetail }) {
  const pages = useQuery({
    queryKey: ["status-pages"],
    queryFn: async () => await sdk.op.listStatusPages(),
  });
  const [pageId, setPageId] = useState("");
  const selectId = useId();
  const open = useMutation({
    mutationFn: async (statusPageId: string) =>
      await sdk.op.draftStatusPageIncident({ path: { id: incident.id }, body: { statusPageId } }),
  });
  if (pages.isPending) return <div className="skeleton" style={{ height: "4rem" }} aria-busy="true" />;
  const items = pages.data?.items ?? [];
  if (items.length === 0) return <p className="muted">{t("incident.statusPageNone")}</p>;
  const chosen = pageId || items[0]?.id || "";
  const title = items.find((p) => p.id === chosen)?.title ?? "";
  return (
    <form
      className="stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        open.mutate(chosen);
      }}
    >
      {incident.statusPageIncidents.length > 0 && (
        <p className="muted">
          {t("incident.statusPageDrafts", { count: incident.statusPageIncidents.length })}
        </p>
      )}
      <div className="row">
        <div className="field">
          <label htmlFor={selectId}>{t("incident.statusPagePick")}</label>
          <select id={selectId} value={chosen} onChange={(e) => setPageId(e.target.value)}>
            {items.map((p) => (
              <option key={p.id} value={p.id}>
                {p.title}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="align-end" disabled={open.isPending}>
          {t("incident.statusPageOpen")}
        </button>
      </div>
      <FormProblem error={open.error} fields={[]} />
      {open.data && (
        <p role="status">
          {open.data.created
            ? t("incident.statusPageCreated", { page: title })
            : t("incident.statusPageExisting", { page: title })}
        </p>
      )}
    </form>
  );
}
