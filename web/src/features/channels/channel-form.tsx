import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useMemo, useState } from "react";
import { ApiError, sdk } from "../../api/client.ts";
import type { paths } from "../../api/schema";
import { Field } from "../../components/field.tsx";
import { FormProblem, fieldError } from "../../components/problem.tsx";
import { type MessageKey, t } from "../../i18n/index.ts";
import {
  CHANNEL_EVENTS,
  type Channel,
  type ChannelEvent,
  type ChannelKind,
  type CreatedChannel,
} from "./queries.ts";
import { SchemaFields } from "./schema-fields.tsx";
import {
  buildSettings,
  fieldsOf,
  missingFields,
  problemFor,
  type Values,
  valueKey,
  valuesFrom,
} from "./schema-form.ts";
import "./messages.ts";

type CreateChannelBody = paths["/api/v1/channels"]["post"]["requestBody"]["content"]["application/json"];

interface Props {
  kinds: ChannelKind[];
  /** The saved channel being edited; absent for a new one. */
  channel?: Channel;
  onSaved: (saved: Channel | CreatedChannel) => void;
}

/** The settings form of a channel: name, kind, the kind's own settings, events, default. */
export function ChannelForm({ kinds, channel, onSaved }: Props) {
  const client = useQueryClient();
  const editing = channel !== undefined;
  const [name, setName] = useState(channel?.name ?? "");
  const [kindName, setKindName] = useState(channel?.kind ?? kinds[0]?.kind ?? "");
  const kind = kinds.find((k) => k.kind === kindName);
  const fields = useMemo(
    () =>
      kind
        ? [...fieldsOf(kind.config, "config"), ...fieldsOf(kind.secrets, "secrets", kind.generatedSecrets)]
        : [],
    [kind],
  );
  const [values, setValues] = useState<Values>(() => valuesFrom(fields, channel?.config ?? {}));
  const [events, setEvents] = useState<string[]>(channel?.events ?? ["down", "up"]);
  const [isDefault, setIsDefault] = useState(channel?.isDefault ?? false);
  const [missing, setMissing] = useState<string[]>([]);
  const stored = channel?.secretsSet ?? [];

  const save = useMutation({
    mutationFn: async (): Promise<Channel | CreatedChannel> => {
      const { config, secrets } = buildSettings(fields, values);
      const common = { name, config, isDefault, events: events as ChannelEvent[] };
      if (channel) {
        const body = Object.keys(secrets).length ? { ...common, secrets } : common;
        return await sdk.op.updateChannel({ path: { id: channel.id }, body });
      }
      // The kind comes from the server's own list (GET /channel-kinds), so it names a branch of the union.
      const body = { ...common, kind: kindName, secrets } as CreateChannelBody;
      return await sdk.op.createChannel({ body });
    },
    onSuccess: (saved) => {
      client.setQueryData(["channel", saved.id], saved);
      void client.invalidateQueries({ queryKey: ["channels"] });
      onSaved(saved);
    },
  });

  const problems = save.error instanceof ApiError ? save.error.errors : [];
  const placed = [
    "body.name",
    "body.kind",
    "body.events",
    ...fields.flatMap((f) => problems.filter((p) => p.path.startsWith(f.problemPath)).map((p) => p.path)),
  ];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const empty = missingFields(fields, values, stored);
    setMissing(empty);
    if (empty.length === 0) save.mutate();
  };
  const toggleEvent = (ev: string, on: boolean) =>
    setEvents((all) =>
      on ? CHANNEL_EVENTS.filter((x) => x === ev || all.includes(x)) : all.filter((x) => x !== ev),
    );

  return (
    <form className="stack channel-form" onSubmit={submit} noValidate>
      <div className="form-grid">
        <Field
          label={t("channels.name")}
          value={name}
          required
          maxLength={100}
          onChange={(e) => setName(e.target.value)}
          error={fieldError(save.error, "body.name")}
        />
        <div className="field">
          <label htmlFor="channel-kind">{t("channels.kind")}</label>
          <select
            id="channel-kind"
            value={kindName}
            disabled={editing}
            aria-describedby={editing ? "channel-kind-hint" : undefined}
            onChange={(e) => {
              setKindName(e.target.value);
              setValues({});
              setMissing([]);
            }}
          >
            {kinds.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
          {editing && (
            <span id="channel-kind-hint" className="muted">
              {t("channels.kindFixed")}
            </span>
          )}
          {fieldError(save.error, "body.kind") && (
            <span className="field-error">{fieldError(save.error, "body.kind")}</span>
          )}
        </div>
      </div>
      <SchemaFields
        fields={fields}
        values={values}
        onChange={(key, value) => {
          setValues((v) => ({ ...v, [key]: value }));
          // A field filled in is no longer missing.
          setMissing((m) =>
            m.filter((path) => !fields.some((f) => valueKey(f) === key && f.problemPath === path)),
          );
        }}
        problems={(f) => (missing.includes(f.problemPath) ? t("channels.required") : problemFor(problems, f))}
        storedSecrets={stored}
        editing={editing}
      />
      <fieldset className="stack">
        <legend>{t("channels.events")}</legend>
        <p className="muted">{t("channels.eventsHint")}</p>
        <div className="checkbox-list">
          {CHANNEL_EVENTS.map((ev) => (
            <label key={ev} className="checkbox">
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) => toggleEvent(ev, e.target.checked)}
              />
              {t(`event.${ev}` as MessageKey)}
            </label>
          ))}
        </div>
        {fieldError(save.error, "body.events") && (
          <span className="field-error">{fieldError(save.error, "body.events")}</span>
        )}
      </fieldset>
      <label className="checkbox">
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
        {t("channels.isDefault")}
      </label>
      <FormProblem error={save.error} fields={placed} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending || events.length === 0}>
          {editing ? t("channels.save") : t("channels.create")}
        </button>
        {save.isSuccess && editing && (
          <output className="muted" aria-live="polite">
            {t("channels.saved")}
          </output>
        )}
      </div>
    </form>
  );
}
