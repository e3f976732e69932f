import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import { browserZone, isZone } from "./calendar.ts";
import { CalendarView } from "./calendar-view.tsx";
import { CoverPicker } from "./cover-picker.tsx";
import {
  draftOfWindow,
  emptyWindow,
  type MaintenanceWindow,
  previewable,
  scheduleOf,
  WEEKDAYS,
  type WindowDraft,
  windowBody,
} from "./window-model.ts";
import "../channels/messages.ts";

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

const ZONES: string[] =
  typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];

interface Props {
  window?: MaintenanceWindow;
  onDone: () => void;
}

/** A maintenance window: when (once, or recurring in a time zone), what it covers, its next occurrences. */
export function WindowForm({ window: saved, onDone }: Props) {
  const client = useQueryClient();
  const [d, setDraft] = useState<WindowDraft>(() => (saved ? draftOfWindow(saved) : emptyWindow()));
  const set = (patch: Partial<WindowDraft>) => setDraft((x) => ({ ...x, ...patch }));
  const schedule = useDebounced(previewable(d) ? scheduleOf(d) : null, 400);
  const preview = useQuery({
    queryKey: ["maintenance-preview", schedule],
    enabled: schedule !== null,
    queryFn: async () =>
      await sdk.op.previewMaintenanceSchedule({
        body: { schedule: schedule as NonNullable<typeof schedule>, count: 20 },
      }),
    placeholderData: keepPreviousData,
    retry: false,
  });
  const save = useMutation({
    mutationFn: async () =>
      saved
        ? await sdk.op.updateMaintenanceWindow({ path: { id: saved.id }, body: windowBody(d) })
        : await sdk.op.createMaintenanceWindow({ body: windowBody(d) }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["maintenance"] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const err = (path: string) => fieldError(save.error, path) ?? fieldError(preview.error, path);
  const placed = [
    "body.title",
    "body.description",
    "body.monitorIds",
    "body.tags",
    ...[
      "startsAt",
      "endsAt",
      "timezone",
      "startTime",
      "durationMinutes",
      "daily",
      "weekly.days",
      "monthly.dayOfMonth",
      "from",
      "until",
    ].map((p) => `body.schedule.${p}`),
  ];

  return (
    <form className="card stack window-form" onSubmit={submit} noValidate>
      <div className="form-grid">
        <Field
          label={t("maintenance.titleField")}
          value={d.title}
          onChange={(e) => set({ title: e.target.value })}
          error={fieldError(save.error, "body.title")}
        />
        <div className="field field-wide">
          <label htmlFor="window-description">{t("maintenance.description")}</label>
          <textarea
            id="window-description"
            rows={2}
            value={d.description}
            onChange={(e) => set({ description: e.target.value })}
          />
        </div>
      </div>
      <fieldset className="stack">
        <legend>{t("maintenance.when")}</legend>
        <div className="segmented" role="radiogroup" aria-label={t("maintenance.when")}>
          {(["once", "recurring"] as const).map((type) => (
            <label key={type} className="checkbox">
              <input
                type="radio"
                name="window-type"
                checked={d.type === type}
                onChange={() => set({ type })}
              />
              {t(`maintenance.type.${type}` as MessageKey)}
            </label>
          ))}
        </div>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="window-zone">{t("maintenance.timezone")}</label>
            <input
              id="window-zone"
              list="window-zones"
              value={d.timezone}
              aria-invalid={err("body.schedule.timezone") ? true : undefined}
              aria-describedby="window-zone-error"
              onChange={(e) => set({ timezone: e.target.value })}
            />
            <datalist id="window-zones">
              {ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
            <span id="window-zone-error" className="field-error">
              {err("body.schedule.timezone") ?? ""}
            </span>
          </div>
          {d.type === "once" ? (
            <>
              <Field
                label={t("maintenance.startsAt")}
                type="datetime-local"
                value={d.startsAt}
                onChange={(e) => set({ startsAt: e.target.value })}
                error={err("body.schedule.startsAt")}
              />
              <Field
                label={t("maintenance.endsAt")}
                type="datetime-local"
                value={d.endsAt}
                onChange={(e) => set({ endsAt: e.target.value })}
                error={err("body.schedule.endsAt")}
              />
            </>
          ) : (
            <>
              <Field
                label={t("maintenance.startTime")}
                type="time"
                value={d.startTime}
                onChange={(e) => set({ startTime: e.target.value })}
                error={err("body.schedule.startTime")}
              />
              <Field
                label={t("maintenance.duration")}
                inputMode="numeric"
                value={d.durationMinutes}
                onChange={(e) => set({ durationMinutes: e.target.value })}
                error={err("body.schedule.durationMinutes")}
              />
              <div className="field">
                <label htmlFor="window-repeat">{t("maintenance.repeat")}</label>
                <select
                  id="window-repeat"
                  value={d.repeat}
                  onChange={(e) => set({ repeat: e.target.value as WindowDraft["repeat"] })}
                >
                  <option value="daily">{t("maintenance.daily")}</option>
                  <option value="weekly">{t("maintenance.weekly")}</option>
                  <option value="monthly">{t("maintenance.monthly")}</option>
                </select>
              </div>
              {d.repeat === "monthly" && (
                <Field
                  label={t("maintenance.dayOfMonth")}
                  inputMode="numeric"
                  value={d.dayOfMonth}
                  onChange={(e) => set({ dayOfMonth: e.target.value })}
                  error={err("body.schedule.monthly.dayOfMonth")}
                />
              )}
              <Field
                label={t("maintenance.from")}
                type="date"
                value={d.from}
                onChange={(e) => set({ from: e.target.value })}
                error={err("body.schedule.from")}
              />
              <Field
                label={t("maintenance.until")}
                type="date"
                value={d.until}
                onChange={(e) => set({ until: e.target.value })}
                error={err("body.schedule.until")}
              />
            </>
          )}
        </div>
        {d.type === "recurring" && d.repeat === "weekly" && (
          <fieldset>
            <legend>{t("maintenance.days")}</legend>
            <div className="row">
              {WEEKDAYS.map((day) => (
                <label key={day} className="checkbox">
                  <input
                    type="checkbox"
                    checked={d.days.includes(day)}
                    onChange={(e) =>
                      set({ days: e.target.checked ? [...d.days, day] : d.days.filter((x) => x !== day) })
                    }
                  />
                  {t(`weekday.${day}` as MessageKey)}
                </label>
              ))}
            </div>
          </fieldset>
        )}
      </fieldset>
      <CoverPicker
        monitorIds={d.monitorIds}
        tags={d.tags}
        onChange={(cover) => set(cover)}
        monitorError={fieldError(save.error, "body.monitorIds")}
        tagError={fieldError(save.error, "body.tags")}
      />
      <section className="stack" aria-labelledby="window-next">
        <h3 id="window-next">{t("maintenance.nextOccurrences")}</h3>
        {schedule === null ? (
          <p className="muted">{t("maintenance.previewNeeds")}</p>
        ) : preview.data ? (
          preview.data.occurrences.length === 0 ? (
            <p className="muted">{t("maintenance.noOccurrence")}</p>
          ) : (
            <CalendarView
              spans={preview.data.occurrences.map((o) => ({ ...o, title: d.title }))}
              zone={isZone(d.timezone) ? d.timezone : browserZone()}
              fromMs={Date.parse(preview.data.occurrences[0]?.startsAt ?? "") || Date.now()}
              days={28}
              caption={t("maintenance.previewCaption")}
            />
          )
        ) : preview.isError ? null : (
          <div className="skeleton calendar-skeleton" aria-busy="true" />
        )}
      </section>
      <FormProblem error={save.error} fields={placed} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {saved ? t("maintenance.save") : t("maintenance.create")}
        </button>
        <button type="button" onClick={onDone}>
          {t("maintenance.cancel")}
        </button>
      </div>
    </form>
  );
}
