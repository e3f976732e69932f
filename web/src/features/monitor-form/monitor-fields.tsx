import { Field } from "../../components/field.tsx";
import { FormProblem } from "../../components/problem.tsx";
import { t, tn } from "../../i18n/index.ts";
import { AssertionBuilder } from "./assertion-builder.tsx";
import { errorAt, errorsUnder, type FormState, placedPaths, regionList } from "./form-model.ts";
import { ChannelsField, ParentsField } from "./relations-fields.tsx";
import { SettingsFields } from "./settings-fields.tsx";
import {
  describeType,
  readsCertificates,
  typeHint,
  typeLabel,
  typeNames,
  unavailableReason,
} from "./type-catalog.ts";

interface Props {
  state: FormState;
  onChange: (patch: Partial<FormState>) => void;
  /** The last answer of the API, whose `errors[].path` entries show next to their fields. */
  error: unknown;
  /** Show problems found in the browser (after a first attempt to send). */
  showProblems: boolean;
  monitorId?: string | undefined;
}

/**
 * Every input of the monitor form, controlled: the type's settings come from its description
 * (type-catalog.ts: hand-made or generated from the type's schema), the rest is common to all types. The API's problems land next to the field they name.
 */
export function MonitorFields({ state: s, onChange: set, error, showProblems, monitorId }: Props) {
  const err = (path: string) => errorsUnder(error, path);
  const desc = describeType(s.type);
  const editing = monitorId !== undefined;
  return (
    <>
      <FormProblem error={error} fields={placedPaths(error, s)} />
      <fieldset className="form-grid">
        <legend>{t("monitorForm.basics")}</legend>
        <div className="field">
          <label htmlFor="monitor-type">{t("monitorForm.type")}</label>
          <select
            id="monitor-type"
            value={s.type}
            onChange={(e) => set({ type: e.target.value })}
            aria-describedby="monitor-type-hint"
          >
            {typeNames().map((type) => (
              <option key={type} value={type} disabled={type !== s.type && unavailableReason(type) !== null}>
                {unavailableReason(type) === null
                  ? typeLabel(type)
                  : t("monitorForm.typeUnavailable", { type: typeLabel(type) })}
              </option>
            ))}
          </select>
          <span id="monitor-type-hint" className="muted">
            {typeHint(s.type)}
          </span>
          {unavailableReason(s.type) !== null && (
            <span className="field-error">{unavailableReason(s.type)}</span>
          )}
        </div>
        <Field
          label={t("monitorForm.name")}
          value={s.name}
          onChange={(e) => set({ name: e.target.value })}
          error={err("name")}
        />
        {!desc.noTarget && (
          <Field
            label={t(desc.targetLabel)}
            hint={t(desc.targetHint)}
            placeholder={desc.targetPlaceholder}
            value={s.target}
            onChange={(e) => set({ target: e.target.value })}
            error={err("target")}
            autoComplete="off"
          />
        )}
      </fieldset>

      <SettingsFields
        type={s.type}
        settings={s.settings}
        onChange={(key, value) => set({ settings: { ...s.settings, [key]: value } })}
        errorFor={err}
        storedAuth={s.storedAuth}
        storedSecrets={s.storedSecrets}
      />

      <AssertionBuilder
        type={s.type}
        rows={s.assertions}
        onChange={(assertions) => set({ assertions })}
        apiError={(path) => errorAt(error, path)}
        showProblems={showProblems}
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
        {(regionList(s).length >= 2 || s.quorum.trim() !== "" || err("quorum")) && (
          <Field
            label={t("monitorForm.quorum")}
            hint={tn("monitorForm.quorumHint", regionList(s).length)}
            inputMode="numeric"
            placeholder={t("monitorForm.quorumMajority")}
            value={s.quorum}
            onChange={(e) => set({ quorum: e.target.value })}
            error={err("quorum")}
          />
        )}
        {readsCertificates(s.type) && (
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
    </>
  );
}
