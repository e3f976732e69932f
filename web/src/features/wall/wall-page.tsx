import { Navigate, useLocation, useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect, useMemo, useState } from "react";
import { useLastLiveEventAt, useLiveInvalidation } from "../../api/live.ts";
import { useMe } from "../../app/session.ts";
import { StateBadge } from "../../components/state-badge.tsx";
import { type MessageKey, t, tn } from "../../i18n/index.ts";
import { knownTags, type Monitor, stateRank } from "../monitors/list-model.ts";
import { useMonitorList } from "../monitors/use-monitor-list.ts";

/** Healthy monitors drawn as small tiles at most; the rest are counted. */
const MAX_UP_TILES = 240;
const PROBLEM = new Set(["down", "degraded", "affected"]);

/** Sorts for the wall: worst state first, then the longest in that state. */
export function wallOrder(monitors: Monitor[]): Monitor[] {
  return [...monitors].sort(
    (a, b) =>
      stateRank(a.state) - stateRank(b.state) ||
      a.stateSince.localeCompare(b.stateSince) ||
      a.name.localeCompare(b.name),
  );
}

/**
 * The wall view for a TV: every monitor's state, problems first and largest, live over SSE (and
 * refetched each minute as a safety net), read-only, with the connection status and the time of
 * the last update. Works with any role that can read monitors, a viewer included.
 */
export function WallPage() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <p className="muted">{t("loading")}</p>;
  if (!me.data) return <Navigate to="/login" search={{ next: location.href }} />;
  return <Wall />;
}

function Wall() {
  const { tag } = useSearch({ from: "/wall" });
  const navigate = useNavigate();
  const live = useLiveInvalidation();
  const lastEvent = useLastLiveEventAt();
  const { list, monitors } = useMonitorList({ tag }, true);
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => {
      tick((n) => n + 1);
      void list.refetch();
    }, 60_000);
    return () => clearInterval(timer);
  }, [list.refetch]);
  const ordered = useMemo(() => wallOrder(monitors), [monitors]);
  const problems = ordered.filter((m) => PROBLEM.has(m.state));
  const others = ordered.filter((m) => !PROBLEM.has(m.state) && m.state !== "up");
  const up = ordered.filter((m) => m.state === "up");
  const count = (s: string) => monitors.filter((m) => m.state === s).length;
  const updated = Math.max(lastEvent, list.dataUpdatedAt);
  const tags = useMemo(() => knownTags(monitors), [monitors]);
  return (
    <main className="wall" id="main" data-testid="wall">
      <header className="wall-head">
        <h1>{t("wall.title")}</h1>
        <p className="wall-summary" aria-live="polite">
          {problems.length === 0 && monitors.length > 0
            ? tn("wall.allUp", monitors.length)
            : t("wall.summary", {
                down: count("down"),
                degraded: count("degraded"),
                up: count("up"),
                other: monitors.length - count("down") - count("degraded") - count("up"),
              })}
        </p>
        <label className="wall-tag">
          {t("map.filterTag")}
          <select
            value={tag ?? ""}
            onChange={(e) => void navigate({ to: "/wall", search: { tag: e.target.value || undefined } })}
          >
            <option value="">{t("monitors.filter.any")}</option>
            {[...new Set([...(tag ? [tag] : []), ...tags])].map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
        <p className={`wall-live live-${live}`} data-testid="wall-live">
          {t(`live.${live}` as MessageKey)} ·{" "}
          <span data-testid="wall-updated">
            {updated ? t("wall.updated", { time: new Date(updated).toLocaleTimeString() }) : t("wall.never")}
          </span>
        </p>
      </header>
      {list.isSuccess && monitors.length === 0 && <p className="wall-empty">{t("wall.empty")}</p>}
      {problems.length > 0 && (
        <ul className="wall-grid wall-problems">
          {problems.map((m) => (
            <Tile key={m.id} m={m} size="big" />
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <ul className="wall-grid wall-others">
          {others.map((m) => (
            <Tile key={m.id} m={m} size="medium" />
          ))}
        </ul>
      )}
      {up.length > 0 && (
        <ul className="wall-grid wall-up">
          {up.slice(0, MAX_UP_TILES).map((m) => (
            <Tile key={m.id} m={m} size="small" />
          ))}
          {up.length > MAX_UP_TILES && (
            <li className="wall-more">{t("wall.moreUp", { n: up.length - MAX_UP_TILES })}</li>
          )}
        </ul>
      )}
    </main>
  );
}

function Tile({ m, size }: { m: Monitor; size: "big" | "medium" | "small" }) {
  return (
    <li className={`wall-tile wall-${size} tile-${m.state}`} data-monitor-id={m.id} data-state={m.state}>
      <span className="wall-name">{m.name}</span>
      <StateBadge state={m.state} />
      {size !== "small" && (
        <span className="wall-since">{t("wall.since", { time: since(m.stateSince) })}</span>
      )}
    </li>
  );
}

function since(iso: string): string {
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d`;
}
