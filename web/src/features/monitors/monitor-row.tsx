import { Link } from "@tanstack/react-router";
import { memo } from "react";
import { StateBadge } from "../../components/state-badge.tsx";
import { t } from "../../i18n/index.ts";
import { HeartbeatBar, Sparkline } from "./heartbeat-bar.tsx";
import { formatUptime, type Monitor, type MonitorSummary } from "./list-model.ts";

export const ROW_HEIGHT = 56;
export const GROUP_HEIGHT = 44;

interface RowProps {
  monitor: Monitor;
  summary: MonitorSummary | undefined;
  selectable: boolean;
  selected: boolean;
  index: number;
  onSelect: (id: string, shift: boolean) => void;
  onKey: (e: React.KeyboardEvent, index: number) => void;
}

/** One monitor: checkbox, state, name with type and tags, last checks, uptime, latency. */
export const MonitorRow = memo(function MonitorRow({
  monitor: m,
  summary,
  selectable,
  selected,
  index,
  onSelect,
  onKey,
}: RowProps) {
  return (
    <div className={`monitor-row${selected ? " selected" : ""}`} data-monitor-id={m.id} data-state={m.state}>
      {selectable && (
        <input
          type="checkbox"
          className="row-check"
          data-index={index}
          aria-label={t("monitors.select", { name: m.name })}
          checked={selected}
          onChange={() => {}}
          onClick={(e) => onSelect(m.id, e.shiftKey)}
          onKeyDown={(e) => onKey(e, index)}
        />
      )}
      <span className="row-state">
        <StateBadge state={m.state} />
      </span>
      <span className="row-name">
        <Link to="/monitors/$id" params={{ id: m.id }} data-index={index} onKeyDown={(e) => onKey(e, index)}>
          {m.name}
        </Link>
        <span className="row-meta muted">
          <span className="type-chip">{m.type}</span>
          {m.tags.map((tag) => (
            <span key={tag} className="tag-chip">
              {tag}
            </span>
          ))}
        </span>
      </span>
      <span className="row-bar">
        <HeartbeatBar recent={summary?.recent} />
      </span>
      <span
        className="row-uptime"
        title={t("monitors.uptime24h", { value: formatUptime(summary?.uptime24h) })}
      >
        <span className="visually-hidden">{t("monitors.col.uptime24h")} </span>
        {summary ? formatUptime(summary.uptime24h) : <span className="skeleton uptime-skeleton" />}
      </span>
      <span
        className="row-uptime row-30d"
        title={t("monitors.uptime30d", { value: formatUptime(summary?.uptime30d) })}
      >
        <span className="visually-hidden">{t("monitors.col.uptime30d")} </span>
        {summary ? formatUptime(summary.uptime30d) : <span className="skeleton uptime-skeleton" />}
      </span>
      <span className="row-spark">
        <Sparkline recent={summary?.recent} />
      </span>
    </div>
  );
});
