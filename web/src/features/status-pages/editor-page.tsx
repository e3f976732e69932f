import { useParams } from "@tanstack/react-router";
import { useEffect, useState } from "react";
import { ApiError, sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { ComponentsEditor } from "./components-editor.tsx";
import {
  type Draft,
  fromPage,
  HISTORY_DAYS,
  type HistoryDays,
  type StatusPage,
  toBody,
  VISIBILITIES,
  type Visibility,
} from "./editor-model.ts";
import { FooterLinksEditor } from "./footer-links-editor.tsx";
import { type MessageKey, t } from "./messages.ts";
import { PageFrame } from "./page-frame.tsx";
import { Preview } from "./preview.tsx";
import { useMonitorChoices, useStatusMutation } from "./queries.ts";
import { ThemeEditor } from "./theme-editor.tsx";

/** Problems the editor places beside a field; others show at the top of the form. */
const PLACED =
  /^body\.(slug|title|description|logoUrl|faviconUrl|footerText|password|footerLinks\.\d+\.(label|url)|colors\.\w+\.\w+|groups\.\d+(\.components\.\d+)?\.(name|displayName|monitorId))$/;

/** `/status-pages/$id`: the page's settings, colours and components, with a preview beside them. */
export function EditorPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  return <PageFrame id={id}>{(page) => <Editor key={page.id} page={page} />}</PageFrame>;
}

function Editor({ page }: { page: StatusPage }) {
  const [draft, setDraft] = useState<Draft>(() => fromPage(page));
  const [saved, setSaved] = useState(() => JSON.stringify(toBody(fromPage(page))));
  const monitors = useMonitorChoices();
  const save = useStatusMutation(
    async (d: Draft) => await sdk.op.updateStatusPage({ path: { id: page.id }, body: toBody(d) }),
  );
  // A saved page comes back from the server: start again from what it stored.
  useEffect(() => {
    if (save.data) {
      setDraft(fromPage(save.data));
      setSaved(JSON.stringify(toBody(fromPage(save.data))));
    }
  }, [save.data]);
  const dirty = JSON.stringify(toBody(draft)) !== saved;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const err = save.error;
  const placed = err instanceof ApiError ? err.errors.map((e) => e.path).filter((p) => PLACED.test(p)) : [];
  const states = new Map((monitors.data ?? []).map((m) => [m.id, m.state]));

  return (
    <div className="sp-editor">
      <form
        className="stack sp-editor-form"
        noValidate
        aria-label={t("sp.editorForm")}
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(draft);
        }}
      >
        <FormProblem error={err} fields={placed} />
        <fieldset className="card stack">
          <legend>{t("sp.settings")}</legend>
          <Field
            label={t("sp.title")}
            value={draft.title}
            onChange={(e) => set("title", e.target.value)}
            error={fieldError(err, "body.title")}
          />
          <Field
            label={t("sp.slug")}
            value={draft.slug}
            hint={t("sp.slugHint")}
            onChange={(e) => set("slug", e.target.value.toLowerCase())}
            error={fieldError(err, "body.slug")}
          />
          <Field
            label={t("sp.description")}
            value={draft.description}
            onChange={(e) => set("description", e.target.value)}
            error={fieldError(err, "body.description")}
          />
          <Field
            label={t("sp.logoUrl")}
            type="url"
            value={draft.logoUrl}
            hint={t("sp.logoHint")}
            onChange={(e) => set("logoUrl", e.target.value)}
            error={fieldError(err, "body.logoUrl")}
          />
          <Field
            label={t("sp.faviconUrl")}
            type="url"
            value={draft.faviconUrl}
            onChange={(e) => set("faviconUrl", e.target.value)}
            error={fieldError(err, "body.faviconUrl")}
          />
          <Field
            label={t("sp.footerText")}
            value={draft.footerText}
            onChange={(e) => set("footerText", e.target.value)}
            error={fieldError(err, "body.footerText")}
          />
          <label>
            {t("sp.historyDays")}
            <select
              value={draft.historyDays}
              onChange={(e) => set("historyDays", Number(e.target.value) as HistoryDays)}
            >
              {HISTORY_DAYS.map((d) => (
                <option key={d} value={d}>
                  {t("sp.days", { days: d })}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("sp.visibility")}
            <select
              value={draft.visibility}
              onChange={(e) => set("visibility", e.target.value as Visibility)}
            >
              {VISIBILITIES.map((v) => (
                <option key={v} value={v}>
                  {t(`sp.visibility.${v}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          {draft.visibility === "password" && (
            <Field
              label={t("sp.password")}
              type="password"
              autoComplete="new-password"
              value={draft.password}
              hint={page.hasPassword ? t("sp.passwordKeep") : t("sp.passwordNew")}
              onChange={(e) => set("password", e.target.value)}
              error={fieldError(err, "body.password")}
            />
          )}
          <label className="checkbox">
            <input
              type="checkbox"
              checked={draft.autoPublish}
              onChange={(e) => set("autoPublish", e.target.checked)}
            />
            {t("sp.autoPublish")}
          </label>
        </fieldset>
        <fieldset className="card stack">
          <legend>{t("sp.links")}</legend>
          <FooterLinksEditor links={draft.footerLinks} onChange={(l) => set("footerLinks", l)} error={err} />
        </fieldset>
        <fieldset className="card stack">
          <legend>{t("sp.colors")}</legend>
          <ThemeEditor colors={draft.colors} onChange={(c) => set("colors", c)} error={err} />
        </fieldset>
        <fieldset className="card stack">
          <legend>{t("sp.components")}</legend>
          {monitors.isError && (
            <p role="alert" className="form-error">
              {monitors.error.message}
            </p>
          )}
          <ComponentsEditor
            groups={draft.groups}
            onChange={(g) => set("groups", g)}
            monitors={monitors.data ?? []}
            error={err}
          />
        </fieldset>
        <div className="row sp-save-bar">
          <button className="primary" type="submit" disabled={save.isPending || !dirty}>
            {save.isPending ? t("sp.saving") : t("sp.save")}
          </button>
          <button type="button" disabled={!dirty} onClick={() => setDraft(fromPage(save.data ?? page))}>
            {t("sp.discard")}
          </button>
          <output aria-live="polite" className="muted">
            {dirty ? t("sp.unsaved") : save.isSuccess ? t("sp.saved") : ""}
          </output>
        </div>
      </form>
      <Preview draft={draft} states={states} />
    </div>
  );
}
