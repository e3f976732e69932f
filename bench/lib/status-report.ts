import { writeDocsSection } from "./docs.ts";
import type { BenchMachine } from "./report.ts";
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

See the description above the latest run.

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
  const ratio = p.upblit.requestsPerSecond / p.bare.requestsPerSecond;
  return ratio >= targetOf(p) && p.upblit.non2xx === 0 && p.upblit.errors + p.upblit.timeouts === 0;
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
        `${spec.connections} connections, ${spec.seconds} s per run after ${spec.warmupSeconds} s of warm-up.`,
      "",
      "| Body | Uncompressed | brotli (on the wire) | gzip (on the wire) |",
      "| --- | ---: | ---: | ---: |",
      ...r.run.bodies.map(
        (b) =>
          `| ${b.name} (\`${b.path}\`) | ${kib(b.bytes.identity)} | ${kib(b.bytes.br)} | ${kib(b.bytes.gzip)} |`,
      ),
      "",
      "| Route, Accept-Encoding | On the wire | Server | req/s | p50 ms | p99 ms | non-2xx / errors | CPU ms / req | ÷ bare |",
      "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    );
    for (const p of r.run.pairs) {
      const ratio = p.upblit.requestsPerSecond / p.bare.requestsPerSecond;
      const row = (server: string, l: typeof p.bare, cpu: number, share: string) =>
        `| ${p.name} | ${kib(p.wireBytes)} | ${server} | ${f(l.requestsPerSecond)} | ` +
        `${f(l.latencyMs.p50)} | ${f(l.latencyMs.p99)} | ${l.non2xx} / ${l.errors + l.timeouts} | ${f(cpu, 3)} | ${share} |`;
      lines.push(
        row("bare Fastify", p.bare, p.bareCpuMsPerRequest, "1"),
        row("**Upblit**", p.upblit, p.upblitCpuMsPerRequest, `**${f(ratio, 2)}**`),
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
      const ratio = p.upblit.requestsPerSecond / p.bare.requestsPerSecond;
      lines.push(
        `- ${p.name}: ${f(ratio, 2)} × the bare route, target ≥ ${targetOf(p)}: **${metTarget(p) ? "met" : "not met"}**.`,
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
