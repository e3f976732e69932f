import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { sdk } from "../../api/client.ts";
import { currentRole, useMe } from "../../app/session.ts";
import { type MessageKey, t } from "../../i18n/index.ts";
import { ACTION_GROUPS, type AuditEntry, describeEntry, valueText } from "./describe.ts";

/** The filters as the API takes them (`GET /audit-log`); empty strings mean "any". */
export interface AuditFilters {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  /** `datetime-local` values, in the browser's time zone. */
  from: string;
  to: string;
}
const NO_FILTERS: AuditFilters = { actor: "", action: "", targetType: "", targetId: "", from: "", to: "" };
const TARGET_TYPES = [
  "monitor",
  "user",
  "invitation",
  "api_key",
  "organization",
  "channel",
  "status_page",
  "incident",
];

/** The query string for the filters: only those set, times as ISO instants. */
export function auditQuery(f: AuditFilters) {
  const iso = (local: string) => (local ? new Date(local).toISOString() : undefined);
  return {
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.action ? { action: f.action } : {}),
    ...(f.targetType ? { targetType: f.targetType } : {}),
    ...(f.targetId.trim() ? { targetId: f.targetId.trim() } : {}),
    ...(f.from ? { from: iso(f.from) } : {}),
    ...(f.to ? { to: iso(f.to) } : {}),
  };
}

/** People and keys to pick as the actor (admins read both lists). */
function useActors() {
  return useQuery({
    queryKey: ["audit", "actors"],
    queryFn: async () => {
      const [members, keys] = await Promise.all([
        sdk.op.listMembers({ query: { limit: 100 } }),
        sdk.op.listApiKeys({ query: { limit: 100 } }),
      ]);
      return [
        ...members.items.map((m) => ({ id: m.userId, label: m.email })),
        ...keys.items.map((k) => ({
          id: k.id,
          label: t("audit.keyActor", { label: `${k.prefix}… (${k.name})` }),
        })),
      ];
    },
  });
}

/** `/settings/audit`: the organization's audit log, newest first, filtered, a page at a time. */
export function AuditPage() {
  const me = useMe();
  const role = me.data ? currentRole(me.data) : undefined;
  const allowed = role === "admin" || role === "owner";
  const [draft, setDraft] = useState<AuditFilters>(NO_FILTERS);
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const actors = useActors();
  const pages = useInfiniteQuery({
    queryKey: ["audit", "log", filters],
    enabled: allowed,
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      await sdk.op.listAuditEntries({ query: { ...auditQuery(filters), limit: 50, cursor: pageParam } }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = pages.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);
  const set = (k: keyof AuditFilters) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));

  if (!me.data) return <p className="muted">{t("loading")}</p>;
  return (
    <section className="stack settings-page">
      <h1>{t("audit.title")}</h1>
      <p className="muted">{t("audit.intro")}</p>
      {!allowed ? (
        <p className="empty">{t("keys.adminOnly")}</p>
      ) : (
        <>
          <form
            className="row align-end card"
            aria-label={t("audit.title")}
            onSubmit={(e) => {
              e.preventDefault();
              setFilters(draft);
            }}
          >
            <label>
              {t("audit.actor")}
              <select value={draft.actor} onChange={set("actor")}>
                <option value="">{t("audit.anyone")}</option>
                {actors.data?.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("audit.action")}
              <select value={draft.action} onChange={set("action")}>
                <option value="">{t("audit.anyAction")}</option>
                {ACTION_GROUPS.map((g) => (
                  <option key={g} value={`${g}.`}>
                    {t(`audit.group.${g}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("audit.objectType")}
              <select value={draft.targetType} onChange={set("targetType")}>
                <option value="">{t("audit.anyObject")}</option>
                {TARGET_TYPES.map((type) => (
                  <option key={type} value={type}>
                    {type.replace(/_/g, " ")}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("audit.objectId")}
              <input value={draft.targetId} onChange={set("targetId")} placeholder="mon_…" />
            </label>
            <label>
              {t("audit.from")}
              <input type="datetime-local" value={draft.from} onChange={set("from")} />
            </label>
            <label>
              {t("audit.to")}
              <input type="datetime-local" value={draft.to} onChange={set("to")} />
            </label>
            <button className="primary" type="submit">
              {t("audit.apply")}
            </button>
            {filtered && (
              <button
                type="button"
                onClick={() => {
                  setDraft(NO_FILTERS);
                  setFilters(NO_FILTERS);
                }}
              >
                {t("audit.clear")}
              </button>
            )}
          </form>
          {pages.isError ? (
            <p role="alert" className="form-error">
              {t("audit.loadFailed", { detail: pages.error.message })}
            </p>
          ) : pages.isPending ? (
            <div className="skeleton settings-skeleton" aria-busy="true">
              <span className="visually-hidden">{t("loading")}</span>
            </div>
          ) : entries.length === 0 ? (
            <p className="empty">{filtered ? t("audit.noneFiltered") : t("audit.none")}</p>
          ) : (
            <ul className="audit-list card">
              {entries.map((e) => (
                <AuditItem key={e.id} entry={e} />
              ))}
            </ul>
          )}
          {pages.hasNextPage && (
            <div>
              <button
                type="button"
                disabled={pages.isFetchingNextPage}
                onClick={() => void pages.fetchNextPage()}
              >
                {t("audit.loadMore")}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

/** One entry: its sentence, when and from where, and the recorded details on demand. */
export function AuditItem({ entry }: { entry: AuditEntry }) {
  const details = Object.entries(entry.summary);
  return (
    <li className="audit-entry">
      <span>{describeEntry(entry)}</span>
      <span className="muted">
        <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
        {entry.ip ? ` · ${t("audit.from.ip", { ip: entry.ip })}` : ""} · <code>{entry.action}</code>
      </span>
      {details.length > 0 && (
        <details>
          <summary>{t("audit.details")}</summary>
          <dl>
            {details.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{valueText(v)}</dd>
              </div>
            ))}
            {entry.target && (
              <>
                <dt>{entry.target.type}</dt>
                <dd>
                  <code>{entry.target.id}</code>
                </dd>
              </>
            )}
          </dl>
        </details>
      )}
    </li>
  );
}
