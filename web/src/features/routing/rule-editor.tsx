import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { sdk } from "../../api/client.ts";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { t } from "../../i18n/index.ts";
import { eventLabel } from "../channels/labels.ts";
import { CHANNEL_EVENTS, type Channel, type ChannelEvent } from "../channels/queries.ts";
import { PolicyView } from "./policy-view.tsx";
import type { Rule } from "./queries.ts";
import "../channels/messages.ts";

export interface Draft {
  name: string;
  tags: string;
  events: string[];
  channelIds: string[];
  reminderMinutes: string;
  /** `key` tells the steps apart while they are added and removed. */
  escalation: Array<{ key: number; afterMinutes: string; channelIds: string[] }>;
  enabled: boolean;
}

let stepKeys = 0;
const newStep = (afterMinutes = "", channelIds: string[] = []) => ({
  key: ++stepKeys,
  afterMinutes,
  channelIds,
});

export const emptyDraft = (): Draft => ({
  name: "",
  tags: "",
  events: ["down", "up"],
  channelIds: [],
  reminderMinutes: "",
  escalation: [],
  enabled: true,
});

export const draftOf = (r: Rule): Draft => ({
  name: r.name,
  tags: r.tags.join(", "),
  events: r.events,
  channelIds: r.channelIds,
  reminderMinutes: r.reminderMinutes === null ? "" : String(r.reminderMinutes),
  escalation: r.escalation.map((s) => newStep(String(s.afterMinutes), s.channelIds)),
  enabled: r.enabled,
});

/** Numbers as typed: a non-number is sent as is, so the server's message lands on the field. */
const minutes = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s) : (s as unknown as number));

/** The request body of a draft. */
export function bodyOf(d: Draft) {
  return {
    name: d.name,
    tags: d.tags
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    events: d.events as ChannelEvent[],
    channelIds: d.channelIds,
    reminderMinutes: d.reminderMinutes.trim() === "" ? null : minutes(d.reminderMinutes),
    escalation: d.escalation.map((s) => ({
      afterMinutes: minutes(s.afterMinutes),
      channelIds: s.channelIds,
    })),
    enabled: d.enabled,
  };
}

interface Props {
  rule?: Rule;
  channels: Channel[];
  onDone: () => void;
}

/** A rule edited in place, with its policy sentence updated as it is typed. */
export function RuleEditor({ rule, channels, onDone }: Props) {
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => (rule ? draftOf(rule) : emptyDraft()));
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const save = useMutation({
    mutationFn: async () =>
      rule
        ? await sdk.op.updateAlertRule({ path: { id: rule.id }, body: bodyOf(draft) })
        : await sdk.op.createAlertRule({ body: bodyOf(draft) }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ["alert-rules"] });
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const body = bodyOf(draft);
  // The sentence of what is typed so far; numbers not typed yet read as 0.
  const liveRule = {
    ...body,
    reminderMinutes: numberOrNull(body.reminderMinutes),
    escalation: body.escalation.map((s) => ({ ...s, afterMinutes: Number(s.afterMinutes) || 0 })),
  };
  const placed = ["body.name", "body.tags", "body.events", "body.channelIds", "body.reminderMinutes"];
  const stepPaths = draft.escalation.flatMap((_, i) => [
    `body.escalation.${i}.afterMinutes`,
    `body.escalation.${i}.channelIds`,
  ]);

  return (
    <form className="card stack rule-editor" onSubmit={submit} noValidate>
      <PolicyView rule={liveRule} channels={channels} live />
      <div className="form-grid">
        <Field
          label={t("routing.name")}
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          error={fieldError(save.error, "body.name")}
        />
        <Field
          label={t("routing.tags")}
          hint={t("routing.tagsHint")}
          value={draft.tags}
          onChange={(e) => set({ tags: e.target.value })}
          error={fieldError(save.error, "body.tags")}
        />
      </div>
      <Checkboxes
        legend={t("routing.events")}
        options={CHANNEL_EVENTS.map((e) => ({ value: e, label: eventLabel(e) }))}
        chosen={draft.events}
        onChange={(events) => set({ events })}
        error={fieldError(save.error, "body.events")}
      />
      <Checkboxes
        legend={t("routing.channels")}
        options={channels.map((c) => ({ value: c.id, label: c.name }))}
        chosen={draft.channelIds}
        onChange={(channelIds) => set({ channelIds })}
        error={fieldError(save.error, "body.channelIds")}
        empty={t("routing.noChannels")}
      />
      <Field
        label={t("routing.reminder")}
        hint={t("routing.reminderHint")}
        inputMode="numeric"
        value={draft.reminderMinutes}
        onChange={(e) => set({ reminderMinutes: e.target.value })}
        error={fieldError(save.error, "body.reminderMinutes")}
      />
      <fieldset className="stack">
        <legend>{t("routing.escalation")}</legend>
        <p className="muted">{t("routing.escalationHint")}</p>
        {draft.escalation.map((step, i) => (
          <div key={step.key} className="escalation-step stack">
            <div className="row">
              <Field
                label={t("routing.stepAfter", { n: i + 1 })}
                inputMode="numeric"
                value={step.afterMinutes}
                onChange={(e) =>
                  set({
                    escalation: draft.escalation.map((s, j) =>
                      j === i ? { ...s, afterMinutes: e.target.value } : s,
                    ),
                  })
                }
                error={fieldError(save.error, `body.escalation.${i}.afterMinutes`)}
              />
              <button
                type="button"
                className="align-end"
                onClick={() => set({ escalation: draft.escalation.filter((_, j) => j !== i) })}
              >
                {t("routing.removeStep", { n: i + 1 })}
              </button>
            </div>
            <Checkboxes
              legend={t("routing.stepChannels", { n: i + 1 })}
              options={channels.map((c) => ({ value: c.id, label: c.name }))}
              chosen={step.channelIds}
              onChange={(channelIds) =>
                set({ escalation: draft.escalation.map((s, j) => (j === i ? { ...s, channelIds } : s)) })
              }
              error={fieldError(save.error, `body.escalation.${i}.channelIds`)}
            />
          </div>
        ))}
        <div>
          <button
            type="button"
            disabled={draft.escalation.length >= 5}
            onClick={() => set({ escalation: [...draft.escalation, newStep()] })}
          >
            {t("routing.addStep")}
          </button>
        </div>
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        {t("routing.enabled")}
      </label>
      <FormProblem error={save.error} fields={[...placed, ...stepPaths]} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          {rule ? t("routing.save") : t("routing.create")}
        </button>
        <button type="button" onClick={onDone}>
          {t("routing.cancel")}
        </button>
      </div>
    </form>
  );
}

function numberOrNull(v: number | null): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function Checkboxes(props: {
  legend: string;
  options: Array<{ value: string; label: string }>;
  chosen: string[];
  onChange: (chosen: string[]) => void;
  error?: string | undefined;
  empty?: string;
}) {
  const id = useId();
  return (
    <fieldset aria-describedby={props.error ? `${id}-error` : undefined}>
      <legend>{props.legend}</legend>
      {props.options.length === 0 && props.empty ? <p className="muted">{props.empty}</p> : null}
      <div className="checkbox-list checkbox-columns">
        {props.options.map((o) => (
          <label key={o.value} className="checkbox">
            <input
              type="checkbox"
              checked={props.chosen.includes(o.value)}
              onChange={(e) =>
                props.onChange(
                  e.target.checked
                    ? props.options
                        .map((x) => x.value)
                        .filter((v) => v === o.value || props.chosen.includes(v))
                    : props.chosen.filter((v) => v !== o.value),
                )
              }
            />
            {o.label}
          </label>
        ))}
      </div>
      {props.error && (
        <span id={`${id}-error`} className="field-error">
          {props.error}
        </span>
      )}
    </fieldset>
  );
}
