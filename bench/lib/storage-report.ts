// bench:storage's figures, the steady-state projection and the markdown table.
import type { QueryTimes } from "./storage-measure.ts";

export type Variant = "before" | "after";

export interface Figures {
  variant: Variant;
  checksStored: number;
  resultsBytes: number;
  rawBytes: number;
  blockBytes: number;
  /** rollups_hourly + rollups_daily (the hot rows) and rollup_blocks (0022). */
  hotRollupBytes: number;
  rollupBlockBytes: number;
  /** Monitor-hours held by hot hourly rows and by blocks. */
  hotRollupHours: number;
  packedRollupHours: number;
  folderBytes: number;
  runningFolderBytes: number;
  walBytes: number;
  writeSeconds: number;
  retentionMs: { mean: number; max: number; runs: number };
  packMs: { mean: number; max: number };
  queries: QueryTimes;
}

export interface Shape {
  monitors: number;
  days: number;
  rawDays: number;
  scaleTo: number;
  rollupDays: number;
  intervalMs: number;
}

const DAY = 86_400_000;
/** The most hot rollups a monitor keeps once weeks are packed: a week and the pack lag (a day). */
const HOT_HOURS_PACKED = 8 * 24;

/**
 * The folder at steady state for `scaleTo` monitors: results scale with checks; rollups with
 * monitor-hours kept (`rollupDays`), hot rows at most 8 days of them once weeks are packed, the
 * rest in blocks at the bytes per monitor-hour the blocks measured.
 */
export function projection(f: Figures, s: Shape) {
  const perCheck = f.resultsBytes / f.checksStored;
  const results = perCheck * s.scaleTo * s.rawDays * (DAY / s.intervalMs);
  const keptHours = s.rollupDays * 24;
  const packed = f.packedRollupHours > 0;
  const hotHours = packed ? Math.min(HOT_HOURS_PACKED, keptHours) : keptHours;
  const hotPerHour = f.hotRollupHours > 0 ? f.hotRollupBytes / f.hotRollupHours : 0;
  const blockPerHour = packed ? f.rollupBlockBytes / f.packedRollupHours : 0;
  const rollups = s.scaleTo * (hotPerHour * hotHours + blockPerHour * (keptHours - hotHours));
  const rest = f.folderBytes - f.resultsBytes - f.hotRollupBytes - f.rollupBlockBytes;
  return { results, rollups, rest, total: results + rollups + rest, hotPerHour, blockPerHour };
}

const MB = 1024 * 1024;
const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
const gb = (n: number) => `${(n / 1024 / MB).toFixed(2)} GB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

export function report(figures: Figures[], s: Shape): string {
  const col = (pick: (f: Figures) => string) => figures.map(pick).join(" | ");
  const head = `| | ${figures.map((f) => f.variant).join(" | ")} |\n|---|${figures.map(() => "---").join("|")}|`;
  const lines = [
    head,
    `| results stored (${s.monitors} monitors × ${s.days} days at 60 s, ${s.rawDays} days kept) | ${col((f) => String(f.checksStored))} |`,
    `| **bytes per check** (results tables with indexes and TOAST) | ${col((f) => `**${(f.resultsBytes / f.checksStored).toFixed(1)}**`)} |`,
    `| check_results / check_result_blocks | ${col((f) => `${mb(f.rawBytes)} / ${mb(f.blockBytes)}`)} |`,
    `| rollups: hot (hourly + daily) / rollup_blocks, ${s.days} days | ${col((f) => `${mb(f.hotRollupBytes)} / ${mb(f.rollupBlockBytes)}`)} |`,
    `| rollup bytes per monitor-hour (hourly + daily): hot / packed | ${col((f) => {
      const p = projection(f, s);
      return `${p.hotPerHour.toFixed(0)} / ${f.packedRollupHours ? p.blockPerHour.toFixed(1) : "–"}`;
    })} |`,
    `| DATA_DIR while running / of which WAL / after a clean stop | ${col((f) => `${mb(f.runningFolderBytes)} / ${mb(f.walBytes)} / ${mb(f.folderBytes)}`)} |`,
    `| **projected DATA_DIR**, ${s.scaleTo.toLocaleString("en")} monitors, ${s.rawDays} days raw + ${s.rollupDays} days rollups | ${col(
      (f) => {
        const p = projection(f, s);
        return `**${gb(p.total)}** (results ${gb(p.results)}, rollups ${gb(p.rollups)}, rest ${gb(p.rest)})`;
      },
    )} |`,
    `| writing: results/s through recordResults (with the hourly jobs) | ${col((f) => String(Math.round(f.checksStored / f.writeSeconds)))} |`,
    `| retention job (hourly, once raw results expire): mean / max of ${figures[0]?.retentionMs.runs ?? 0} runs | ${col((f) => `${ms(f.retentionMs.mean)} / ${ms(f.retentionMs.max)}`)} |`,
    `| rollup job incl. packing (hourly): mean / max | ${col((f) => `${ms(f.packMs.mean)} / ${ms(f.packMs.max)}`)} |`,
  ];
  for (const name of Object.keys(figures[0]?.queries ?? {})) {
    lines.push(`| ${name}, median | ${col((f) => ms(f.queries[name] ?? Number.NaN))} |`);
  }
  return lines.join("\n");
}

export function queryTable(timed: Array<[string, QueryTimes]>): string {
  const lines = [`| | ${timed.map(([v]) => v).join(" | ")} |`, `|---|${timed.map(() => "---").join("|")}|`];
  for (const name of Object.keys(timed[0]?.[1] ?? {})) {
    lines.push(`| ${name}, median | ${timed.map(([, q]) => ms(q[name] ?? Number.NaN)).join(" | ")} |`);
  }
  return lines.join("\n");
}
