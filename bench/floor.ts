// npm run bench:floor — what a fresh-connection GET alone costs the client at the paces of
// bench:checks (1,000 / 5,000 / 10,000 monitors at 60 s), made three ways: undici (what a check
// uses), node:http and a raw socket. Each loop runs in a process of its own against the same
// target process; the raw socket is the baseline the others are read against.
import { BARE_CLIENTS, type BareClient } from "./lib/bare-clients.ts";
import { measurePaced } from "./lib/ceiling.ts";
import { installCleanupHandlers, runCleanup } from "./lib/cleanup.ts";
import { runStamp, writeDocsSection } from "./lib/docs.ts";
import { codeVersion, loadAverage, machineInfo } from "./lib/proc.ts";
import { progress } from "./lib/progress.ts";
import { startTarget } from "./lib/target.ts";
import { REPO_ROOT } from "./lib/upblit-child.ts";

installCleanupHandlers();
const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
};
const rates = option("--rates", "16.7,83.3,166.7").split(",").map(Number);
const seconds = Number(option("--seconds", "20"));
const writeDocs = !argv.includes("--no-docs");
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
