// The webhook receiver of bench:alerts: a tiny HTTP server on 127.0.0.1 that reads each POST,
// answers 200 "{}" and counts requests and distinct `webhook-id`s (a retry or a redelivery repeats
// an id). It runs in its own process (forked by alerts-receiver.ts) so its CPU is neither
// Upblit's nor the sender's; it exits when the IPC channel closes (the bench died).
import http from "node:http";

let requests = 0;
let ids = new Set<string>();
let lastNewAt = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    requests++;
    const id = req.headers["webhook-id"];
    if (typeof id === "string" && !ids.has(id)) {
      ids.add(id);
      lastNewAt = Date.now();
    }
    res.writeHead(200, { "content-type": "application/json", "content-length": "2" });
    res.end("{}");
  });
});
server.keepAliveTimeout = 5_000;

type Message = { type: "count" | "reset"; id: number };

server.listen(0, "127.0.0.1", 4096, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.send?.({ type: "ready", port });
});

process.on("message", (m: Message) => {
  if (m.type === "reset") {
    requests = 0;
    ids = new Set();
    lastNewAt = 0;
  }
  process.send?.({ type: "reply", id: m.id, counts: { requests, distinct: ids.size, lastNewAt } });
});
process.on("disconnect", () => process.exit(0));
