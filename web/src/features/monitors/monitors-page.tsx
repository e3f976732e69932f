import { useCallback, useDeferredValue, useMemo, useRef, useState } from "react";
import { currentRole, useMe } from "../../app/session.ts";
import { FormProblem } from "../../components/problem.tsx";
import { type MessageKey, t, tn } from "../../i18n/index.ts";
import { BulkBar } from "./bulk-bar.tsx";
import {
  buildRows,
  knownTags,
  type ListFilter,
  MONITOR_STATES,
  MONITOR_TYPES,
  type Monitor,
  matchesFilter,
  type SortKey,
  sameNameOrder,
  selectionOf,
  selectRange,
  sortMonitors,
  toggleAll,
  toggleSelected,
} from "./list-model.ts";
import { ROW_HEIGHT } from "./monitor-row.tsx";
import { summaries, useSummaries } from "./summaries-store.ts";
import { useMonitorList } from "./use-monitor-list.ts";
import { VirtualRows } from "./virtual-rows.tsx";

const SORTS: SortKey[] = ["newest", "name", "state", "uptime"];
const SKELETON_KEYS = ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"];

/**
 * The monitors list: server-filtered pages, virtual rows (10,000 monitors stay smooth), live
 * state over SSE, groups by tag, and bulk actions on a selection.
 */
export function MonitorsPage() {
  const me = useMe();
  const canWrite = me.data ? currentRole(me.data) !== "viewer" : false;
  const [search, setSearch] = useState("");
  const q = useDeferredValue(search.trim());
  const [state, setState] = useState("");
  const [type, setType] = useState("");
  const [tag, setTag] = useState("");
  const [sort, setSort] = useState<SortKey>("newest");
  const [grouped, setGrouped] = useState(false);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const anchor = useRef<string | undefined>(undefined);
  const tagFilter = tag.trim();
  const filter: ListFilter = useMemo(() => ({ q, state, type, tag: tagFilter }), [q, state, type, tagFilter]);
  const loadAll = sort !== "newest" || grouped;
  const { list, monitors, complete } = useMonitorList(filter, loadAll);
  // Only the uptime sort reads summaries here; the rows subscribe on their own (VirtualRows).
  const summaryVersion = useSummaries(sort === "uptime");

  const visible = useMemo(() => monitors.filter((m) => matchesFilter(m, filter)), [monitors, filter]);
  const lastByName = useRef<Monitor[] | undefined>(undefined);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the uptime sort reads the summaries store
  const sorted = useMemo(() => {
    if (sort !== "name") return sortMonitors(visible, sort, (id) => summaries.get(id)?.uptime24h);
    lastByName.current = sameNameOrder(lastByName.current, visible) ?? sortMonitors(visible, "name");
    return lastByName.current;
  }, [visible, sort, sort === "uptime" ? summaryVersion : 0]);
  const rows = useMemo(() => buildRows(sorted, grouped, collapsed), [sorted, grouped, collapsed]);
  const shownIds = useMemo(() => [...new Set(sorted.map((m) => m.id))], [sorted]);
  const tags = useMemo(() => knownTags(monitors), [monitors]);

  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const onNearEnd = useCallback(() => {
    if (!loadAll && hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [loadAll, hasNextPage, isFetchingNextPage, fetchNextPage]);
  const onSelect = useCallback(
    (id: string, shift: boolean) => {
      setSelected((s) => (shift ? selectRange(s, shownIds, anchor.current, id) : toggleSelected(s, id)));
      anchor.current = id;
    },
    [shownIds],
  );
  const onClearSelection = useCallback(() => setSelected(new Set()), []);
  const toggleGroup = useCallback(
    (key: string) =>
      setCollapsed((c) => {
        const next = new Set(c);
        if (next.has(key)) next.delete(key);
        else next.add(key);
        return next;
      }),
    [],
  );

  const filtered = Boolean(q || state || type || tag.trim());
  const all = selectionOf(selected, shownIds);
  const selectedIds = [...selected];

  return (
    <section className="monitors-page">
      <div className="page-head row">
        <h1>{t("nav.monitors")}</h1>
        {canWrite && (
          // The form's route comes from the monitor form's branch; a plain link needs no route type.
          <a href="/monitors/new" className="button primary">
            {t("monitors.add")}
          </a>
        )}
      </div>
      <search className="list-filters row" aria-label={t("monitors.list")}>
        <label>
          {t("monitors.search")}
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} maxLength={200} />
        </label>
        <label>
          {t("monitors.filter.state")}
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">{t("monitors.filter.any")}</option>
            {MONITOR_STATES.map((s) => (
              <option key={s} value={s}>
                {t(`state.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("monitors.filter.type")}
          <select value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">{t("monitors.filter.any")}</option>
            {MONITOR_TYPES.map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("monitors.filter.tag")}
          <input
            list="monitor-tags"
            value={tag}
            onChange={(e) => setTag(e.target.value)}
            maxLength={50}
            size={12}
          />
          <datalist id="monitor-tags">
            {tags.map((x) => (
              <option key={x} value={x} />
            ))}
          </datalist>
        </label>
        <label>
          {t("monitors.sort")}
          <select value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`monitors.sort.${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-check">
          <input type="checkbox" checked={grouped} onChange={(e) => setGrouped(e.target.checked)} />
          {t("monitors.groupByTag")}
        </label>
      </search>
      {canWrite && (
        <BulkBar
          selected={selectedIds}
          onDone={(clear) => {
            if (clear) setSelected(new Set());
          }}
        />
      )}
      {list.isError && <FormProblem error={list.error} />}
      <p className="muted list-count" aria-live="polite">
        {loadAll && !complete
          ? t("monitors.loadingAll", { n: monitors.length })
          : tn("monitors.loaded", shownIds.length)}
      </p>
      {list.isSuccess && monitors.length === 0 && !filtered ? (
        <div className="empty card">
          <h2>{t("monitors.empty.title")}</h2>
          <p>{t("monitors.empty.body")}</p>
          {canWrite && (
            <a href="/monitors/new" className="button primary">
              {t("monitors.empty.cta")}
            </a>
          )}
        </div>
      ) : list.isSuccess && shownIds.length === 0 && complete ? (
        <div className="empty card">
          <p>{t("monitors.noMatch")}</p>
          <button
            type="button"
            onClick={() => {
              setSearch("");
              setState("");
              setType("");
              setTag("");
            }}
          >
            {t("monitors.clearFilters")}
          </button>
        </div>
      ) : (
        <div className="monitor-list card">
          <div className="monitor-row list-head" aria-hidden={!canWrite}>
            {canWrite && (
              <input
                type="checkbox"
                className="row-check"
                aria-label={tn("monitors.selectAll", shownIds.length)}
                checked={all === "all"}
                ref={(el) => {
                  if (el) el.indeterminate = all === "some";
                }}
                onChange={() => setSelected((s) => toggleAll(s, shownIds))}
              />
            )}
            <span className="row-state" />
            <span className="row-name">{t("monitors.col.name")}</span>
            <span className="row-bar">{t("monitors.col.checks")}</span>
            <span className="row-uptime">{t("monitors.col.uptime24h")}</span>
            <span className="row-uptime row-30d">{t("monitors.col.uptime30d")}</span>
            <span className="row-spark">{t("monitors.col.latency")}</span>
          </div>
          <p className="visually-hidden">{t("monitors.keyboardHelp")}</p>
          {list.isPending ? (
            <div className="list-scroll" data-testid="monitor-list" aria-busy={true}>
              <ul className="virtual-list" aria-label={t("monitors.list")}>
                {SKELETON_KEYS.map((key) => (
                  <li key={key} className="monitor-row" style={{ height: ROW_HEIGHT }}>
                    <span className="skeleton" style={{ width: "60%", height: 16 }} />
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <VirtualRows
              rows={rows}
              selectable={canWrite}
              selected={selected}
              onSelect={onSelect}
              onClearSelection={onClearSelection}
              onToggleGroup={toggleGroup}
              onNearEnd={onNearEnd}
            />
          )}
          {!loadAll && hasNextPage && (
            <button type="button" disabled={isFetchingNextPage} onClick={() => void fetchNextPage()}>
              {t("monitors.loadMore")}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
