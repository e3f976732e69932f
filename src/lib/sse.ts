import type { ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * The Server-Sent Events streams of one plugin: each is opened with the same headers, a first
 * comment and a keep-alive comment every 15 s, and every open one is ended when the server closes.
 */
export function eventStreams(app: FastifyInstance) {
  const streams = new Set<ServerResponse>();
  // preClose, not onClose: the server's close waits for every open connection before the onClose
  // hooks run, so a stream a client keeps open would hold a stopping process until its hard
  // deadline. Ended here, the clients reconnect (to another API process behind the proxy).
  app.addHook("preClose", async () => {
    for (const res of streams) res.end();
  });
  return {
    /** Streams open now. */
    get size(): number {
      return streams.size;
    },
    /**
     * Takes the reply over as an event stream and returns the raw response to write events to;
     * `onClose` runs once when the client leaves or the stream is ended.
     */
    open(request: FastifyRequest, reply: FastifyReply, onClose: () => void): ServerResponse {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "x-request-id": String(request.id),
      });
      res.write(": connected\n\n");
      streams.add(res);
      const heartbeat = setInterval(() => res.writableEnded || res.write(": keep-alive\n\n"), HEARTBEAT_MS);
      res.on("close", () => {
        clearInterval(heartbeat);
        streams.delete(res);
        onClose();
      });
      return res;
    },
  };
}
