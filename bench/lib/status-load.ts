import { spawn } from "node:child_process";
import path from "node:path";
import { trackPid } from "./cleanup.ts";
import { processCpuMs } from "./proc.ts";
import { REPO_ROOT } from "./upblit-child.ts";

const AUTOCANNON = path.join(REPO_ROOT, "node_modules/autocannon/autocannon.js");

/** What one autocannon run measured (its own JSON report, reduced to what the bench reports). */
export interface LoadResult {
  url: string;
  seconds: number;
  connections: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Responses by class, and failures that got no response at all. */
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  bytesPerResponse: number;
  /** CPU of the autocannon process itself, so a saturated load generator shows. */
  loaderCpuSeconds: number;
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  throughput: { total: number };
  "2xx": number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * Runs autocannon (the CLI, in its own process so the load generator never shares an event loop
 * with the servers) against `url` for `seconds` with `connections` keep-alive connections.
 */
export async function runAutocannon(
  url: string,
  seconds: number,
  connections: number,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}=${v}`]);
  const child = spawn(
    process.execPath,
    [AUTOCANNON, "--json", "-c", String(connections), "-d", String(seconds), ...headerArgs, url],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  if (child.pid === undefined) throw new Error("could not spawn autocannon");
  const pid = child.pid;
  const untrack = trackPid(pid);
  let stdout = "";
  let stderr = "";
  let cpuMs = 0;
  const sampler = setInterval(() => {
    try {
      cpuMs = processCpuMs(pid);
    } catch {
      // exited between samples
    }
  }, 200);
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-2000);
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearInterval(sampler);
  untrack();
  if (code !== 0) throw new Error(`autocannon exited with ${code}: ${stderr}`);
  const report = JSON.parse(stdout) as AutocannonJson;
  return {
    url,
    seconds,
    connections,
    requestsPerSecond: report.requests.average,
    latencyMs: { p50: report.latency.p50, p99: report.latency.p99, max: report.latency.max },
    ok: report["2xx"],
    non2xx: report.non2xx,
    errors: report.errors,
    timeouts: report.timeouts,
    bytesPerResponse: report.requests.total ? report.throughput.total / report.requests.total : 0,
    loaderCpuSeconds: cpuMs / 1000,
  };
}
