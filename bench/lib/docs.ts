import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./upblit-child.ts";

export const DOCS_FILE = path.join(REPO_ROOT, "docs/benchmarks.md");
const BEGIN = "<!-- bench:checks:begin (written by npm run bench:checks; edit outside these markers) -->";
const END = "<!-- bench:checks:end -->";

const INTRO = `# Benchmarks

## Checks: \`npm run bench:checks\`

What it measures, on the embedded default (PGlite on disk in a fresh temp \`DATA_DIR\`, every role in
one process, \`ALLOW_PRIVATE_TARGETS=true\`, the API rate limits raised for the bulk creation), with Upblit as a child process (\`node dist/cli/main.js start\`)
so that its CPU and memory are read from \`/proc/<pid>\` apart from the bench driver's and the target's:

- **Ceiling**: a bare loop of GETs, each on a fresh connection (an undici \`Client\` per request, as
  the probe does), \`PROBE_CONCURRENCY\` at a time for 10 s after a 2 s warm-up, against the same
  target: a tiny Node HTTP server on 127.0.0.1 answering 200 "ok", in its own process. Every other
  figure is read against it, because absolute numbers only describe this machine. It is measured
  again right before and right after the saturated run, which is compared with the mean of those
  two (the ceiling drifts by a fifth or more within minutes here).
- Every run gets a fresh temp \`DATA_DIR\`, initialised first by \`upblit migrate\` in its own process
  (PGlite's initdb; its time and peak RSS are reported once), so that the measured process opens an
  existing database as every start but the very first does.
- **Steady load**: N http monitors (1,000 / 5,000 / 10,000) at 60 s, created through the API, run for one
  interval (every monitor's first check, a pending → up transition, falls in it), then measured
  for 60 s: the window holds the checks a running installation makes. *Achieved/s* counts checks that started in the window; *due/s* is the number of
  slots in the window (exactly N/60 per second); *slots checked* is how many of those slots have a
  stored result. *Lateness* is a check's start minus its due time, from the stored results
  (\`lateness_ms\`). *CPU s / 1k checks* is Upblit's user+system CPU in the window per 1,000 checks,
  and "÷ bare loop" compares it with the bare loop's own CPU per 1,000 requests. That loop runs
  back to back; at 17 or 167 checks a second every request instead wakes an idle process and an idle
  target, which costs several times more CPU in the kernel's loopback TCP path. So, after each size,
  the same bare requests are sent *at that size's pace* for 20 s (each released by its own timer,
  nothing else running): *bare loop at this pace* is their CPU per 1,000, and *÷ paced bare loop*
  what Upblit spends per check (scheduling, probing, storing, judging) over that. *Peak RSS* is
  \`VmHWM\` (creation included; "window" is the highest \`VmRSS\` sampled while measuring).
  *Bytes/check (table)* is \`pg_total_relation_size('check_results')\` (heap, TOAST and indexes) over
  its rows; *(disk)* is the growth of \`DATA_DIR\` in the window over the checks in it (WAL included,
  for context). *Stored / started* compares rows in \`check_results\` with requests the target
  answered over the process's whole life: every check must leave a result. *Others' CPU* is the
  share of the machine used by other processes (the bench driver included) during the window.
- **Creating monitors**: N POSTs to \`/api/v1/monitors\`, 16 in flight, while checks already run.
- **Restart**: with the largest N in the database, SIGTERM, start again; time from spawn until
  \`/readyz\` answers 200 and until the scheduler logs "scheduler started; missed slots skipped"
  (slots missed while down moved to their next natural slot: every monitor has a future slot).
  Then the checks of the first 5 s, which must be about N×5/60, not N (no burst).
- **Saturated**: more checks due per second than the ceiling (monitors at a short interval, with
  \`MIN_INTERVAL_SECONDS\` lowered); achieved checks/s against the ceiling, and every result stored, measured after a 20 s warm-up.

Targets from issue 2, on the embedded default: 10,000 monitors at 60 s with p99 lateness under 1 s;
at most 0.5 CPU-seconds per 1,000 checks; saturated, at least half the bare loop's rate with every
result stored; under 400 MB RSS at 10,000 monitors; 10,000 monitors created through the API in under
30 s; all 10,000 scheduled within 10 s of a restart. For scale, the most popular peer, on the same
machine, spends 4.5–5.3 CPU-seconds per 1,000 HTTP checks, stalls at about 210 checks/s, grows to
about 500 MB at 3,000 monitors and stores about 150 bytes per check.

The machine is shared: other engineers run test suites on the same 2 CPUs while the bench runs.
*Others' CPU* shows how much; figures move by ±30 % from run to run (the ceiling itself has measured
between 2,600 and 4,600 requests/s here), which is why each figure is read against the same run's
ceiling and why CPU is measured as CPU time rather than wall-clock throughput.

Options: \`--quick\` (200 monitors, 5 s warm-up, 15 s; leaves this file alone), \`--sizes\`, \`--duration\`, \`--warmup\`,
\`--saturate\` (ceiling and saturated run only), \`--no-restart\`, \`--profile DIR\` (\`--cpu-prof\`
on Upblit and a summary of the hottest functions); \`--type all\` (or a type, or a list) measures each
monitor type beside a bare client of its protocol instead (below, "Checks per monitor type");
\`--help\` lists them all.

## Latest run
`;

/**
 * Replaces what lies between `begin` and `end` in docs/benchmarks.md with `section`. A file or a
 * section that is missing is added: the file starts with `fileIntro`, the section with its own
 * `intro`. Every bench writes its generated part through this, leaving the prose around it alone.
 */
export function writeDocsSection(
  markers: { begin: string; end: string; intro: string; fileIntro?: string },
  section: string,
): void {
  const { begin, end } = markers;
  const block = `${begin}\n\n${section}\n${end}`;
  const text = existsSync(DOCS_FILE)
    ? readFileSync(DOCS_FILE, "utf8")
    : (markers.fileIntro ?? "# Benchmarks\n");
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  writeFileSync(
    DOCS_FILE,
    a >= 0 && b > a
      ? text.slice(0, a) + block + text.slice(b + end.length)
      : `${text.trimEnd()}\n\n${markers.intro}\n${block}\n`,
  );
}

/** Replaces the checks section of docs/benchmarks.md, creating the file with its intro if needed. */
export function writeDocs(section: string): void {
  writeDocsSection({ begin: BEGIN, end: END, intro: "", fileIntro: `${INTRO}\n${BEGIN}\n${END}\n` }, section);
}

/** The command line and time a bench run is reported under. */
export function runStamp(script: string, argv: string[]): { command: string; date: string } {
  return {
    command: `npm run ${script}${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}
