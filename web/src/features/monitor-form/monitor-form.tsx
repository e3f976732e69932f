import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { api, unwrap } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { AssertionBuilder } from "./assertion-builder.tsx";
import { MONITOR_TYPES, type MonitorType, rowProblems } from "./assertion-model.ts";
import { CheckResultView } from "./check-result.tsx";
import { errorAt, errorsUnder, type FormState, placedPaths, toRequestBody } from "./form-model.ts";
import { setMonitorChannels, testDefinition } from "./monitor-api.ts";
import { ChannelsField, ParentsField } from "./relations-fields.tsx";
import { SettingsFields } from "./settings-fields.tsx";
import { TYPE_FIELDS } from "./type-fields.ts";

interface Props {
  initial: FormState;
  /** Editing this monitor (PATCH); without it the form creates one. */
  monitorId?: string | undefined;
  /** The channels assigned when the form opened (editing), to send only a change. */
  initialChannels?: string[];
  onSaved: (id: string) => void;
  onCancel: () => void;
}

const CERT_TYPES: MonitorType[] = ["http", "keyword", "json", "tls"];

/** Create or edit a monitor of any type; "Test" runs one check of what is typed, before saving. */
export function MonitorForm({ initial, monitorId, initialChannels = [], onSaved, onCancel }: Props) {
  const client = useQueryClient();
  const [s, setState] = useState<FormState>(initial);
  const [tried, setTried] = useState(false);
  const [lastError, setLastError] = useState<unknown>(null);
  const set = (patch: Partial<FormState>) => setState((prev) => ({ ...prev, ...patch }));
  const editing = monitorId !== undefined;

  const save = useMutation({
    mutationFn: async (state: FormState) => {
      const body = toRequestBody(state, editing);
      const saved = editing
        ? unwrap(await api.PATCH("/api/v1/monitors/{id}", { params: { path: { id: monitorId } }, body }))
        : unwrap(await api.POST("/api/v1/monitors", { body: body as never }));
      const sameChannels =
        state.channelIds.length === initialChannels.length &&
        state.channelIds.every((c) => initialChannels.includes(c));
      if (!sameChannels) await setMonitorChannels(saved.id, state.channelIds);
      return saved;
    },
    onMutate: () => setLastError(null),
    onError: setLastError,
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: ["monitors"] });
      await client.invalidateQueries({ queryKey: ["monitor", saved.id] });
      onSaved(saved.id);
    },
  });
  const test = useMutation({
    mutationFn: (state: FormState) => testDefinition(toRequestBody(state)),
    onMutate: () => setLastError(null),
    onError: setLastError,
  });

  const clientProblems = () => s.assertions.some((row) => Object.keys(rowProblems(row)).length > 0);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!clientProblems()) save.mutate(s);
  };
  const onTest = () => {
    setTried(true);
    if (!clientProblems()) test.mutate(s);
  };
  const err = (path: string) => errorsUnder(lastError, path);
  const desc = TYPE_FIELDS[s.type];
  const busy = save.isPending || test.isPending;

  return (
    <form className="monitor-form stack" onSubmit={onSubmit} noValidate>
      <FormProblem error={lastError} fields={placedPaths(lastError, s)} />
      <fieldset className="form-grid">
        <legend>{t("monitorForm.basics")}</legend>
        <div className="field">
          <label htmlFor="monitor-type">{t("monitorForm.type")}</label>
          <select
            id="monitor-type"
            value={s.type}
            onChange={(e) => set({ type: e.target.value as MonitorType })}
            aria-describedby="monitor-type-hint"
          >
            {MONITOR_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`monitorForm.type.${type}`)}
              </option>
            ))}
          </select>
          <span id="monitor-type-hint" className="muted">
            {t(`monitorForm.typeHint.${s.type}`)}
          </span>
        </div>
        <Field
          label={t("monitorForm.name")}
          value={s.name}
          onChange={(e) => set({ name: e.target.value })}
          error={err("name")}
        />
        <Field
          label={t(desc.targetLabel)}
          hint={t(desc.targetHint)}
          placeholder={desc.targetPlaceholder}
          value={s.target}
          onChange={(e) => set({ target: e.target.value })}
          error={err("target")}
          autoComplete="off"
        />
      </fieldset>

      <SettingsFields
        type={s.type}
        settings={s.settings}
        onChange={(key, value) => set({ settings: { ...s.settings, [key]: value } })}
        errorFor={err}
        storedAuth={s.storedAuth}
      />

      <AssertionBuilder
        type={s.type}
        rows={s.assertions}
        onChange={(assertions) => set({ assertions })}
        apiError={(path) => errorAt(lastError, path)}
        showProblems={tried}
      />

      <fieldset className="form-grid">
        <legend>{t("monitorForm.schedule")}</legend>
        <Field
          label={t("monitorForm.interval")}
          inputMode="numeric"
          value={s.intervalSeconds}
          onChange={(e) => set({ intervalSeconds: e.target.value })}
          error={err("intervalSeconds")}
        />
        <Field
          label={t("monitorForm.timeout")}
          hint={t("monitorForm.timeoutHint")}
          inputMode="numeric"
          value={s.timeoutMs}
          onChange={(e) => set({ timeoutMs: e.target.value })}
          error={err("timeoutMs")}
        />
        <Field
          label={t("monitorForm.failuresBeforeDown")}
          inputMode="numeric"
          value={s.failuresBeforeDown}
          onChange={(e) => set({ failuresBeforeDown: e.target.value })}
          error={err("failuresBeforeDown")}
        />
        <Field
          label={t("monitorForm.successesBeforeUp")}
          inputMode="numeric"
          value={s.successesBeforeUp}
          onChange={(e) => set({ successesBeforeUp: e.target.value })}
          error={err("successesBeforeUp")}
        />
        <Field
          label={t("monitorForm.regions")}
          hint={t("monitorForm.regionsHint")}
          value={s.regions}
          onChange={(e) => set({ regions: e.target.value })}
          error={err("regions")}
        />
        {CERT_TYPES.includes(s.type) && (
          <Field
            label={t("monitorForm.certExpiryDays")}
            hint={t("monitorForm.certExpiryDaysHint")}
            value={s.certExpiryDays}
            onChange={(e) => set({ certExpiryDays: e.target.value })}
            error={err("certExpiryDays")}
          />
        )}
      </fieldset>

      <fieldset className="form-grid">
        <legend>{t("monitorForm.people")}</legend>
        <Field
          label={t("monitorForm.tags")}
          hint={t("monitorForm.tagsHint")}
          value={s.tags}
          onChange={(e) => set({ tags: e.target.value })}
          error={err("tags")}
        />
        <Field
          label={t("monitorForm.runbookUrl")}
          type="url"
          value={s.runbookUrl}
          onChange={(e) => set({ runbookUrl: e.target.value })}
          error={err("runbookUrl")}
        />
        <div className="field field-wide">
          <label htmlFor="monitor-description">{t("monitorForm.description")}</label>
          <textarea
            id="monitor-description"
            rows={3}
            value={s.description}
            onChange={(e) => set({ description: e.target.value })}
            aria-invalid={err("description") ? true : undefined}
          />
          {err("description") && <span className="field-error">{err("description")}</span>}
        </div>
        <ParentsField
          value={s.parents}
          onChange={(parents) => set({ parents })}
          selfId={monitorId}
          error={err("parents")}
        />
        <ChannelsField value={s.channelIds} onChange={(channelIds) => set({ channelIds })} />
        {!editing && (
          <label className="checkbox">
            <input type="checkbox" checked={s.paused} onChange={(e) => set({ paused: e.target.checked })} />
            {t("monitorForm.createPaused")}
          </label>
        )}
      </fieldset>

      <div className="row form-actions">
        <button type="button" onClick={onTest} disabled={busy}>
          {test.isPending ? t("monitorForm.testing") : t("monitorForm.test")}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {save.isPending ? t("monitorForm.saving") : editing ? t("action.save") : t("monitorForm.create")}
        </button>
        <button type="button" onClick={onCancel}>
          {t("action.cancel")}
        </button>
      </div>
      <div aria-live="polite">
        {test.data && !test.isPending && (
          <CheckResultView outcome={test.data} title={t("monitorForm.testResult")} />
        )}
      </div>
    </form>
  );
}
