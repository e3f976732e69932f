import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { ApiError, sdk } from "../../api/client.ts";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import { type Channel, PREVIEW_EVENTS, type Preview, type PreviewEvent } from "./queries.ts";
import "./messages.ts";

/** Waits until typing pauses before asking for a preview. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The template as the API takes it: only the parts given; null is the default wording. */
export function templateBody(title: string, text: string): { title?: string; text?: string } | null {
  const body = { ...(title.trim() ? { title } : {}), ...(text.trim() ? { text } : {}) };
  return Object.keys(body).length ? body : null;
}

/**
 * The channel's message template with a live preview: the exact request(s) the channel's real
 * adapter would make for the chosen event, as typed, before saving (`POST /channels/{id}/preview`).
 */
export function TemplateEditor({ channel }: { channel: Channel }) {
  const client = useQueryClient();
  const id = useId();
  const [title, setTitle] = useState(channel.template?.title ?? "");
  const [text, setText] = useState(channel.template?.text ?? "");
  const [event, setEvent] = useState<PreviewEvent>("down");
  const template = useDebounced(templateBody(title, text), 400);

  const preview = useQuery({
    queryKey: ["channel", channel.id, "preview", event, template],
    queryFn: async () =>
      await sdk.op.previewChannel({ path: { id: channel.id }, body: { event, template, drill: false } }),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const save = useMutation({
    mutationFn: async () =>
      await sdk.op.updateChannel({ path: { id: channel.id }, body: { template: templateBody(title, text) } }),
    onSuccess: (saved) => client.setQueryData(["channel", channel.id], saved),
  });
  const error = save.error ?? preview.error;
  const titleError = fieldError(error, "body.template.title");
  const textError = fieldError(error, "body.template.text");

  return (
    <section className="card stack" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("template.title")}</h2>
      <p className="muted">{t("template.intro")}</p>
      <div className="template-editor">
        <div className="stack">
          <div className="field">
            <label htmlFor={`${id}-title`}>{t("template.messageTitle")}</label>
            <input
              id={`${id}-title`}
              value={title}
              placeholder={t("template.defaultPlaceholder")}
              aria-invalid={titleError ? true : undefined}
              aria-describedby={titleError ? `${id}-title-error` : undefined}
              onChange={(e) => setTitle(e.target.value)}
            />
            {titleError && (
              <span id={`${id}-title-error`} className="field-error">
                {titleError}
              </span>
            )}
          </div>
          <div className="field">
            <label htmlFor={`${id}-text`}>{t("template.messageText")}</label>
            <textarea
              id={`${id}-text`}
              rows={6}
              value={text}
              placeholder={t("template.defaultPlaceholder")}
              aria-invalid={textError ? true : undefined}
              aria-describedby={`${id}-names${textError ? ` ${id}-text-error` : ""}`}
              onChange={(e) => setText(e.target.value)}
            />
            <span id={`${id}-names`} className="muted">
              {t("template.names")}
            </span>
            {textError && (
              <span id={`${id}-text-error`} className="field-error">
                {textError}
              </span>
            )}
          </div>
          <div className="row">
            <button type="button" className="primary" disabled={save.isPending} onClick={() => save.mutate()}>
              {t("template.save")}
            </button>
            <button
              type="button"
              onClick={() => {
                setTitle("");
                setText("");
              }}
            >
              {t("template.reset")}
            </button>
            {save.isSuccess && (
              <output className="muted" aria-live="polite">
                {t("template.saved")}
              </output>
            )}
          </div>
          {save.error && !(save.error instanceof ApiError && (titleError || textError)) && (
            <FormProblem error={save.error} fields={["body.template.title", "body.template.text"]} />
          )}
        </div>
        <div className="stack">
          <div className="field">
            <label htmlFor={`${id}-event`}>{t("template.previewEvent")}</label>
            <select
              id={`${id}-event`}
              value={event}
              onChange={(e) => setEvent(e.target.value as PreviewEvent)}
            >
              {PREVIEW_EVENTS.map((ev) => (
                <option key={ev} value={ev}>
                  {t(`previewEvent.${ev}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <PreviewView preview={preview.data} pending={preview.isPending} stale={preview.isFetching} />
        </div>
      </div>
    </section>
  );
}

/** Pretty JSON when the body is JSON, as sent otherwise. */
function readable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

export function PreviewView({
  preview,
  pending,
  stale,
}: {
  preview?: Preview;
  pending: boolean;
  stale: boolean;
}) {
  if (pending || !preview) {
    return (
      <div className="skeleton preview-skeleton" aria-busy="true">
        <span className="visually-hidden">{t("loading")}</span>
      </div>
    );
  }
  return (
    <div className="stack preview" aria-live="polite" aria-busy={stale}>
      {preview.error && <p className="form-error">{t("template.noRequest", { reason: preview.error })}</p>}
      {preview.requests.map((r) => (
        <figure key={`${r.method} ${r.url} ${r.body.length}`} className="preview-request">
          <figcaption>
            <code>
              {r.method} {r.url}
            </code>
          </figcaption>
          <pre className="preview-headers">
            {Object.entries(r.headers)
              .map(([k, v]) => `${k}: ${v}`)
              .join("\n")}
          </pre>
          <pre className="preview-body">{readable(r.body)}</pre>
        </figure>
      ))}
    </div>
  );
}
