import type { DashboardResult } from "./dashboard-run.ts";
import { writeDocsSection } from "./docs.ts";
import type { BenchMachine } from "./report.ts";

export interface DashboardBenchRun {
  command: string;
  date: string;
  code: string;
  machine: BenchMachine;
  run: DashboardResult | undefined;
  failures: string[];
}

/** Budgets from issue 13. */
export const BUDGETS = { initialJsKb: 150, usableMs: 1000, changeP99Ms: 1000, frameMs: 50 };

const BEGIN =
  "<!-- bench:dashboard:begin (written by npm run bench:dashboard; edit outside these markers) -->";
const END = "<!-- bench:dashboard:end -->";

const INTRO = `## Dashboard (npm run bench:dashboard)

What it measures: the monitors list of the dashboard in Debian's Chromium (headless, through
playwright-core, 1280×800) against a real Upblit (\`dist/\`, every role, PGlite in a temp
\`DATA_DIR\`) holding 10,000 monitors created through the API (http monitors aimed at a closed local port,
at a daily interval, so checks barely run while measuring).

- **Initial JS / CSS**: every script and stylesheet the browser fetched until the list was usable
  (lazy chunks such as the dependency map's are not among them). *Sent* is the body on the wire as
  Upblit sent it (\`content-encoding\` shown); *gzip -9* and *brotli* are the same files compressed by
  the bench, which is what a compressing server or proxy would send. The budget applies to the
  compressed size.
- **Usable list**: measured on a second visit in a new tab with the browser cache cleared (the
  first visit after the server started is reported apart: each route's first answer compiles its
  serializers). Navigation start → the first monitor row in the DOM (names, states, checkboxes
  and links work from then on); *rows with checks*: → ten rows with their heartbeat bars, i.e. the
  summaries request answered too. The breakdown gives DOMContentLoaded (the bundle fetched,
  parsed and run), and when \`GET /api/v1/me\` and the first page of monitors were answered.
- **Change visible**: a monitor on screen is paused or resumed through the API; the time from
  sending that request to the row's \`data-state\` changing in the page (a MutationObserver's
  \`Date.now()\`, same machine clock), so it includes the pause transaction, the SSE event and the
  in-place cache patch. One change at a time, 100 of them.
- **Scrolling**: the list sorted by name (which loads all 10,000 monitors, 200 a request), then its
  scroll container moved down by a fixed step each animation frame to the end; the frame times are
  \`requestAnimationFrame\` deltas over the whole list.
- **Idle frames**: 60 animation frames of the page doing nothing, right before the scroll: what
  the machine gives the browser a frame at that moment (16.7 ms on an idle machine).
- **JS heap**: \`Runtime.getHeapUsage\` after a forced garbage collection, with the first page, with
  all monitors loaded, and after the scroll.

Budgets (issue 13): initial JS ≤ 150 KB compressed, usable list ≤ 1 s, change visible p99 ≤ 1 s,
no frame over 50 ms while scrolling. The machine is shared (see the load average): timings move
with it.
`;

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
const ms = (v: number) => `${Math.round(v)} ms`;
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const mark = (ok: boolean) => (ok ? "✓" : "✗");

export function renderDashboard(r: DashboardBenchRun): string {
  const lines = [
    `### ${r.date}`,
    "",
    `\`${r.command}\` · ${r.code} · ${r.machine.nproc} CPUs (${r.machine.cpuModel}), node ${r.machine.node} · load ${r.machine.loadBefore} → ${r.machine.loadAfter}`,
    "",
  ];
  for (const f of r.failures) lines.push(`**Failed:** ${f}`, "");
  const run = r.run;
  if (!run) return lines.join("\n");
  const sum = (kind: "js" | "css", key: "raw" | "transferred" | "gzip" | "brotli") =>
    run.assets.filter((a) => a.kind === kind).reduce((n, a) => n + a[key], 0);
  const encodings = [...new Set(run.assets.map((a) => a.encoding))].join(", ");
  const jsCompressed = Math.min(sum("js", "gzip"), sum("js", "brotli"));
  const worstFrame = Math.max(...run.frames);
  const over = run.frames.filter((f) => f > 50).length;
  lines.push(
    `${run.created.count.toLocaleString("en")} monitors created in ${run.created.seconds.toFixed(1)} s.`,
    "",
    "| Figure | Value | Budget |",
    "| --- | --- | --- |",
    `| Initial JS (${run.assets.filter((a) => a.kind === "js").length} files): sent (${encodings}) / raw / gzip -9 / brotli | ${kb(sum("js", "transferred"))} / ${kb(sum("js", "raw"))} / ${kb(sum("js", "gzip"))} / ${kb(sum("js", "brotli"))} | ≤ 150 KB compressed ${mark(jsCompressed / 1024 <= BUDGETS.initialJsKb)} |`,
    `| Initial CSS: sent / raw / gzip -9 / brotli | ${kb(sum("css", "transferred"))} / ${kb(sum("css", "raw"))} / ${kb(sum("css", "gzip"))} / ${kb(sum("css", "brotli"))} | |`,
    `| Navigation → first monitor row (usable) | ${ms(run.usableMs)} | ≤ 1 s ${mark(run.usableMs <= BUDGETS.usableMs)} |`,
    `| The same, first visit after the server started (its routes' first answers) | ${ms(run.coldServerUsableMs)} | |`,
    `| … of which: DOMContentLoaded (the bundle parsed and run) / \`/me\` answered / first page of monitors answered | ${ms(run.timeline.domContentLoaded)} / ${ms(run.timeline.meAnswered)} / ${ms(run.timeline.firstPageAnswered)} | |`,
    `| Navigation → rows with their checks bars | ${ms(run.rowsCompleteMs)} | |`,
    `| State change visible (${run.changeMs.length} changes): p50 / p99 / max | ${ms(pct(run.changeMs, 50))} / ${ms(pct(run.changeMs, 99))} / ${ms(Math.max(...run.changeMs))} | p99 ≤ 1 s ${mark(pct(run.changeMs, 99) <= BUDGETS.changeP99Ms)} |`,
    `| Loading all ${run.rowsLoaded.toLocaleString("en")} monitors (sort by name) | ${ms(run.loadAllMs)} | |`,
    `| Scrolling ${(run.scrolledPx / 1000).toFixed(0)}k px in ${run.frames.length} frames (${run.spec.scrollStep} px each): frame p50 / p99 / max; frames over 50 ms | ${ms(pct(run.frames, 50))} / ${ms(pct(run.frames, 99))} / ${ms(worstFrame)}; ${over} | none over 50 ms ${mark(over === 0)} |`,
    `| Long animation frames (> 50 ms) while scrolling: duration = script + rendering + style/layout (longest script) | ${longFrames(run.longFrames)} | |`,
    `| Idle page, no scrolling (the machine's baseline): frame p50 / p99 / max | ${ms(pct(run.idleFrames, 50))} / ${ms(pct(run.idleFrames, 99))} / ${ms(Math.max(...run.idleFrames))} | |`,
    `| JS heap: first page / all loaded / after scrolling | ${run.heapMb.firstPage.toFixed(1)} / ${run.heapMb.allLoaded.toFixed(1)} / ${run.heapMb.afterScroll.toFixed(1)} MB | |`,
    "",
    `Files: ${run.assets.map((a) => `\`${a.url}\` ${kb(a.raw)} raw, ${kb(a.gzip)} gzip`).join("; ")}`,
    "",
  );
  return lines.join("\n");
}

/** How many long frames the report lists (the longest); a busy machine can produce hundreds. */
const LONG_FRAMES_LISTED = 5;

/**
 * "none", or the longest frames as "117 ms = 12 script + 3 render + 90 style/layout (fn)", with
 * how many there were in all when that is more than are listed.
 */
function longFrames(frames: DashboardResult["longFrames"]): string {
  if (frames.length === 0) return "none";
  const longest = [...frames].sort((a, b) => b.duration - a.duration).slice(0, LONG_FRAMES_LISTED);
  const more = frames.length > longest.length ? `${frames.length} in all; the longest: ` : "";
  return `${more}${longest
    .map(
      (f) =>
        `${f.duration.toFixed(0)} ms = ${f.script.toFixed(0)} script + ${f.render.toFixed(0)} render + ${f.styleAndLayout.toFixed(0)} style/layout${f.top ? ` (${f.top})` : ""}`,
    )
    .join("; ")}`;
}

export function writeDashboardDocs(section: string): void {
  writeDocsSection({ begin: BEGIN, end: END, intro: INTRO }, section);
}
