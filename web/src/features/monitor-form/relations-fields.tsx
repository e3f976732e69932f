import { useQueries, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useId, useState } from "react";
import { sdk } from "../../api/client.ts";
import { t } from "../../i18n/index.ts";

const MAX_PARENTS = 10;

/** Parents (dependencies): search the organization's monitors by name, add, remove. */
export function ParentsField(props: {
  value: string[];
  onChange: (ids: string[]) => void;
  /** The monitor being edited, which cannot be its own parent. */
  selfId?: string | undefined;
  error: string | undefined;
}) {
  const { value, onChange, selfId, error } = props;
  const id = useId();
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const found = useQuery({
    queryKey: ["monitors", "search", q],
    queryFn: async () => await sdk.op.listMonitors({ query: { limit: 20, ...(q ? { q } : {}) } }),
  });
  const chosen = useQueries({
    queries: value.map((mid) => ({
      queryKey: ["monitor", mid],
      queryFn: async () => await sdk.op.getMonitor({ path: { id: mid } }),
      staleTime: 60_000,
    })),
  });
  const candidates = (found.data?.items ?? []).filter((m) => m.id !== selfId && !value.includes(m.id));
  return (
    <fieldset className="field field-wide">
      <legend>{t("monitorForm.parents")}</legend>
      <p id={`${id}-hint`} className="muted">
        {t("monitorForm.parentsHint")}
      </p>
      {value.length === 0 ? (
        <p className="muted">{t("monitorForm.parentsNone")}</p>
      ) : (
        <ul className="chips">
          {value.map((mid, i) => (
            <li key={mid} className="chip">
              {chosen[i]?.data?.name ?? mid}
              <button
                type="button"
                onClick={() => onChange(value.filter((v) => v !== mid))}
                aria-label={t("monitorForm.parentRemove", { name: chosen[i]?.data?.name ?? mid })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <label htmlFor={id}>{t("monitorForm.parentSearch")}</label>
      <input
        id={id}
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ""}`}
        aria-invalid={error ? true : undefined}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
      <ul className="candidates">
        {candidates.slice(0, 8).map((m) => (
          <li key={m.id}>
            <button
              type="button"
              disabled={value.length >= MAX_PARENTS}
              onClick={() => onChange([...value, m.id])}
              aria-label={t("monitorForm.parentAdd", { name: m.name })}
            >
              + {m.name}
            </button>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** The channels this monitor alerts besides the organization's default ones. */
export function ChannelsField(props: { value: string[]; onChange: (ids: string[]) => void; error?: string }) {
  const { value, onChange } = props;
  const channels = useQuery({
    queryKey: ["channels"],
    queryFn: async () => await sdk.op.listChannels({ query: { limit: 200 } }),
  });
  const items = channels.data?.items ?? [];
  return (
    <fieldset className="field field-wide">
      <legend>{t("monitorForm.channels")}</legend>
      <p className="muted">{t("monitorForm.channelsHint")}</p>
      {channels.isPending && <div className="skeleton" style={{ height: 36 }} />}
      {channels.isSuccess && items.length === 0 && <p className="muted">{t("monitorForm.channelsNone")}</p>}
      <div className="checkbox-list">
        {items.map((c) => (
          <label key={c.id} className="checkbox">
            <input
              type="checkbox"
              checked={value.includes(c.id) || c.isDefault}
              disabled={c.isDefault}
              onChange={(e) =>
                onChange(e.target.checked ? [...value, c.id] : value.filter((v) => v !== c.id))
              }
            />
            {c.name}{" "}
            <span className="muted">
              ({c.kind}
              {c.isDefault ? `, ${t("monitorForm.channelDefault")}` : ""})
            </span>
          </label>
        ))}
      </div>
      {props.error && <span className="field-error">{props.error}</span>}
    </fieldset>
  );
}
