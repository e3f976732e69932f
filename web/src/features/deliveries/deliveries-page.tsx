import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useSearch } from "@tanstack/react-router";
import { useId, useState } from "react";
import { sdk } from "../../api/client.ts";
import { type MessageKey, t, tn } from "../../i18n/index.ts";
import "../channels/alerting.css";
import { attemptOutcomeLabel, deliveryStatusLabel, eventLabel } from "../channels/labels.ts";
import { type Delivery, useChannels } from "../channels/queries.ts";
import { formatAt } from "../incidents/format.ts";
import "../channels/messages.ts";

/** What the screen filters on; `retrying` is pending deliveries that already failed an attempt. */
export const DELIVERY_FILTERS = ["all", "failed", "retrying", "pending", "sent"] as const;
export type DeliveryFilter = (typeof DELIVERY_FILTERS)[number];
export interface DeliverySearch {
  status?: DeliveryFilter;
  channelId?: string;
}

/** The server's status for a filter; `retrying` narrows pending ones on this side. */
const serverStatus = (f: DeliveryFilter) =>
  f === "all" ? undefined : f === "retrying" ? ("pending" as const) : f;

/**
 * `/deliveries`: the outbox, newest first, with every attempt; dead letters can be retried one by
 * one or all those ticked at once (`POST /notifications/retry`).
 */
export function DeliveriesPage() {
  const search = useSearch({ strict: false }) as DeliverySearch;
  const navigate = useNavigate();
  const filter = search.status ?? "all";
  const channels = useChannels();
  const names = new Map(channels.data?.map((c) => [c.id, c.name]));
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const client = useQueryClient();
  const hintId = useId();

  const list = useInfiniteQuery({
    queryKey: ["deliveries", filter, search.channelId ?? ""],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const status = serverStatus(filter);
      return await sdk.op.listDeliveries({
        query: {
          limit: 50,
          ...(status ? { status } : {}),
          ...(search.channelId ? { channelId: search.channelId } : {}),
          ...(pageParam ? { cursor: pageParam } : {}),
        },
      });
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const retry = useMutation({
    mutationFn: async (ids: string[]) => await sdk.op.retryDeliveries({ body: { ids } }),
    onSuccess: () => {
      setSelected(new Set());
      void client.invalidateQueries({ queryKey: ["deliveries"] });
      void client.invalidateQueries({ queryKey: ["channels", "last-deliveries"] });
    },
  });

  const rows = (list.data?.pages.flatMap((p) => p.items) ?? []).filter(
    (d) => filter !== "retrying" || d.attempts > 0,
  );
  const dead = rows.filter((d) => d.status === "failed");
  // Another filter shows other rows: the ticks and the last retry's notice were about the old ones.
  const setSearch = (next: DeliverySearch) => {
    setSelected(new Set());
    retry.reset();
    return navigate({ to: "/deliveries", search: { ...search, ...next }, replace: true });
  };
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });

  return (
    <section className="stack">
      <h1>{t("deliveries.title")}</h1>
      <p className="muted">{t("deliveries.intro")}</p>
      <div className="row list-filters">
        <label>
          {t("deliveries.filter")}
          <select
            value={filter}
            onChange={(e) => void setSearch({ status: e.target.value as DeliveryFilter })}
          >
            {DELIVERY_FILTERS.map((f) => (
              <option key={f} value={f}>
                {t(`deliveries.filter.${f}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("deliveries.channel")}
          <select
            value={search.channelId ?? ""}
            onChange={(e) => void setSearch({ channelId: e.target.value || undefined })}
          >
            <option value="">{t("deliveries.anyChannel")}</option>
            {channels.data?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      {dead.length > 0 && (
        <div className="row bulk-bar">
          <span>{t("deliveries.selected", { n: selected.size })}</span>
          <button
            type="button"
            onClick={() => setSelected(new Set(dead.map((d) => d.id)))}
            disabled={selected.size === dead.length}
          >
            {tn("deliveries.selectDead", dead.length)}
          </button>
          <button
            type="button"
            className="primary"
            disabled={selected.size === 0 || retry.isPending}
            aria-describedby={selected.size === 0 ? hintId : undefined}
            title={selected.size === 0 ? t("deliveries.selectFirst") : undefined}
            onClick={() => retry.mutate([...selected])}
          >
            {t("deliveries.retrySelected")}
          </button>
          {selected.size === 0 && (
            <span id={hintId} className="muted">
              {t("deliveries.selectFirst")}
            </span>
          )}
        </div>
      )}
      <output aria-live="polite" className="muted">
        {retry.data ? retriedNotice(retry.data.retried.length) : ""}
      </output>
      {retry.isError && <p className="form-error">{retry.error.message}</p>}
      {list.isError ? (
        <p role="alert" className="form-error">
          {t("error.generic", { detail: list.error.message })}
        </p>
      ) : list.isPending ? (
        <div className="skeleton list-skeleton" aria-busy="true">
          <span className="visually-hidden">{t("loading")}</span>
        </div>
      ) : rows.length === 0 ? (
        <p className="empty">{filter === "all" ? t("deliveries.empty") : t("deliveries.emptyFiltered")}</p>
      ) : (
        <ul className="plain-list delivery-list">
          {rows.map((d) => (
            <DeliveryRow
              key={d.id}
              delivery={d}
              channel={names.get(d.channelId) ?? d.channelId}
              selected={selected.has(d.id)}
              onSelect={(on) => toggle(d.id, on)}
              onRetry={() => retry.mutate([d.id])}
              retrying={retry.isPending}
            />
          ))}
        </ul>
      )}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {t("deliveries.more")}
        </button>
      )}
    </section>
  );
}

/** After a retry: how many went back to pending (the others had stopped being dead letters). */
function retriedNotice(count: number): string {
  return count === 0 ? t("deliveries.retriedNone") : tn("deliveries.retried", count);
}

interface RowProps {
  delivery: Delivery;
  channel: string;
  selected: boolean;
  onSelect: (on: boolean) => void;
  onRetry: () => void;
  retrying: boolean;
}

function DeliveryRow({ delivery: d, channel, selected, onSelect, onRetry, retrying }: RowProps) {
  const dead = d.status === "failed";
  const cls = d.status === "sent" ? "outcome-sent" : dead ? "outcome-failed" : "outcome-pending";
  return (
    <li className={`card delivery delivery-${d.status}`}>
      <div className="row">
        {dead && (
          <input
            type="checkbox"
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
            aria-label={t("deliveries.selectOne", { event: eventLabel(d.event), channel })}
          />
        )}
        <span className={cls}>{deliveryStatusLabel(d.status)}</span>
        <span>{eventLabel(d.event)}</span>
        <span aria-hidden="true">→</span>
        <Link to="/channels/$id" params={{ id: d.channelId }}>
          {channel}
        </Link>
        {d.monitorId && (
          <Link to="/monitors/$id" params={{ id: d.monitorId }} className="muted">
            {t("deliveries.monitor")}
          </Link>
        )}
        <span className="muted grow">{formatAt(d.createdAt)}</span>
        {dead && (
          <button type="button" onClick={onRetry} disabled={retrying}>
            {t("deliveries.retry")}
          </button>
        )}
      </div>
      {d.status === "pending" && d.attempts > 0 && (
        <p className="muted">{t("deliveries.nextAttempt", { at: formatAt(d.nextAttemptAt) })}</p>
      )}
      {d.deliveryAttempts.length > 0 && (
        <details>
          <summary>{tn("deliveries.attempts", d.deliveryAttempts.length)}</summary>
          <ol className="attempts">
            {d.deliveryAttempts.map((a) => (
              <li key={a.at}>
                <span className={a.outcome === "sent" ? "outcome-sent" : "outcome-failed"}>
                  {attemptOutcomeLabel(a.outcome)}
                </span>{" "}
                {a.statusCode !== null && <code>{a.statusCode}</code>}{" "}
                <span className="muted">
                  {formatAt(a.at)} · {t("deliveries.latency", { ms: a.latencyMs })}
                </span>
                {a.error && <div className="field-error">{a.error}</div>}
              </li>
            ))}
          </ol>
        </details>
      )}
    </li>
  );
}
