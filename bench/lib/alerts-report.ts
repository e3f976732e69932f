import type { AlertRunResult } from "./alerts-run.ts";
import { writeDocsSection } from "./docs.ts";
import type { BenchMachine } from "./report.ts";

export interface AlertBenchRun {
  command: string;
  date: string;
  code: string;
  machine: BenchMachine;
  runs: AlertRunResult[];
  failures: string[];
}

const BEGIN = "<!-- bench:alerts:begin (written by npm run bench:alerts; edit outside these markers) -->";
const END = "<!-- bench:alerts:end -->";

/** The section's fixed part: written once, when docs/benchmarks.md has no alerts section yet. */
const INTRO = `## Alert delivery (npm run bench:alerts)

What it measures: 10,000 state changes → the time until every webhook delivery is acknowledged by a
local receiver (the receiver answered 200 and Upblit recorded the notification as \`sent\`), as
deliveries/s, against the same run's ceiling.

- **Upblit runs in the bench process** (\`startUpblit\` from the compiled \`dist/\`, roles
  \`api,notifier\`, \`ALLOW_PRIVATE_TARGETS=true\`, \`LOG_LEVEL=info\` to a file) on a fresh database:
  PGlite on disk in a temp \`DATA_DIR\`, then a fresh database on the local PostgreSQL server. The
  owner is set up through the setup link, one default webhook channel (events \`down\`, \`up\`) points
  at the receiver, and 2,000 http monitors are created through the API (the per-user API rate limit
  is raised for this setup step only; nothing else is changed).
- **State changes go through the real pipeline**: the bench calls the evaluator's own service,
  \`recordResults\`, with crafted results (down, up, down, up, down for each of the 2,000 monitors,
  \`failuresBeforeDown = successesBeforeUp = 1\`), 1,000 per call (one transaction each, as the evaluator
  batches), back to back. Each call stores the results, moves the state, writes events and incidents
  and the outbox rows in one transaction, and wakes the notifier, which claims, signs, POSTs and
  records every delivery. Real checks would need the scheduler and probe roles and 10,000 failing
  checks first; feeding the evaluator's service measures the alert path without the check path
  (which \`bench:checks\` measures). The clock starts before the first call and stops at the last
  \`sent_at\`: committing the changes is inside the measured time.
- **Receiver**: a Node \`http\` server on 127.0.0.1 in its own process that answers 200 \`{}\` and counts
  requests and distinct \`webhook-id\`s (a retry or redelivery would repeat an id).
- **Ceiling**: in the same run, right before the feed (Upblit idle), the same number of signed
  webhook POSTs sent straight to the same receiver by the webhook adapter (\`webhookChannel.send\`)
  through Upblit's outbound client (\`createOutbound\`: a fresh connection per request through the
  SSRF-safe connector), \`NOTIFY_CONCURRENCY\` at a time, after a 500-POST warm-up. No outbox, no
  claim, no record. *÷ ceiling* is Upblit's deliveries/s over the loop's POSTs/s.
- *Latency* is, per delivery, the outbox row's \`created_at\` to its \`sent_at\` (queueing included:
  10,000 rows arrive within seconds). *CPU s / 1k* is the bench process's user+system CPU (Upblit's
  evaluator service and notifier; the bench's polling is a count query every 100 ms) per 1,000
  deliveries, against the bare loop's own CPU per 1,000 POSTs; the PostgreSQL server's CPU is not
  counted. *Attempts* counts every claim (1.00 per delivery means no retry). *Received by the last
  commit* and *deliveries/s after it* split the run where the last batch committed: the notifier's
  own pace once it no longer shares the database with the evaluator's transactions.

Options: \`--quick\` (1,000 changes, PGlite only, leaves this file alone), \`--monitors\`, \`--flips\`,
\`--batch\`, \`--db pglite,postgres\`; \`NOTIFY_CONCURRENCY\` in the environment sets both concurrencies;
\`--help\` lists them all.

### Latest run
`;

const f = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "–";

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The run as Markdown: setup line, the figures per database, and what did not go as expected. */
export function renderAlerts(run: AlertBenchRun): string {
  const m = run.machine;
  const first = run.runs[0];
  const lines = [
    `Command: \`${run.command}\`  `,
    `Date: ${run.date}  `,
    `Code: ${run.code}  `,
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memGb} GB, Node ${m.node}; load average ${m.loadBefore} before, ${m.loadAfter} after  `,
    first
      ? `${f(first.changes)} state changes (${f(first.spec.monitors)} monitors × ${first.spec.flips}, ${f(first.spec.batch)} per \`recordResults\` call), NOTIFY_CONCURRENCY=${first.spec.concurrency}, one default webhook channel.`
      : "No configuration ran.",
    "",
    table(
      [
        "database",
        "deliveries",
        "changes committed (s)",
        "all acknowledged (s)",
        "deliveries/s",
        "received by the last commit",
        "deliveries/s after it",
        "ceiling POSTs/s",
        "÷ ceiling",
        "latency p50 / p99 / max ms",
        "CPU s / 1k",
        "÷ bare loop",
        "attempts / delivery",
        "received (requests / distinct ids)",
        "warnings logged",
      ],
      run.runs.map((r) => [
        r.spec.database === "pglite" ? "PGlite (embedded, on disk)" : "PostgreSQL (local server)",
        `${f(r.notifications.sent)} / ${f(r.changes)}${r.timedOut ? " (timed out)" : ""}`,
        f(r.feedSeconds, 1),
        f(r.ackSeconds, 1),
        f(r.deliveriesPerSecond),
        f(r.receivedDuringFeed),
        f((r.changes - r.receivedDuringFeed) / (r.ackSeconds - r.feedSeconds)),
        f(r.ceiling.perSecond),
        f(r.deliveriesPerSecond / r.ceiling.perSecond, 3),
        `${f(r.latencyMs.p50)} / ${f(r.latencyMs.p99)} / ${f(r.latencyMs.max)}`,
        f(r.cpuSecondsPer1k, 3),
        `${f(r.cpuSecondsPer1k / r.ceiling.cpuSecondsPer1k, 1)}×`,
        f(r.notifications.attempts / Math.max(1, r.notifications.total), 2),
        `${f(r.received.requests)} / ${f(r.received.distinct)}`,
        f(r.problems.length),
      ]),
    ),
    "",
    "Ceiling of each row (same run, right before the feed):",
    "",
    table(
      [
        "database",
        "POSTs",
        "seconds",
        "POSTs/s",
        "failed",
        "loop CPU s / 1k",
        "receiver CPU s / 1k (ceiling; Upblit)",
        "received (requests / distinct ids)",
      ],
      run.runs.map((r) => [
        r.spec.database,
        f(r.ceiling.posts),
        f(r.ceiling.seconds, 1),
        f(r.ceiling.perSecond),
        f(r.ceiling.failed),
        f(r.ceiling.cpuSecondsPer1k, 3),
        `${f(r.ceiling.receiverCpuSecondsPer1k, 3)}; ${f(r.receiverCpuSecondsPer1k, 3)}`,
        `${f(r.ceiling.received.requests)} / ${f(r.ceiling.received.distinct)}`,
      ]),
    ),
  ];
  const problems = run.runs.flatMap((r) => [...new Set(r.problems)].map((p) => `${r.spec.database}: ${p}`));
  const notes = [...run.failures, ...problems.slice(0, 10)];
  if (notes.length) lines.push("", "Problems:", "", ...notes.map((n) => `- ${n}`));
  return `${lines.join("\n")}\n`;
}

/** Replaces the generated part of the alerts section, appending the section at the end if it is missing. */
export function writeAlertsDocs(section: string): void {
  writeDocsSection({ begin: BEGIN, end: END, intro: INTRO }, section);
}
