import { useVirtualizer } from "@tanstack/react-virtual";
import { useCallback, useEffect, useRef } from "react";
import { t, tn } from "../../i18n/index.ts";
import { groupKey, type ListRow } from "./list-model.ts";
import { GROUP_HEIGHT, MonitorRow, ROW_HEIGHT } from "./monitor-row.tsx";
import { summaries, useSummaries, useWantSummaries } from "./summaries-store.ts";

interface Props {
  rows: ListRow[];
  selectable: boolean;
  selected: ReadonlySet<string>;
  onSelect: (id: string, shift: boolean) => void;
  onClearSelection: () => void;
  onToggleGroup: (key: string) => void;
  /** Called when the last rows come into view: the next page of a paged list. */
  onNearEnd: () => void;
}

/**
 * The virtual rows of the monitors list. Its own component so that scrolling (the virtualizer's
 * state) re-renders only the rows in view, not the page's filters and bulk bar: each animation
 * frame of a fast scroll has only the newly visible rows to build.
 */
export function VirtualRows({
  rows,
  selectable,
  selected,
  onSelect,
  onClearSelection,
  onToggleGroup,
  onNearEnd,
}: Props) {
  useSummaries();
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]?.kind === "group" ? GROUP_HEIGHT : ROW_HEIGHT),
    getItemKey: (i) => rows[i]?.key ?? i,
    overscan: 8,
  });
  const items = virtual.getVirtualItems();
  const inView = items.flatMap((v) => {
    const row = rows[v.index];
    return row?.kind === "monitor" ? [row.monitor.id] : [];
  });
  useWantSummaries(inView);
  const lastIndex = items.at(-1)?.index ?? 0;
  const nearEnd = lastIndex >= rows.length - 20;
  useEffect(() => {
    if (nearEnd) onNearEnd();
  }, [nearEnd, onNearEnd]);

  const onKey = useCallback(
    (e: React.KeyboardEvent, index: number) => {
      if (e.key === "Escape") {
        onClearSelection();
        return;
      }
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      e.preventDefault();
      const target = Math.max(0, Math.min(rows.length - 1, index + (e.key === "ArrowDown" ? 1 : -1)));
      const kind = (e.target as HTMLElement).tagName;
      virtual.scrollToIndex(target);
      const focus = (tries: number) => {
        const el =
          scroller.current?.querySelector<HTMLElement>(
            `${kind === "INPUT" ? "input" : "a"}[data-index="${target}"]`,
          ) ?? scroller.current?.querySelector<HTMLElement>(`[data-index="${target}"]`);
        if (el) el.focus();
        else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
      };
      // Usually the row is already rendered (overscan): focus it now, so a second key press that
      // follows at once starts from the new row. Otherwise wait for the scroll to render it.
      focus(5);
    },
    [rows.length, virtual, onClearSelection],
  );

  return (
    <div ref={scroller} className="list-scroll" data-testid="monitor-list" aria-busy={false}>
      <ul
        className="virtual-list"
        aria-label={t("monitors.list")}
        style={{ height: virtual.getTotalSize(), position: "relative" }}
      >
        {items.map((v) => {
          const row = rows[v.index]!;
          return (
            <li
              key={v.key}
              aria-setsize={rows.length}
              aria-posinset={v.index + 1}
              className="virtual-row"
              style={{ height: v.size, transform: `translateY(${v.start}px)` }}
            >
              {row.kind === "group" ? (
                <button
                  type="button"
                  className="group-head"
                  data-index={v.index}
                  aria-expanded={!row.collapsed}
                  onClick={() => onToggleGroup(groupKey(row.tag))}
                  onKeyDown={(e) => onKey(e, v.index)}
                >
                  <span aria-hidden="true">{row.collapsed ? "▸" : "▾"}</span>{" "}
                  {tn("monitors.group.toggle", row.count, {
                    tag: row.tag ?? t("monitors.group.none"),
                    down: row.down,
                  })}
                </button>
              ) : (
                <MonitorRow
                  monitor={row.monitor}
                  summary={summaries.get(row.monitor.id)}
                  selectable={selectable}
                  selected={selected.has(row.monitor.id)}
                  index={v.index}
                  onSelect={onSelect}
                  onKey={onKey}
                />
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
