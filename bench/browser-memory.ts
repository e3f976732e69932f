/**
 * Memory of browser checks (docs/benchmarks.md, "Browser checks"): the proportional set size
 * (PSS, shared pages split between processes) of the Chromium processes this process launched,
 * idle after one check, with one page open and with two at once (BROWSER_CONCURRENCY's default).
 * Pages are held open by a target that answers after 8 s. Linux only (/proc/<pid>/smaps_rollup).
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { closeBrowsers, runBrowserCheck } from "../src/monitor-types/browser/bench.ts";

const PAGE = `<h1>hello</h1>${"<p>text</p>".repeat(200)}`;
const server = createServer((req, res) => {
  if (req.url === "/slow") setTimeout(() => res.end(PAGE), 8_000);
  else res.end(PAGE);
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

function chromiumPss(): { mb: number; processes: number } {
  const children = new Map<number, Array<{ pid: number; args: string }>>();
  for (const line of execFileSync("ps", ["-eo", "ppid,pid,args"]).toString().split("\n").slice(1)) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const list = children.get(Number(m[1])) ?? [];
    list.push({ pid: Number(m[2]), args: m[3] ?? "" });
    children.set(Number(m[1]), list);
  }
  let kb = 0;
  let processes = 0;
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      if (/chrom/.test(c.args)) {
        try {
          kb += Number(/Pss:\s+(\d+)/.exec(readFileSync(`/proc/${c.pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
          processes++;
        } catch {
          // The process ended between ps and the read.
        }
      }
      walk(c.pid);
    }
  };
  walk(process.pid);
  return { mb: Math.round(kb / 1024), processes };
}

const whileOpen = async (n: number) => {
  const checks = Array.from({ length: n }, () => runBrowserCheck(`${base}/slow`, { timeoutMs: 60_000 }));
  await new Promise((r) => setTimeout(r, 5_000));
  const seen = chromiumPss();
  await Promise.all(checks);
  return seen;
};

await runBrowserCheck(`${base}/`, { timeoutMs: 60_000 });
const idle = chromiumPss();
const one = await whileOpen(1);
const two = await whileOpen(2);
console.log(JSON.stringify({ idle, onePage: one, twoPages: two }));
await closeBrowsers();
server.close();
