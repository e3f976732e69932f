// PGlite alone, for bench:footprint: opens a data folder with Upblit's shared buffers, reads every
// table of the public schema once (as a running Upblit would touch them), and prints its VmRSS.
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

// As `upblit start` does (src/lib/heap.ts chooseWasmTier): the baseline compiler only, unless WASM_OPTIMIZE.
if (!["true", "1"].includes(process.env.WASM_OPTIMIZE ?? "")) setFlagsFromString("--liftoff-only");
const { PGlite } = await import("@electric-sql/pglite");

const db = new PGlite(process.argv[2], {
  startParams: [...PGlite.defaultStartParams, "-c", `shared_buffers=${process.argv[3] ?? "32"}MB`],
});
const { rows } = await db.query("select tablename from pg_tables where schemaname = 'public'");
for (const { tablename } of rows) await db.query(`select count(*) from "${tablename}"`);
const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"))[1]);
await db.close();
process.stdout.write(JSON.stringify({ rssMb: rss / 1024 }));
