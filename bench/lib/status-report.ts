import { writeDocsSection } from "./docs.ts";
import type { BenchMachine } from "./report.ts";
import { roundRatios } from "./status-rounds.ts";
import type { StatusPair, StatusRunResult } from "./status-run.ts";

export interface StatusBenchRun {
  command: string;
  date: string;
  code: string;
  machine: BenchMachine;
  run: StatusRunResult | undefined;
  failures: string[];
}

/** The ratio issue 5 set for uncompressed answers: Upblit's requests/s at least half the bare route's. */
export const TARGET_RATIO = 0.5;
/** The ratio issue 20 sets for precompressed answers: at least 0.9× the bare route's. */
export const COMPRESSED_TARGET_RATIO = 0.9;
/** Issue 20's budget for the 50-component, 90-day page on the wire (brotli and gzip). */
export const PAGE_WIRE_BUDGET_BYTES = 60 * 1024;

const BEGIN = "<!-- bench:status:begin (written by npm run bench:status; edit outside these markers) -->";
const END = "<!-- bench:status:end -->";

/** The section's fixed part: written once, when docs/benchmarks.md has no status section yet. */
const INTRO = `## Status pages (npm run bench:status)

What it measures: how many requests per second one Upblit process serves for a public status page
of 50 components with 90 days of history and for its \`summary.json\`, uncompressed, brotli and
gzip, against a bare Fastify route in the same process answering the same bytes (the ceiling).

- **Upblit runs in the bench process** (\`startUpblit\` from the compiled \`dist/\`, role \`api\`,
  \`LOG_LEVEL=info\` to a file) on a fresh PGlite database in a temp \`DATA_DIR\`. The owner is set up
  through the setup link, 50 http monitors are created through the API and one public page shows
  them in 5 groups of 10. The per-user API limit and the public routes' per-IP limit are raised
  (every request comes from 127.0.0.1); both limiters still run on every request.
- **History**: the monitors are dated back 91 days (the storage layer) and get 90 days of results,
  one every 30 minutes (\`--interval\`), through the evaluator's own \`recordResults\` (results,
  states, incidents) under a clock the bench holds at each batch's time; then the rollup job runs
  once. Mostly up, 1 % degraded, and on about one day in sixteen an outage of 1–8 checks that opens
  and resolves an incident. The clock then runs as the wall clock again (the read model is rebuilt
  every 60 s during the load, as in production).
- **Ceiling**: a bare Fastify server in the same process whose routes answer, for the coding the
  request accepts (a substring test for \`br\`, then \`gzip\`), the exact bytes and headers Upblit
  answered (fetched once): content type and encoding, \`Vary\`, \`Cache-Control\`, \`ETag\`, CSP and the
  other security headers, and a fixed \`x-request-id\` of the same length. No hooks, no logger, no
  validation, no rate limiter.
- **Load**: \`autocannon\` (its CLI, in its own process) on 127.0.0.1 with keep-alive connections,
  no \`If-None-Match\` (every answer is a full 200), \`Accept-Encoding\` none, \`br\` or \`gzip\`. Each
  row gets a short warm-up (bare and Upblit), then rounds (\`--rounds\`, 5) of one short window
  (\`--duration\`, 4 s) per server, back to back, the bare route first in odd rounds and Upblit
  first in even ones. *÷ bare* is the median of the rounds' ratios (Upblit's req/s over the bare
  route's in the same round), the figure the targets are read against; the rounds' ratios are
  listed beside it. Two long windows one after the other, as this bench ran before, spread
  0.52–1.10 over five runs of the same code on this shared machine: a neighbour's burst then
  decided a whole row. *req/s* and *p50* are the median round's, *p99* the worst round's. *CPU ms / req* is the bench process's
  CPU (the server under load) per response. Targets: 0.5× uncompressed (issue 5), 0.9× brotli
  and gzip, and the page ≤ 60 KiB on the wire (issue 20).

Options: \`--quick\` (one round of 2 s, history every 120 min; leaves this file alone), \`--duration\`, \`--rounds\`,
\`--connections\`, \`--components\`, \`--days\`, \`--interval\`, \`--codings\`, \`--profile DIR\` (a CPU profile
of every measured run and the hottest functions on stdout; never writes this file); \`--help\` lists
them all. Run it on a quiet machine: both servers share the bench process and autocannon takes a
core of its own.

### Latest run
`;

const f = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "–";
const kib = (bytes: number) => `${f(bytes / 1024, 1)} KiB`;

export function targetOf(p: StatusPair): number {
  return p.coding === "identity" ? TARGET_RATIO : COMPRESSED_TARGET_RATIO;
}

/** Whether Upblit's route reached its ratio of the bare route with every answer a 2xx. */
export function metTarget(p: StatusPair): boolean {
  return p.ratio >= targetOf(p) && p.upblit.non2xx === 0 && p.upblit.errors + p.upblit.timeouts === 0;
}

/** The run as Markdown: body sizes, a table of loads, and the verdict against each target. */
export function renderStatus(r: StatusBenchRun): string {
  const lines = [
    `\`${r.command}\` on ${r.date}, code ${r.code}.`,
    "",
    `Machine: ${r.machine.nproc} × ${r.machine.cpuModel}, ${r.machine.memGb} GB, node ${r.machine.node}; ` +
      `load average before ${r.machine.loadBefore}, after ${r.machine.loadAfter}.`,
    "",
  ];
  if (r.run) {
    const { spec, history } = r.run;
    lines.push(
      `${spec.components} components in ${spec.groups} groups, each with ${spec.days} days of results ` +
        `(one every ${spec.intervalMinutes} min: ${f(history.results)} results written in ${f(history.seconds, 1)} s); ` +
        `${spec.connections} connections; after ${spec.warmupSeconds} s of warm-up, ${spec.rounds} rounds of ${spec.seconds} s ` +
        `per server, bare and Upblit alternating.`,
      "",
      "| Body | Uncompressed | brotli (on the wire) | gzip (on the wire) |",
      "| --- | ---: | ---: | ---: |",
      ...r.run.bodies.map(
        (b) =>
          `| ${b.name} (\`${b.path}\`) | ${kib(b.bytes.identity)} | ${kib(b.bytes.br)} | ${kib(b.bytes.gzip)} |`,
      ),
      "",
      "| Route, Accept-Encoding | On the wire | Server | req/s (median round) | p50 ms | p99 ms (worst round) | non-2xx / errors | CPU ms / req | ÷ bare (median of rounds) | rounds' ratios |",
      "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    );
    for (const p of r.run.pairs) {
      const row = (server: string, l: typeof p.bare, cpu: number, share: string, spread: string) =>
        `| ${p.name} | ${kib(p.wireBytes)} | ${server} | ${f(l.requestsPerSecond)} | ` +
        `${f(l.latencyMs.p50)} | ${f(l.latencyMs.p99)} | ${l.non2xx} / ${l.errors + l.timeouts} | ${f(cpu, 3)} | ${share} | ${spread} |`;
      const spread = roundRatios(p.rounds)
        .map((x) => f(x, 2))
        .join(", ");
      lines.push(
        row("bare Fastify", p.bare, p.bareCpuMsPerRequest, "1", ""),
        row("**Upblit**", p.upblit, p.upblitCpuMsPerRequest, `**${f(p.ratio, 2)}**`, spread),
      );
    }
    lines.push("");
    const page = r.run.bodies[0];
    if (page && spec.components === 50 && spec.days >= 90) {
      const wire = Math.max(page.bytes.br, page.bytes.gzip);
      lines.push(
        `- page on the wire: ${kib(page.bytes.br)} brotli, ${kib(page.bytes.gzip)} gzip; budget ≤ ${kib(PAGE_WIRE_BUDGET_BYTES)}: **${wire <= PAGE_WIRE_BUDGET_BYTES ? "met" : "not met"}**.`,
      );
    }
    for (const p of r.run.pairs) {
      lines.push(
        `- ${p.name}: ${f(p.ratio, 2)} × the bare route, target ≥ ${targetOf(p)}: **${metTarget(p) ? "met" : "not met"}**.`,
      );
    }
    if (r.run.problems.length)
      lines.push(
        `- Upblit logged ${r.run.problems.length} warnings or errors: ${[...new Set(r.run.problems)].slice(0, 5).join("; ")}.`,
      );
  }
  for (const failure of r.failures) lines.push(`- **Failed**: ${failure}`);
  return `${lines.join("\n")}\n`;
}

/** Replaces the status section of docs/benchmarks.md, adding it with its intro the first time. */
export function writeStatusDocs(section: string): void {
  writeDocsSection({ begin: BEGIN, end: END, intro: INTRO }, section);
}
