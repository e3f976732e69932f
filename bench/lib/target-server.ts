// The check target: a tiny HTTP server on 127.0.0.1 that answers 200 "ok" and counts requests.
// It runs in its own process (forked by target.ts) so its CPU is neither Upblit's nor the driver's;
// it is controlled over the IPC channel and exits when that channel closes (the bench died).
import http from "node:http";

let requests = 0;
const server = http.createServer((_req, res) => {
  requests++;
  res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
  res.end("ok");
});
server.keepAliveTimeout = 5_000;
server.maxRequestsPerSocket = 0;

type Message = { type: "count" | "reset"; id: number };

server.listen(0, "127.0.0.1", 4096, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  process.send?.({ type: "ready", port });
});

process.on("message", (m: Message) => {
  if (m.type === "reset") requests = 0;
  process.send?.({ type: "reply", id: m.id, count: requests });
});
process.on("disconnect", () => process.exit(0));
