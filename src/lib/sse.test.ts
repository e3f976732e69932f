import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { eventStreams } from "./sse.ts";

/**
 * A stopping API process (SIGTERM in a rolling restart) must not wait for its live streams'
 * clients to leave: a dashboard keeps its stream open for as long as it is shown, so a close
 * waiting for it held the process until its hard deadline (and then it exited with 1).
 */
describe("event streams when the server closes", () => {
  it("ends open streams at once, and close() does not wait for their clients", async () => {
    const app = Fastify();
    app.register(async (child) => {
      const streams = eventStreams(child);
      child.get("/events", async (request, reply) => {
        streams.open(request, reply, () => {});
      });
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = app.server.address() as { port: number };
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/events`, { signal: controller.signal });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toContain(": connected");

    // The client never leaves by itself; before the fix close() waited for it forever.
    const closed = app.close().then(() => "closed" as const);
    const giveUp = new Promise<"still waiting">((resolve) => {
      setTimeout(() => resolve("still waiting"), 10_000).unref();
    });
    try {
      expect(await Promise.race([closed, giveUp])).toBe("closed");
      // The client sees its stream end (and would reconnect, to another process).
      let rest = await reader.read();
      while (!rest.done) rest = await reader.read();
      expect(rest.done).toBe(true);
    } finally {
      controller.abort();
    }
  });
});
