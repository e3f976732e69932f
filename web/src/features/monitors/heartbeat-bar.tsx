import { t, tn } from "../../i18n/index.ts";
import type { MonitorSummary } from "./list-model.ts";

type Slot = MonitorSummary["recent"][number];

/** Slots the bar always draws (empty ones on the left until a monitor has this many checks). */
export const BAR_SLOTS = 30;

/** One formatter for every tick's tooltip (toLocaleString would build one per call). */
const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });

/** Keys of the placeholders drawn before a monitor has 30 checks (they have no identity). */
const EMPTY_KEYS = Array.from({ length: 120 }, (_, i) => `empty-${i}`);

/** Counts by status and the newest one, as the bar's accessible text says them. */
export function describeBar(recent: Slot[]): string {
  if (recent.length === 0) return t("monitors.bar.none");
  const counts = new Map<string, number>();
  for (const s of recent) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const parts = ["up", "degraded", "down", "unknown"]
    .filter((s) => counts.has(s))
    .map((s) =>
      t("monitors.bar.count", { n: counts.get(s)!, status: t(`monitors.bar.${s}` as "monitors.bar.up") }),
    );
  return tn("monitors.bar.label", recent.length, {
    counts: parts.join(", "),
    latest: t(`monitors.bar.${recent.at(-1)!.status}` as "monitors.bar.up"),
  });
}

/**
 * The last checks as a row of coloured ticks, oldest left (like Uptime Kuma's heartbeat bar). One
 * SVG, not 30 elements; the colour is never the only signal: the text alternative counts them.
 */
export function HeartbeatBar({ recent, slots = BAR_SLOTS }: { recent: Slot[] | undefined; slots?: number }) {
  const gap = 2;
  const w = 6;
  const width = slots * (w + gap) - gap;
  if (!recent) return <span className="bar-skeleton skeleton" style={{ width }} aria-hidden="true" />;
  const shown = recent.slice(-slots);
  const offset = slots - shown.length;
  return (
    <svg
      className="heartbeat-bar"
      role="img"
      aria-label={describeBar(shown)}
      width={width}
      height={20}
      viewBox={`0 0 ${width} 20`}
    >
      {EMPTY_KEYS.slice(0, offset).map((key, i) => (
        <rect key={key} x={i * (w + gap)} y={2} width={w} height={16} rx={2} className="tick tick-empty" />
      ))}
      {shown.map((s, i) => (
        <rect
          key={s.at}
          x={(offset + i) * (w + gap)}
          y={2}
          width={w}
          height={16}
          rx={2}
          className={`tick tick-${s.status}`}
          data-status={s.status}
        >
          <title>{`${TIME.format(new Date(s.at))}: ${t(`monitors.bar.${s.status}` as "monitors.bar.up")}${s.totalMs === null ? "" : ` · ${Math.round(s.totalMs)} ms`}`}</title>
        </rect>
      ))}
    </svg>
  );
}

/** The polyline of a latency series scaled into a box; gaps (no answer) are skipped. */
export function sparkPoints(values: Array<number | null>, width: number, height: number): string {
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return "";
  const max = Math.max(...known);
  const min = Math.min(...known);
  const span = max - min || 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  return values
    .map((v, i) =>
      v === null
        ? null
        : `${(i * step).toFixed(1)},${(height - 2 - ((v - min) / span) * (height - 4)).toFixed(1)}`,
    )
    .filter((p) => p !== null)
    .join(" ");
}

/** A small inline latency chart of the last checks (no chart library). */
export function Sparkline({
  recent,
  width = 90,
  height = 24,
}: {
  recent: Slot[] | undefined;
  width?: number;
  height?: number;
}) {
  if (!recent)
    return (
      <span className="skeleton" style={{ width, height, display: "inline-block" }} aria-hidden="true" />
    );
  const values = recent.map((s) => s.totalMs);
  const known = values.filter((v): v is number => v !== null);
  if (known.length === 0) return <span className="muted sparkline-empty">–</span>;
  const latest = known.at(-1)!;
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={t("monitors.latency.label", {
        min: Math.round(Math.min(...known)),
        max: Math.round(Math.max(...known)),
        latest: Math.round(latest),
      })}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <polyline
        points={sparkPoints(values, width, height)}
        fill="none"
        stroke="currentColor"
        strokeWidth={1.5}
      />
    </svg>
  );
}
