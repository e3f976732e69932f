/**
 * A probe thread: runs the checks ProbeThreads (src/probe/threads.ts) hands it, of any registered type, and posts back what each
 * saw. Nothing else runs here, so its sockets, undici and the kernel's connect and close work
 * stay off the main thread, which keeps the database, the scheduler and the queue.
 */
import { parentPort } from "node:worker_threads";
import type { ProbeRequest, ProbeResponse } from "../probe/threads.ts";
import { runProbe } from "./run.ts";

const port = parentPort;
if (!port) throw new Error("src/monitor-types/thread.ts runs only as a worker thread");

port.on("message", (request: ProbeRequest) => {
  // runProbe never throws: a failure, a bug included, comes back as the observation's error.
  void runProbe(request.spec, request.options).then((observation) => {
    const response: ProbeResponse = { id: request.id, observation };
    port.postMessage(response);
  });
});
