// npm run bench:wasm-tiers — what V8's optimizing WebAssembly compiler costs and buys for PGlite:
// resident memory and CPU per round of queries, with Node's default tiers (baseline, then
// optimizing) and with the baseline compiler only (what `upblit start` uses unless WASM_OPTIMIZE).
// Each run is a process of its own on a copy of the build's PGlite template; the two alternate.
// Prints a Markdown table; figures go to docs/benchmarks.md by hand with the load printed here.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROUNDS = 4;

if (process.argv[2] === "--child") {
  const { setFlagsFromString } = await import("node:v8");
  if (process.argv[4] === "baseline") setFlagsFromString("--liftoff-only");
  const { PGlite } = await import("@electric-sql/pglite");
  const rss = () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
  const started = performance.now();
  const db = new PGlite(process.argv[3], {
    startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=32MB"],
  });
  await db.query("select 1");
  const openMs = performance.now() - started;
  await db.query("create table w (id serial primary key, v text, t timestamptz default now())");
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < 1500; i++) await db.query("insert into w (v) values ($1)", [`x${i}`]);
    for (let i = 0; i < 200; i++) await db.query("select count(*), max(t) from w where v like $1", ["x1%"]);
    const used = process.cpuUsage(cpu);
    rounds.push((used.user + used.system) / 1000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  process.stdout.write(JSON.stringify({ rss: rss(), openMs, rounds }));
  await db.close();
  process.exit(0);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(
  readFileSync(path.join(root, "node_modules/@electric-sql/pglite/package.json"), "utf8"),
);
const template = path.join(root, "dist", `pglite-template-${pkg.version}.tar.gz`);
const work = mkdtempSync(path.join(tmpdir(), "upblit-wasm-tiers-"));
const pristine = path.join(work, "pristine");
execFileSync("mkdir", ["-p", pristine]);
execFileSync("tar", ["xzf", template, "-C", pristine]);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(" ");
const loadBefore = load();
const runs = { optimizing: [], baseline: [] };
try {
  for (let i = 0; i < 3; i++) {
    for (const tier of ["optimizing", "baseline"]) {
      const dir = path.join(work, `${tier}-${i}`);
      cpSync(pristine, dir, { recursive: true });
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", dir, tier], {
        cwd: root,
      });
      runs[tier].push(JSON.parse(out.toString()));
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const row = (tier, label) => {
  const r = runs[tier];
  const first = mean(r.map((x) => x.rounds[0]));
  const warm = mean(r.map((x) => mean(x.rounds.slice(1))));
  return `| ${label} | ${mean(r.map((x) => x.rss)).toFixed(0)} MB (${r.map((x) => x.rss.toFixed(0)).join(", ")}) | ${(mean(r.map((x) => x.openMs)) / 1000).toFixed(1)} s | ${first.toFixed(0)} ms | ${warm.toFixed(0)} ms |`;
};
process.stdout.write(
  [
    `Command: \`npm run bench:wasm-tiers\`; Node ${process.version}; load average ${loadBefore} before, ${load()} after; 3 processes each, alternating.`,
    "",
    `| WebAssembly tiers | RSS after ${ROUNDS} rounds | open | CPU, first round | CPU per round after |`,
    "| --- | --- | --- | --- | --- |",
    row("optimizing", "baseline + optimizing (Node's default, `WASM_OPTIMIZE=true`)"),
    row("baseline", "baseline only (`upblit start`'s default)"),
    "",
    "A round: 1,500 single-row inserts and 200 aggregate reads.",
    "",
  ].join("\n"),
);
