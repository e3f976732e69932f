// Creates a PGlite data folder (initdb) in a worker thread. initdb needs several hundred MB of
// WebAssembly memory; done here, that memory goes away with the worker instead of staying in
// the main process for its whole life. Plain JavaScript: workers do not get the tsx loader.
import { workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

const db = new PGlite(workerData.dataDir);
await db.query("select 1");
await db.close();
