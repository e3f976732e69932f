// npm run bench:footprint — what running Upblit costs the machine: time until /readyz answers on
// a new data folder (cold) and an existing one (warm), peak RSS of each, and idle RSS with 0, 100
// and 1,000 monitors. Every figure comes from a separate `node dist/cli/main.js start` process
// (what `npm start` runs), read from /proc/<pid>/status; PGlite alone is measured in a process of
// its own to tell its share from the rest.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ENV_VARS as config } from "../src/config/schema.ts";
import { createMonitors, setUpOwner } from "./lib/api.ts";
import { positiveInt } from "./lib/args.ts";
import { installCleanupHandlers, runCleanup, trackDir, trackPid } from "./lib/cleanup.ts";
import { runStamp, writeDocsSection } from "./lib/docs.ts";
import { codeVersion, loadAverage, machineInfo, processMemoryBreakdownMb } from "./lib/proc.ts";
import { progress, sleep } from "./lib/progress.ts";
import { startTarget } from "./lib/target.ts";
import { REPO_ROOT, spawnUpblit, type UpblitChild } from "./lib/upblit-child.ts";

const USAGE = `usage: npm run bench:footprint -- [options]
  --sizes 100,1000   monitor counts measured idle (0 is always measured)
  --settle 60        seconds each process runs before idle RSS is read (one 60 s interval: every monitor checked)
  --sample 20        seconds idle RSS is sampled over (the mean and the highest are reported)
  --env K=V,K2=V2    extra environment of every Upblit process (e.g. PGLITE_SHARED_BUFFERS_MB=32, to compare)
  --node-args "…"    extra node flags of every Upblit process (space-separated)
  --no-docs          do not touch docs/benchmarks.md`;

const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  strict: true,
  options: {
    sizes: { type: "string", default: "100,1000" },
    settle: { type: "string", default: "60" },
    sample: { type: "string", default: "20" },
    env: { type: "string", default: "" },
    "node-args": { type: "string", default: "" },
    "no-docs": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const sizes = values.sizes.split(",").map((s) => positiveInt("sizes", s));
const extraEnv = Object.fromEntries(
  values.env
    .split(",")
    .filter(Boolean)
    .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
);
const extraNodeArgs = values["node-args"].split(" ").filter(Boolean);
// PGlite's shared buffers as the Upblit processes had them: --env's, or the configuration's default.
const sharedBuffersMb = extraEnv.PGLITE_SHARED_BUFFERS_MB ?? String(config.PGLITE_SHARED_BUFFERS_MB.default);
const HEAP_REPORT = path.join(REPO_ROOT, "bench/lib/heap-report.mjs");
const settleMs = positiveInt("settle", values.settle) * 1000;
const sampleMs = positiveInt("sample", values.sample) * 1000;
installCleanupHandlers();

const READY_TIMEOUT_MS = 600_000;
const SETUP_LINK_MESSAGE = "No account yet: open setupUrl to create the owner";
const mb = (n: number) => `${Math.round(n)} MB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Starts Upblit on `dataDir` and returns it with its time to /readyz and the CPU time (user +
 * system, all threads) it used until then: on a busy machine the second says more than the first.
 * The process preloads bench/lib/heap-report.mjs (a SIGUSR2 listener, nothing else).
 */
async function startMeasured(
  dataDir: string,
): Promise<{ upblit: UpblitChild; readyMs: number; readyCpuMs: number }> {
  const upblit = await spawnUpblit({
    env: { DATA_DIR: dataDir, LOG_LEVEL: "info", LOG_FORMAT: "json", ...extraEnv },
    nodeArgs: [...extraNodeArgs, "--import", pathToFileURL(HEAP_REPORT).href],
  });
  const readyAt = await upblit.waitReady(READY_TIMEOUT_MS);
  return { upblit, readyMs: readyAt - upblit.spawnedAt, readyCpuMs: upblit.cpuMs() };
}

/** Where the idle RSS is: PGlite's WebAssembly memory, V8's heap, files mapped, the rest. */
async function breakdown(upblit: UpblitChild): Promise<string> {
  process.kill(upblit.pid, "SIGUSR2");
  const heap = await upblit.waitForLog("bench heap report", 30_000);
  const m = processMemoryBreakdownMb(upblit.pid);
  const spaces = heap.spaces as Record<string, number>;
  const young = (spaces.new_space ?? 0) + (spaces.new_large_object_space ?? 0);
  const v8Total = Number(heap.heapTotal);
  return `${mb(m.wasmMemory)} | ${mb(v8Total)} (${mb(Number(heap.heapUsed))} used; young ${mb(young)}, code ${mb(spaces.code_space ?? 0)}) | ${mb(m.files)} | ${mb(Math.max(0, m.otherAnon - v8Total))}`;
}

/** Mean and highest VmRSS over `ms`, sampled every 250 ms. */
async function idleRss(upblit: UpblitChild, ms: number): Promise<{ mean: number; max: number }> {
  const samples: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    samples.push(upblit.memoryMb().rss);
    await sleep(250);
  }
  return { mean: samples.reduce((a, b) => a + b, 0) / samples.length, max: Math.max(...samples) };
}

/** PGlite alone on the same folder and shared buffers, in a process of its own: its share of the RSS. */
async function pgliteAlone(dataDir: string): Promise<number> {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, "bench/lib/pglite-alone.mjs"), dataDir, sharedBuffersMb],
    {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const untrack = trackPid(child.pid!);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  await new Promise((resolve) => child.once("exit", resolve));
  untrack();
  return Number(JSON.parse(out).rssMb);
}

async function main(): Promise<string> {
  const stamp = runStamp("bench:footprint", argv);
  const machine = machineInfo();
  const loadBefore = loadAverage();
  const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "upblit-footprint-")), "data");
  trackDir(path.dirname(dataDir));
  const target = await startTarget();
  const rows: string[] = [];
  const partRows: string[] = [];
  try {
    // Cold: a new data folder (the template unpacked, migrations applied, first-run link).
    const cold = await startMeasured(dataDir);
    const setupLine = await cold.upblit.waitForLog(SETUP_LINK_MESSAGE, 60_000);
    const coldPeak = cold.upblit.memoryMb().peak;
    progress(
      "cold",
      `ready in ${seconds(cold.readyMs)} (${seconds(cold.readyCpuMs)} CPU), peak ${mb(coldPeak)}`,
    );
    let token = await setUpOwner(cold.upblit.url, String(setupLine.setupUrl));
    await cold.upblit.stop(30_000);

    // Warm: the same folder again; then idle with no monitor.
    const warm = await startMeasured(dataDir);
    await sleep(settleMs);
    const idle0 = await idleRss(warm.upblit, sampleMs);
    const parts0 = await breakdown(warm.upblit);
    progress("warm", `where: ${parts0}`);
    const warmPeak = warm.upblit.memoryMb().peak;
    progress("warm", `ready in ${seconds(warm.readyMs)}, peak ${mb(warmPeak)}, idle ${mb(idle0.mean)}`);
    rows.push(
      `| cold (new data folder) | 0 | ${seconds(cold.readyMs)} | ${seconds(cold.readyCpuMs)} | ${mb(coldPeak)} | — |`,
      `| warm (existing folder) | 0 | ${seconds(warm.readyMs)} | ${seconds(warm.readyCpuMs)} | ${mb(warmPeak)} | ${mb(idle0.mean)} (max ${mb(idle0.max)}) |`,
    );
    partRows.push(`| 0 | ${parts0} |`);
    let upblit = warm.upblit;

    let count = 0;
    for (const size of sizes) {
      const made = await createMonitors(
        upblit.url,
        token,
        size - count,
        { targetOrigin: target.origin, intervalSeconds: 60, timeoutMs: 5_000 },
        16,
        `create ${size}`,
      );
      if (made.failed > 0) throw new Error(`creating monitors failed: ${made.firstErrors.join("; ")}`);
      count = size;
      await upblit.stop(30_000);
      // A new process per size: its RSS holds that many monitors, not the history of creating them.
      const next = await startMeasured(dataDir);
      upblit = next.upblit;
      token = await signIn(upblit.url);
      await sleep(settleMs);
      const idle = await idleRss(upblit, sampleMs);
      const parts = await breakdown(upblit);
      progress(`${size}`, `where: ${parts}`);
      partRows.push(`| ${size} | ${parts} |`);
      const peak = upblit.memoryMb().peak;
      progress(`${size}`, `ready in ${seconds(next.readyMs)}, peak ${mb(peak)}, idle ${mb(idle.mean)}`);
      rows.push(
        `| warm, monitors checked every 60 s | ${size} | ${seconds(next.readyMs)} | ${seconds(next.readyCpuMs)} | ${mb(peak)} | ${mb(idle.mean)} (max ${mb(idle.max)}) |`,
      );
    }
    await upblit.stop(30_000);
    const pglite = await pgliteAlone(dataDir);
    progress("pglite", `alone on the same folder: ${mb(pglite)}`);
    return [
      `Command: \`${stamp.command}\`  `,
      `Date: ${stamp.date}  `,
      `Code: ${codeVersion(REPO_ROOT)}  `,
      `Machine: ${machine.nproc} CPUs (${machine.cpuModel}), ${machine.memGb} GB, Node ${machine.node}; load average ${loadBefore} before, ${loadAverage()} after`,
      "",
      `Idle RSS: the mean (and highest) VmRSS over ${values.sample} s, after the process ran ${values.settle} s. Peak: VmHWM. ` +
        `WebAssembly: ${["true", "1"].includes(process.env.WASM_OPTIMIZE ?? "") ? "WASM_OPTIMIZE=true (baseline, then optimizing compiler)" : "baseline compiler only (WASM_OPTIMIZE unset, the default)"}.`,
      "",
      "| start | monitors | time to /readyz | CPU time to /readyz | peak RSS | idle RSS |",
      "| --- | --- | --- | --- | --- | --- |",
      ...rows,
      "",
      "Where the idle RSS is, read at the end of each sample (`/proc/<pid>/smaps`; V8's own figures from a SIGUSR2 " +
        "report, bench/lib/heap-report.mjs): PGlite's WebAssembly memory (its PostgreSQL heap), V8's heap (committed), " +
        "mapped files (node binary, libraries), and the rest (compiled JavaScript and WebAssembly code outside V8's " +
        "heap, malloc: Node's and libuv's buffers, PGlite's file system).",
      "",
      "| monitors | WebAssembly memory | V8 heap | files | rest |",
      "| --- | --- | --- | --- | --- |",
      ...partRows,
      "",
      ...(values.env || values["node-args"]
        ? [
            `Upblit processes ran with ${[values.env && `\`${values.env}\``, values["node-args"] && `\`${values["node-args"]}\``].filter(Boolean).join(" and ")}.`,
            "",
          ]
        : []),
      `PGlite alone (a process that only opens the folder with ${count} monitors and their results, ${sharedBuffersMb} MB shared buffers, and reads every table): ${mb(pglite)} RSS.`,
      "",
    ].join("\n");
  } finally {
    await target.stop();
  }
}

async function signIn(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "bench@example.com", password: "quiet meadow lantern 7241" }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

try {
  const text = await main();
  process.stdout.write(`\n${text}`);
  if (!values["no-docs"]) {
    writeDocsSection(
      {
        begin:
          "<!-- bench:footprint:begin (written by npm run bench:footprint; edit outside these markers) -->",
        end: "<!-- bench:footprint:end -->",
        intro: "## Footprint: `npm run bench:footprint`\n",
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
