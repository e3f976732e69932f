// bench:status's ceiling: a bare Fastify route replaying, byte for byte and header for header,
// what Upblit answered for each path and content coding.
import Fastify from "fastify";
import { request } from "undici";
import { onCleanup } from "./cleanup.ts";
import { freePort } from "./upblit-child.ts";

export type Coding = "identity" | "br" | "gzip";

/** One answer of Upblit as a client saw it: the bytes on the wire and the headers that came with them. */
export interface Captured {
  coding: Coding;
  body: Buffer;
  headers: Record<string, string>;
}

/** Headers a server writes per connection or per response (the bare server's Node writes its own). */
const PER_RESPONSE = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding"]);

/** The Accept-Encoding each coding's rows send. */
export const ACCEPT: Record<Coding, Record<string, string>> = {
  identity: {},
  br: { "accept-encoding": "br" },
  gzip: { "accept-encoding": "gzip" },
};

/** GETs `url` as a client accepting `coding` would, and checks Upblit answered 200 in that coding. */
export async function capture(url: string, coding: Coding): Promise<Captured> {
  const res = await request(url, { headers: ACCEPT[coding] });
  const body = Buffer.from(await res.body.arrayBuffer());
  const encoding = res.headers["content-encoding"] ?? "identity";
  if (res.statusCode !== 200 || encoding !== coding)
    throw new Error(`GET ${url} (${coding}): HTTP ${res.statusCode}, content-encoding ${encoding}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers))
    if (!PER_RESPONSE.has(name) && value !== undefined) headers[name] = String(value);
  return { coding, body, headers };
}

/**
 * A bare Fastify server in this process: each path answers the captured bytes and headers of the
 * coding the request accepts (br, else gzip, else identity; a substring test), including Upblit's
 * x-request-id (a fixed one, the same length), CSP, cache-control, ETag and Vary. No hooks, no
 * logger, no validation: the ceiling for serving precompressed bytes.
 */
export async function startBare(routes: Array<{ path: string; answers: Captured[] }>) {
  const app = Fastify({ logger: false });
  for (const r of routes) {
    const by = new Map(r.answers.map((a) => [a.coding, a]));
    const pick = (accept: string): Captured =>
      (accept.includes("br") ? by.get("br") : undefined) ??
      (accept.includes("gzip") ? by.get("gzip") : undefined) ??
      by.get("identity")!;
    app.get(r.path, (req, reply) => {
      const answer = pick(req.headers["accept-encoding"] ?? "");
      reply.headers(answer.headers).send(answer.body);
    });
  }
  const port = await freePort();
  await app.listen({ host: "127.0.0.1", port });
  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= app.close();
    return closed;
  };
  onCleanup(close, "the bare status server");
  return { origin: `http://127.0.0.1:${port}`, close };
}
