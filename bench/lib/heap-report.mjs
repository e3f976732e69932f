// Preloaded by bench:footprint (`node --import ./bench/lib/heap-report.mjs dist/cli/main.js start`):
// on SIGUSR2 the process logs one JSON line with V8's view of its memory (process.memoryUsage and
// the committed size of each heap space), so the benchmark can split RSS between V8 and the rest.
import { getHeapSpaceStatistics } from "node:v8";

process.on("SIGUSR2", () => {
  const mb = (n) => Math.round((n / 1048576) * 10) / 10;
  const mu = process.memoryUsage();
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((s) => [s.space_name, mb(s.physical_space_size)]),
  );
  const line = {
    level: 30,
    msg: "bench heap report",
    heapTotal: mb(mu.heapTotal),
    heapUsed: mb(mu.heapUsed),
    external: mb(mu.external),
    arrayBuffers: mb(mu.arrayBuffers),
    spaces,
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
});
