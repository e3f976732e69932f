import { writeDocsSection } from "./docs.ts";
import type { BenchMachine } from "./report.ts";
import type { StatusRunResult } from "./status-run.ts";

export interface StatusBenchRun {
  command: string;
  date: string;
  code: string;
  machine: BenchMachine;
  run: StatusRunResult | undefined;
  failures: string[];
}

/** The ratio issue 5 set: Upblit's requests/s at least half the bare route's. */
export const TARGET_RATIO = 0.5;
/** The ratio issue 20 sets for precompressed answers: at least 0.9× the bare route's. */
export const COMPRESSED_TARGET_RATIO = 0.9;

const BEGIN = "<!-- bench:status:begin (written by npm run bench:status; edit outside these markers) -->";
const END = "<!-- bench:status:end -->";

/** The section's fixed part: written once, when docs/benchmarks.md has no status section yet. */
const INTRO = `## Status pages (npm run bench:status)

What it measures: how many requests per second one Upblit process serves for a public status page
of 50 components and for its \`summary.json\`, against a bare Fastify route in the same process
returning the same bytes (the ceiling).

- **Upblit runs in the bench process** (\`startUpblit\` from the compiled \`dist/\`, role \`api\`,
  \`LOG_LEVEL=info\` to a file) on a fresh PGlite database in a temp \`DATA_DIR\`. The owner is set up
  through the setup link, 50 http monitors are created through the API (interval 1 h; with only
  the \`api\` role nothing checks them, so every component is *Awaiting data*) and one public page
  shows them in 5 groups of 10. The per-user API limit and the public routes' per-IP limit are
  raised (every request comes from 127.0.0.1); both limiters still run on every request.
- **Ceiling**: a bare Fastify server started in the same process, whose routes answer the exact
  bytes Upblit answered for the page and for \`summary.json\` (fetched once), with the same content
  type. No cache lookup, no CSP nonce, no ETag, no rate limiter, no request log.
- **Load**: \`autocannon\` (its CLI, in its own process) on 127.0.0.1 with keep-alive connections,
  no \`If-None-Match\` (every answer is a full 200). Each target gets a short warm-up (bare and
  Upblit), then the bare route and Upblit's route are measured back to back for the same time.
  *req/s* is autocannon's average, *p99* its 99th-percentile latency; *÷ bare* is Upblit's req/s
  over the bare route's. *CPU ms / req* is the bench process's CPU (the server under load) per
  response. Target from issue 5: at least ${TARGET_RATIO}× the bare route.

Options: \`--quick\` (2 s per run, leaves this file alone), \`--duration\`, \`--connections\`,
\`--components\`; \`--help\` lists them all. Run it on a quiet machine: both servers share the
bench process and autocannon takes a core of its own.

### Latest run
`;

const f = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : "–";

/** The run as Markdown: a table per target and the verdict against the target ratio. */
export function renderStatus(r: StatusBenchRun): string {
  const lines = [
    `\`${r.command}\` on ${r.date}, code ${r.code}.`,
    "",
    `Machine: ${r.machine.nproc} × ${r.machine.cpuModel}, ${r.machine.memGb} GB, node ${r.machine.node}; ` +
      `load average before ${r.machine.loadBefore}, after ${r.machine.loadAfter}.`,
    "",
  ];
  if (r.run) {
    const { spec } = r.run;
    lines.push(
      `${spec.components} components in ${spec.groups} groups; ${spec.connections} connections, ` +
        `${spec.seconds} s per run after ${spec.warmupSeconds} s of warm-up.`,
      "",
      "| Route | Body on the wire | Server | req/s | p50 ms | p99 ms | non-2xx / errors | CPU ms / req | ÷ bare |",
      "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const p of r.run.pairs) {
      const ratio = p.upblit.requestsPerSecond / p.bare.requestsPerSecond;
      const row = (server: string, l: typeof p.bare, cpu: number, share: string) =>
        `| ${p.name} | ${f(p.bodyBytes / 1024, 1)} KiB | ${server} | ${f(l.requestsPerSecond)} | ` +
        `${f(l.latencyMs.p50)} | ${f(l.latencyMs.p99)} | ${l.non2xx} / ${l.errors + l.timeouts} | ${f(cpu, 3)} | ${share} |`;
      lines.push(
        row("bare Fastify", p.bare, p.bareCpuMsPerRequest, "1"),
        row("**Upblit**", p.upblit, p.upblitCpuMsPerRequest, `**${f(ratio, 2)}**`),
      );
    }
    lines.push("");
    for (const p of r.run.pairs) {
      const ratio = p.upblit.requestsPerSecond / p.bare.requestsPerSecond;
      const target = p.name.includes("brotli") ? COMPRESSED_TARGET_RATIO : TARGET_RATIO;
      const met = ratio >= target && p.upblit.non2xx === 0 && p.upblit.errors === 0;
      lines.push(
        `- ${p.name} (\`${p.path}\`): ${f(ratio, 2)} × the bare route, target ≥ ${target}: **${met ? "met" : "not met"}**.`,
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
