// npm run bench:floor — what a fresh-connection GET alone costs the client at the paces of
// bench:checks (1,000 / 5,000 / 10,000 monitors at 60 s), made three ways: undici (what a check
// uses), node:http and a raw socket. Each loop runs in a process of its own against the same
// target process; the raw socket is the baseline the others are read against.
import { parseArgs } from "node:util";
import { positiveInt } from "./lib/args.ts";
import { BARE_CLIENTS, type BareClient } from "./lib/bare-clients.ts";
import { measurePaced } from "./lib/ceiling.ts";
import { installCleanupHandlers, runCleanup } from "./lib/cleanup.ts";
import { runStamp, writeDocsSection } from "./lib/docs.ts";
import { codeVersion, loadAverage, machineInfo } from "./lib/proc.ts";
import { progress } from "./lib/progress.ts";
import { startTarget } from "./lib/target.ts";
import { REPO_ROOT } from "./lib/upblit-child.ts";

const USAGE = `usage: npm run bench:floor -- [options]
  --rates 16.7,83.3,166.7   requests a second (default: the paces of 1,000 / 5,000 / 10,000 monitors at 60 s)
  --seconds 20              seconds measured per client and rate, after a 5 s warm-up
  --no-docs                 do not touch docs/benchmarks.md`;

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  strict: true,
  options: {
    rates: { type: "string", default: "16.7,83.3,166.7" },
    seconds: { type: "string", default: "20" },
    "no-docs": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const rates = values.rates.split(",").map((r) => {
  const rate = Number(r);
  if (!(rate > 0)) throw new Error(`--rates must be positive numbers, got ${r}`);
  return rate;
});
const seconds = positiveInt("seconds", values.seconds);
const writeDocs = !values["no-docs"];
installCleanupHandlers();
const clients = Object.keys(BARE_CLIENTS) as BareClient[];

async function main(): Promise<string> {
  const stamp = runStamp("bench:floor", argv);
  const machine = machineInfo();
  const loadBefore = loadAverage();
  const target = await startTarget();
  const rows: string[] = [];
  try {
    for (const rate of rates) {
      const cpu = new Map<BareClient, number>();
      for (const client of clients) {
        const loop = await measurePaced(target, rate, seconds * 1000, client);
        if (loop.errors > 0) throw new Error(`${client} at ${rate}/s: ${loop.errors} failed requests`);
        cpu.set(client, loop.clientCpuSecondsPer1k);
        progress("floor", `${client} at ${rate}/s: ${loop.clientCpuSecondsPer1k.toFixed(3)} CPU-s / 1k`);
      }
      const raw = cpu.get("raw socket")!;
      for (const client of clients) {
        const c = cpu.get(client)!;
        rows.push(`| ${rate} | ${client} | ${c.toFixed(3)} | ${(c / raw).toFixed(2)}× |`);
      }
    }
  } finally {
    await target.stop();
  }
  return [
    `Command: \`${stamp.command}\`  `,
    `Date: ${stamp.date}  `,
    `Code: ${codeVersion(REPO_ROOT)}  `,
    `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memGb} GB, Node ${machine.node}; load average ${loadBefore} before, ${loadAverage()} after`,
    "",
    `Each loop ${seconds} s after a 5 s warm-up, in its own process; CPU of that process only.`,
    "",
    "| requests/s | client | CPU-s / 1k requests | ÷ raw socket |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

try {
  const text = await main();
  process.stdout.write(`\n${text}`);
  if (writeDocs) {
    writeDocsSection(
      {
        begin: "<!-- bench:floor:begin (written by npm run bench:floor; edit outside these markers) -->",
        end: "<!-- bench:floor:end -->",
        intro: "## The client's floor (npm run bench:floor)\n",
      },
      text,
    );
    progress("done", "wrote docs/benchmarks.md");
  }
} catch (err) {
  process.stderr.write(`\nbench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
} finally {
  await runCleanup();
}
